using System.Security.Claims;
using Dealership.Contracts;
using Dealership.Hosting.Security;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment.Bookings;

public static class BookingEndpoints
{
    public static readonly IReadOnlySet<string> Purposes = new HashSet<string> { "visit", "test-drive", "quote" };

    public record BookVisitRequest(Guid? LeadId, DateTimeOffset? StartsAt, string? Purpose);
    public record BookingView(Guid Id, Guid LeadId, DateTimeOffset StartsAt, string Purpose, BookingStatus Status, DateTimeOffset CreatedAt);

    public static void MapBookingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/appointments").WithTags("Appointments").RequireAuthorization();
        group.MapPost("/", BookAsync)
            .WithSummary("Book a showroom visit for a lead")
            .Produces<BookingView>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync)
            .WithSummary("One booking")
            .Produces<BookingView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> BookAsync(BookVisitRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (request.LeadId is null)
            errors["leadId"] = ["The lead is required."];
        if (request.StartsAt is null)
            errors["startsAt"] = ["The visit time is required."];
        else if (request.StartsAt <= now)
            errors["startsAt"] = ["The visit must be in the future."];
        var purpose = string.IsNullOrWhiteSpace(request.Purpose) ? "visit" : request.Purpose.Trim().ToLowerInvariant();
        if (!Purposes.Contains(purpose))
            errors["purpose"] = [$"'{purpose}' is not a purpose; use one of: {string.Join(", ", Purposes)}."];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);

        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.LeadId == request.LeadId, cancellationToken);
        if (lead is null || !user.MayActFor(lead.DealershipCode))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["leadId"] = [$"Lead {request.LeadId} is not known."] });

        var booking = new Booking
        {
            Id = NewId.NextGuid(),
            LeadId = lead.LeadId,
            DealershipId = lead.DealershipId,
            StartsAt = request.StartsAt!.Value.ToUniversalTime(),
            Purpose = purpose,
            Status = BookingStatus.Booked,
            CreatedAt = now,
        };
        db.Bookings.Add(booking);
        db.Publish(new AppointmentBooked(booking.Id, booking.LeadId, booking.DealershipId, booking.StartsAt, booking.Purpose, now));
        await db.SaveChangesAsync(cancellationToken);
        return Results.Created($"/api/appointments/{booking.Id}", ToView(booking));
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken)
    {
        var found = await (from b in db.Bookings.AsNoTracking()
                           join l in db.Leads.AsNoTracking() on b.LeadId equals l.LeadId
                           where b.Id == id
                           select new { Booking = b, l.DealershipCode }).SingleOrDefaultAsync(cancellationToken);
        if (found is null || !user.MayActFor(found.DealershipCode))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Booking not found", detail: $"There is no booking {id}.");
        return Results.Ok(ToView(found.Booking));
    }

    private static BookingView ToView(Booking b) => new(b.Id, b.LeadId, b.StartsAt, b.Purpose, b.Status, b.CreatedAt);
}
