using Dealership.Assignment.Roster;

namespace Dealership.Tests.Assignment;

/// <summary>Shifts are in the dealership's time zone; a shift belongs to the day it starts on.</summary>
public class Working_hours_Specs
{
    private static readonly TimeZoneInfo Shanghai = WorkingTime.Zone("Asia/Shanghai");

    // 2026-11-27 is a Friday.
    private static DateTimeOffset Local(string at) => DateTimeOffset.Parse(at + "+08:00");

    private static Consultant With(params Shift[] shifts) => new() { Name = "王芳", Phone = "+8613800138001", WorkingHours = [.. shifts] };

    [Theory]
    [InlineData("2026-11-27T08:59", false)]
    [InlineData("2026-11-27T09:00", true)]
    [InlineData("2026-11-27T17:59", true)]
    [InlineData("2026-11-27T18:00", false)]
    [InlineData("2026-11-28T10:00", false)]
    public void Should_work_only_within_the_day_shift(string at, bool working) =>
        Assert.Equal(working, WorkingTime.IsWorking(With(new Shift(DayOfWeek.Friday, new(9, 0), new(18, 0))), Local(at), Shanghai));

    [Theory]
    [InlineData("2026-11-27T21:59", false)]
    [InlineData("2026-11-27T22:00", true)]
    [InlineData("2026-11-27T23:59", true)]
    [InlineData("2026-11-28T00:00", true)]
    [InlineData("2026-11-28T05:59", true)]
    [InlineData("2026-11-28T06:00", false)]
    [InlineData("2026-11-26T23:00", false)]
    public void Should_work_a_night_shift_across_midnight(string at, bool working) =>
        Assert.Equal(working, WorkingTime.IsWorking(With(new Shift(DayOfWeek.Friday, new(22, 0), new(6, 0))), Local(at), Shanghai));

    [Fact]
    public void Should_not_work_on_a_day_off_but_finish_the_night_shift_begun_the_day_before()
    {
        var consultant = With(new Shift(DayOfWeek.Friday, new(22, 0), new(6, 0)), new Shift(DayOfWeek.Saturday, new(22, 0), new(6, 0)));
        consultant.DaysOff = [new DateOnly(2026, 11, 28)];

        Assert.True(WorkingTime.IsWorking(consultant, Local("2026-11-28T02:00"), Shanghai), "Friday's shift runs into Saturday morning");
        Assert.False(WorkingTime.IsWorking(consultant, Local("2026-11-28T23:00"), Shanghai), "Saturday's own shift is off");
        Assert.False(WorkingTime.IsWorking(consultant, Local("2026-11-29T02:00"), Shanghai), "and so is its tail on Sunday");
    }

    [Fact]
    public void Should_treat_no_schedule_as_always_working_except_days_off()
    {
        var consultant = With();
        consultant.DaysOff = [new DateOnly(2026, 11, 28)];

        Assert.True(WorkingTime.IsWorking(consultant, Local("2026-11-27T03:00"), Shanghai));
        Assert.False(WorkingTime.IsWorking(consultant, Local("2026-11-28T12:00"), Shanghai));
        Assert.Equal(Local("2026-11-29T00:00"), WorkingTime.NextShiftStart(consultant, Local("2026-11-28T12:00"), Shanghai));
    }

    [Fact]
    public void Should_find_the_next_shift_skipping_days_off_in_the_dealerships_time_zone()
    {
        var consultant = With(new Shift(DayOfWeek.Friday, new(9, 0), new(18, 0)), new Shift(DayOfWeek.Monday, new(9, 0), new(18, 0)));
        consultant.DaysOff = [new DateOnly(2026, 11, 30)];

        // Friday 20:00 in Shanghai is 12:00 UTC; Monday is off, so the next shift is Friday 4 December, 09:00 local (01:00 UTC).
        var next = WorkingTime.NextShiftStart(consultant, DateTimeOffset.Parse("2026-11-27T12:00Z"), Shanghai);

        Assert.Equal(DateTimeOffset.Parse("2026-12-04T01:00Z"), next);
    }

    [Fact]
    public void Should_find_the_next_free_day_of_a_consultant_without_a_schedule_two_weeks_ahead_at_most()
    {
        var consultant = With();
        // Off from tomorrow, Saturday 28 November, for thirteen days: back on Friday 11 December.
        consultant.DaysOff = [.. Enumerable.Range(1, 13).Select(d => new DateOnly(2026, 11, 27).AddDays(d))];

        Assert.Equal(Local("2026-12-11T00:00"), WorkingTime.NextShiftStart(consultant, Local("2026-11-27T12:00"), Shanghai));
        consultant.DaysOff.Add(new DateOnly(2026, 12, 11));
        Assert.Null(WorkingTime.NextShiftStart(consultant, Local("2026-11-27T12:00"), Shanghai));
    }

    [Fact]
    public void Should_look_two_weeks_ahead_for_the_next_shift()
    {
        var consultant = With(new Shift(DayOfWeek.Friday, new(9, 0), new(18, 0)));
        consultant.DaysOff = [new DateOnly(2026, 12, 4)];

        // Friday evening; next Friday is off, so the Friday after, fourteen days on.
        Assert.Equal(Local("2026-12-11T09:00"), WorkingTime.NextShiftStart(consultant, Local("2026-11-27T20:00"), Shanghai));
        consultant.DaysOff.Add(new DateOnly(2026, 12, 11));
        Assert.Null(WorkingTime.NextShiftStart(consultant, Local("2026-11-27T20:00"), Shanghai));
    }

    [Fact]
    public void Should_take_the_earliest_of_several_shifts_on_the_next_working_day()
    {
        var consultant = With(new Shift(DayOfWeek.Saturday, new(14, 0), new(18, 0)), new Shift(DayOfWeek.Saturday, new(9, 0), new(12, 0)),
            new Shift(DayOfWeek.Saturday, new(16, 0), new(20, 0)));

        Assert.Equal(Local("2026-11-28T09:00"), WorkingTime.NextShiftStart(consultant, Local("2026-11-27T20:00"), Shanghai));
        Assert.Equal(Local("2026-11-28T14:00"), WorkingTime.NextShiftStart(consultant, Local("2026-11-28T10:00"), Shanghai));
    }

    [Theory]
    [InlineData("Asia/Shanghai", true)]
    [InlineData("Europe/Berlin", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("", false)]
    [InlineData("  ", false)]
    [InlineData(null, false)]
    public void Should_accept_only_a_known_time_zone_for_a_dealership(string? zone, bool valid) =>
        Assert.Equal(valid, WorkingTime.IsValidZone(zone));
}
