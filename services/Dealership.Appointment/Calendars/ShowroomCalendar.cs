namespace Dealership.Appointment.Calendars;

/// <summary>
/// A dealership's showroom calendar: when it is open, how long a visit slot is and how many visits
/// one slot takes (reception desks for visits and quotes, cars for test drives).
/// </summary>
public class ShowroomCalendar
{
    public Guid DealershipId { get; set; }
    public required string DealershipCode { get; set; }
    /// <summary>The dealership's time zone, as the identity service announces it; hours and days are in it.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>The version of the dealership's reference data this calendar follows; older changes are ignored.</summary>
    public long ReferenceVersion { get; set; }
    public TimeOnly OpensAt { get; set; } = new(9, 0);
    public TimeOnly ClosesAt { get; set; } = new(18, 0);
    public int SlotMinutes { get; set; } = 60;
    /// <summary>Visits and quotes one slot takes: one per reception desk.</summary>
    public int ReceptionDesks { get; set; } = 3;
    /// <summary>Test drives one slot takes: one per test-drive car.</summary>
    public int TestDriveCars { get; set; } = 2;
    /// <summary>A booking with no arrival this long after its start is missed.</summary>
    public int NoShowAfterMinutes { get; set; } = 30;
    public List<DayOfWeek> ClosedWeekdays { get; set; } = [];
    public List<DateOnly> ClosedDates { get; set; } = [];

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public int Capacity(string resource) => resource == SlotResources.TestDriveCar ? TestDriveCars : ReceptionDesks;

    /// <summary>Why no visit can start at <paramref name="startsAt"/>; null when it is a slot of an open day.</summary>
    public string? SlotProblem(DateTimeOffset startsAt)
    {
        var local = TimeZoneInfo.ConvertTime(startsAt, Zone());
        var day = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        if (ClosedWeekdays.Contains(local.DayOfWeek) || ClosedDates.Contains(day))
            return $"the showroom is closed on {day:yyyy-MM-dd}";
        if (time < OpensAt || time.Add(TimeSpan.FromMinutes(SlotMinutes)) > ClosesAt || time.Add(TimeSpan.FromMinutes(SlotMinutes)) < time)
            return $"the showroom is open {OpensAt:HH\\:mm}-{ClosesAt:HH\\:mm} ({TimeZone}); {time:HH\\:mm} is outside";
        if (local.Second != 0 || local.Millisecond != 0 || (time - OpensAt).TotalMinutes % SlotMinutes != 0)
            return $"visits start on the {SlotMinutes}-minute slots from {OpensAt:HH\\:mm}";
        return null;
    }

    /// <summary>The slot starts of one local day (empty when closed).</summary>
    public IEnumerable<DateTimeOffset> Slots(DateOnly day)
    {
        var zone = Zone();
        for (var time = OpensAt; time.Add(TimeSpan.FromMinutes(SlotMinutes)) <= ClosesAt && time >= OpensAt; time = time.Add(TimeSpan.FromMinutes(SlotMinutes)))
        {
            var local = day.ToDateTime(time, DateTimeKind.Unspecified);
            var startsAt = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
            if (SlotProblem(startsAt) is null)
                yield return startsAt;
        }
    }
}

public static class SlotResources
{
    public const string ReceptionDesk = "reception-desk";
    public const string TestDriveCar = "test-drive-car";

    public static string For(string purpose) => purpose == "test-drive" ? TestDriveCar : ReceptionDesk;
}
