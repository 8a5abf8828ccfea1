using System.Security.Claims;
using Dealership.Appointment.Bookings;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment.Calendars;

public static class CalendarEndpoints
{
    public record CalendarView(
        string DealershipCode, string TimeZone, TimeOnly OpensAt, TimeOnly ClosesAt, int SlotMinutes, int ReceptionDesks, int TestDriveCars,
        int NoShowAfterMinutes, List<DayOfWeek> ClosedWeekdays, List<DateOnly> ClosedDates);
    /// <summary>A calendar as staff change it; the time zone is the dealership's own (<c>/api/dealerships/{code}</c>).</summary>
    public record CalendarInput(
        TimeOnly OpensAt, TimeOnly ClosesAt, int SlotMinutes, int ReceptionDesks, int TestDriveCars,
        int NoShowAfterMinutes, List<DayOfWeek>? ClosedWeekdays, List<DateOnly>? ClosedDates);
    public record SlotView(DateTimeOffset StartsAt, int FreeReceptionDesks, int FreeTestDriveCars, List<Guid> BusyConsultants);
    public record ReportRow(string Key, int Booked, int Confirmed, int Arrived, int Missed, int Cancelled);

    public static void MapCalendarEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/appointments/calendar").WithTags("Showroom calendar").RequireAuthorization();
        group.MapGet("/{dealershipCode}", async (string dealershipCode, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
                await FindAsync(db, user, dealershipCode, cancellationToken) is { } c ? Results.Ok(ToView(c)) : NotFound(dealershipCode))
            .WithSummary("A showroom's opening hours, closed days, slot length and capacity")
            .Produces<CalendarView>();
        group.MapPut("/{dealershipCode}", async (string dealershipCode, CalendarInput request, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, dealershipCode, cancellationToken) is not { } c)
                    return NotFound(dealershipCode);
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
                    return Results.ValidationProblem(errors);
                c.OpensAt = request.OpensAt;
                c.ClosesAt = request.ClosesAt;
                c.SlotMinutes = request.SlotMinutes;
                c.ReceptionDesks = request.ReceptionDesks;
                c.TestDriveCars = request.TestDriveCars;
                c.NoShowAfterMinutes = request.NoShowAfterMinutes;
                c.ClosedWeekdays = request.ClosedWeekdays ?? [];
                c.ClosedDates = request.ClosedDates ?? [];
                await db.SaveChangesAsync(cancellationToken);
                return Results.Ok(ToView(c));
            })
            .WithSummary("Change a showroom's calendar; existing bookings stay as they are")
            .Produces<CalendarView>()
            .ProducesValidationProblem();
        group.MapGet("/{dealershipCode}/slots", async (string dealershipCode, DateOnly date, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, dealershipCode, cancellationToken) is not { } c)
                    return NotFound(dealershipCode);
                var slots = c.Slots(date).ToList();
                if (slots.Count == 0)
                    return Results.Ok(Array.Empty<SlotView>());
                var (first, last) = (slots[0], slots[^1]);
                var held = await db.Bookings.AsNoTracking()
                    .Where(b => b.DealershipId == c.DealershipId && b.StartsAt >= first && b.StartsAt <= last && b.Seat != null)
                    .Select(b => new { b.StartsAt, b.Resource, b.ConsultantSlot })
                    .ToListAsync(cancellationToken);
                return Results.Ok(slots.Select(s => new SlotView(s,
                    c.ReceptionDesks - held.Count(b => b.StartsAt == s && b.Resource == SlotResources.ReceptionDesk),
                    c.TestDriveCars - held.Count(b => b.StartsAt == s && b.Resource == SlotResources.TestDriveCar),
                    held.Where(b => b.StartsAt == s && b.ConsultantSlot != null).Select(b => b.ConsultantSlot!.Value).ToList())));
            })
            .WithSummary("The day's slots with their free places and the consultants already booked")
            .Produces<List<SlotView>>();

        endpoints.MapGroup("/api/appointments/reports").WithTags("Appointment reports").RequireAuthorization()
            .MapGet("/{dealershipCode}", async (string dealershipCode, DateOnly from, DateOnly to, string? by, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, dealershipCode, cancellationToken) is not { } c)
                    return NotFound(dealershipCode);
                by = (by ?? "day").ToLowerInvariant();
                if (by is not ("day" or "consultant" or "source"))
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["by"] = ["Use day, consultant or source."] });
                if (to < from || to.DayNumber - from.DayNumber > 366)
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["Give a range of at most a year, to on or after from."] });
                var zone = c.Zone();
                var start = Local(from, zone);
                var end = Local(to.AddDays(1), zone);
                var bookings = await db.Bookings.AsNoTracking()
                    .Where(b => b.DealershipId == c.DealershipId && b.StartsAt >= start && b.StartsAt < end)
                    .ToListAsync(cancellationToken);
                var rows = bookings
                    .GroupBy(b => by switch
                    {
                        "consultant" => b.ConsultantId?.ToString() ?? "none",
                        "source" => b.Source ?? "unknown",
                        _ => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(b.StartsAt, zone).DateTime).ToString("yyyy-MM-dd"),
                    })
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new ReportRow(g.Key, g.Count(), g.Count(b => b.ConfirmedAt != null), g.Count(b => b.Status == BookingStatus.Arrived),
                        g.Count(b => b.Status == BookingStatus.Missed), g.Count(b => b.Status == BookingStatus.Cancelled)))
                    .ToList();
                return Results.Ok(rows);
            })
            .WithSummary("Visits booked, confirmed, arrived, missed and cancelled, by the day of the visit, consultant or source channel")
            .Produces<List<ReportRow>>()
            .ProducesValidationProblem();
    }

    private static DateTimeOffset Local(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static async Task<ShowroomCalendar?> FindAsync(AppointmentDbContext db, ClaimsPrincipal user, string code, CancellationToken cancellationToken)
    {
        var calendar = await db.Calendars.SingleOrDefaultAsync(c => c.DealershipCode == code.ToUpper(), cancellationToken);
        return calendar is not null && user.MayActFor(calendar.DealershipCode) ? calendar : null;
    }

    private static IResult NotFound(string code) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dealership not found", detail: $"Appointment knows no showroom of dealership {code}.");

    private static CalendarView ToView(ShowroomCalendar c) => new(c.DealershipCode, c.TimeZone, c.OpensAt, c.ClosesAt, c.SlotMinutes, c.ReceptionDesks,
        c.TestDriveCars, c.NoShowAfterMinutes, c.ClosedWeekdays, c.ClosedDates);
}
