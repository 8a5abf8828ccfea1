using System.ComponentModel;
using System.Security.Claims;
using Dealership.Appointment.Bookings;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment.Calendars;

public static class CalendarEndpoints
{
    public record CalendarView(
        Guid DealershipId, string DealershipCode, string TimeZone, TimeOnly OpensAt, TimeOnly ClosesAt, int SlotMinutes, int ReceptionDesks, int TestDriveCars,
        int NoShowAfterMinutes, List<DayOfWeek> ClosedWeekdays, List<DateOnly> ClosedDates);
    /// <summary>A showroom's calendar as it is changed: the route names the dealership, whose own time zone it keeps (<c>/api/dealerships/{code}</c>).</summary>
    public record CalendarRequest(
        TimeOnly OpensAt, TimeOnly ClosesAt, int SlotMinutes, int ReceptionDesks, int TestDriveCars,
        int NoShowAfterMinutes, List<DayOfWeek>? ClosedWeekdays, List<DateOnly>? ClosedDates);
    public enum ReportGrouping { Day, Consultant, Source }
    /// <summary>Which visits a report counts.</summary>
    public record ReportQuery(
        [property: Description("The first day of the visits counted, in the showroom's time zone.")] DateOnly From,
        [property: Description("The last day, at most a year after from.")] DateOnly To,
        [property: Description("Rows per day of the visit (the default), per consultant or per source channel.")] ReportGrouping? By);
    public record SlotView(DateTimeOffset StartsAt, int FreeReceptionDesks, int FreeTestDriveCars, List<Guid> BusyConsultants);
    public record ReportRow(string Key, int Booked, int Confirmed, int Arrived, int Missed, int Cancelled);

    public static void MapCalendarEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/appointments/calendar").WithTags("Showroom calendar").RequireAuthorization();
        group.MapGet("/{dealershipCode}", async Task<Results<Ok<CalendarView>, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                return await FindAsync(db, code, cancellationToken) is { } c ? TypedResults.Ok(ToView(c)) : Problems.NotFound("dealership", code);
            })
            .WithSummary("A showroom's opening hours, closed days, slot length and capacity");
        group.MapPut("/{dealershipCode}", async Task<Results<Ok<CalendarView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, CalendarRequest request, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                if (await FindAsync(db, code, cancellationToken) is not { } c)
                    return Problems.NotFound("dealership", code);
                var errors = new Dictionary<string, string[]>();
                if (request.ClosesAt <= request.OpensAt)
                    errors["closesAt"] = ["The showroom must close after it opens."];
                if (request.SlotMinutes is < 15 or > 480)
                    errors["slotMinutes"] = ["A slot lasts 15 to 480 minutes."];
                if (request.ReceptionDesks < 0)
                    errors["receptionDesks"] = ["The capacity cannot be negative."];
                if (request.TestDriveCars < 0)
                    errors["testDriveCars"] = ["The capacity cannot be negative."];
                if (request.NoShowAfterMinutes is < 0 or > 1440)
                    errors["noShowAfterMinutes"] = ["Use 0 to 1440 minutes."];
                if (errors.Count > 0)
                    return TypedResults.ValidationProblem(errors);
                c.OpensAt = request.OpensAt;
                c.ClosesAt = request.ClosesAt;
                c.SlotMinutes = request.SlotMinutes;
                c.ReceptionDesks = request.ReceptionDesks;
                c.TestDriveCars = request.TestDriveCars;
                c.NoShowAfterMinutes = request.NoShowAfterMinutes;
                c.ClosedWeekdays = request.ClosedWeekdays ?? [];
                c.ClosedDates = request.ClosedDates ?? [];
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Ok(ToView(c));
            })
            .WithSummary("Change a showroom's calendar; existing bookings stay as they are")
            .RequireStaff([.. StaffRoles.Managers, StaffRoles.Operations])
            .WithRequestExample(new CalendarRequest(new TimeOnly(9, 0), new TimeOnly(18, 0), 60, ReceptionDesks: 4, TestDriveCars: 2,
                NoShowAfterMinutes: 30, [DayOfWeek.Tuesday], [new DateOnly(2027, 2, 6)]), "Times of day in the showroom's time zone; a slot is the length of one visit.");
        group.MapGet("/{dealershipCode}/slots", async Task<Results<Ok<List<SlotView>>, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, [Description("The day, in the showroom's time zone.")] DateOnly date, ClaimsPrincipal user, AppointmentDbContext db,
                CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                if (await FindAsync(db, code, cancellationToken) is not { } c)
                    return Problems.NotFound("dealership", code);
                var slots = c.Slots(date).ToList();
                if (slots.Count == 0)
                    return TypedResults.Ok(new List<SlotView>());
                var (first, last) = (slots[0], slots[^1]);
                var held = await db.Bookings.AsNoTracking()
                    .Where(b => b.DealershipId == c.DealershipId && b.StartsAt >= first && b.StartsAt <= last && b.Seat != null)
                    .Select(b => new { b.StartsAt, b.Resource, b.ConsultantSlot })
                    .ToListAsync(cancellationToken);
                return TypedResults.Ok(slots.Select(s => new SlotView(s,
                    c.ReceptionDesks - held.Count(b => b.StartsAt == s && b.Resource == SlotResources.ReceptionDesk),
                    c.TestDriveCars - held.Count(b => b.StartsAt == s && b.Resource == SlotResources.TestDriveCar),
                    held.Where(b => b.StartsAt == s && b.ConsultantSlot != null).Select(b => b.ConsultantSlot!.Value).ToList())).ToList());
            })
            .WithSummary("The day's slots with their free places and the consultants already booked");

        group.MapGet("/{dealershipCode}/bookings", async Task<Results<Ok<List<BookingEndpoints.BookingView>>, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, [Description("The day, in the showroom's time zone.")] DateOnly date, ClaimsPrincipal user, AppointmentDbContext db,
                CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                if (await FindAsync(db, code, cancellationToken) is not { } c)
                    return Problems.NotFound("dealership", code);
                var zone = c.Zone();
                var (start, end) = (ShowroomDates.StartOf(date, zone), ShowroomDates.StartOf(date.AddDays(1), zone));
                var bookings = await db.Bookings.AsNoTracking()
                    .Where(b => b.DealershipId == c.DealershipId && b.StartsAt >= start && b.StartsAt < end)
                    .ToListAsync(cancellationToken);
                return TypedResults.Ok(bookings.OrderBy(b => b.StartsAt).ThenBy(b => b.CreatedAt).Select(b => BookingEndpoints.ToView(b, c.DealershipCode)).ToList());
            })
            .WithSummary("The day's visits in time order, whatever their state: whom reception expects, who came, who did not");

        endpoints.MapGroup("/api/appointments/reports").WithTags("Appointment reports").RequireAuthorization()
            .MapGet("/{dealershipCode}", async Task<Results<Ok<List<ReportRow>>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, [AsParameters] ReportQuery q, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                if (await FindAsync(db, code, cancellationToken) is not { } c)
                    return Problems.NotFound("dealership", code);
                var (from, to, by) = (q.From, q.To, q.By ?? ReportGrouping.Day);
                if (to < from || to.DayNumber - from.DayNumber > 366)
                    return Problems.Invalid("to", "Give a range of at most a year, to on or after from.");
                var zone = c.Zone();
                var start = ShowroomDates.StartOf(from, zone);
                var end = ShowroomDates.StartOf(to.AddDays(1), zone);
                var bookings = await db.Bookings.AsNoTracking()
                    .Where(b => b.DealershipId == c.DealershipId && b.StartsAt >= start && b.StartsAt < end)
                    .ToListAsync(cancellationToken);
                var rows = bookings
                    .GroupBy(b => by switch
                    {
                        ReportGrouping.Consultant => b.ConsultantId?.ToString() ?? "none",
                        ReportGrouping.Source => b.Source ?? "unknown",
                        _ => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(b.StartsAt, zone).DateTime).ToString("yyyy-MM-dd"),
                    })
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new ReportRow(g.Key, g.Count(), g.Count(b => b.ConfirmedAt != null), g.Count(b => b.Status == BookingStatus.Arrived),
                        g.Count(b => b.Status == BookingStatus.Missed), g.Count(b => b.Status == BookingStatus.Cancelled)))
                    .ToList();
                return TypedResults.Ok(rows);
            })
            .WithSummary("Visits booked, confirmed, arrived, missed and cancelled, by the day of the visit, consultant or source channel");
    }

    /// <summary>The showroom calendar of the dealership a request names by its code: each dealership appointment knows has one.</summary>
    private static Task<ShowroomCalendar?> FindAsync(AppointmentDbContext db, string code, CancellationToken cancellationToken) =>
        db.Calendars.SingleOrDefaultAsync(c => c.DealershipCode == code, cancellationToken);

    private static CalendarView ToView(ShowroomCalendar c) => new(c.DealershipId, c.DealershipCode, c.TimeZone, c.OpensAt, c.ClosesAt, c.SlotMinutes, c.ReceptionDesks,
        c.TestDriveCars, c.NoShowAfterMinutes, c.ClosedWeekdays, c.ClosedDates);
}
