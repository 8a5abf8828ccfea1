using System.Security.Claims;
using Dealership.Contracts;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment.Bookings;

public static class BookingEndpoints
{
    public record BookVisitRequest(Guid? LeadId, DateTimeOffset? StartsAt, string? Purpose, string? Model, string? Directions, Guid? ConsultantId, string? BookedBy);
    public record RescheduleRequest(DateTimeOffset? StartsAt, string? By);
    public record CancelRequest(string? Reason, string? By);
    public record AnswerRequest(string? Answer);
    public record BookingView(
        Guid Id, Guid LeadId, DateTimeOffset StartsAt, string Purpose, string? Model, string? Directions, BookingStatus Status, string BookedBy,
        Guid? ConsultantId, string Resource, string? ConfirmationAnswer, DateTimeOffset? ConfirmedAt, DateTimeOffset? ArrivedAt, DateTimeOffset CreatedAt);

    public static void MapBookingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/appointments").WithTags("Appointments").RequireAuthorization();
        group.MapPost("/", BookAsync)
            .WithSummary("Book a showroom visit for a lead (by a consultant or the receptionist), in a free slot, with the lead's consultant unless another is named")
            .Produces<BookingView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}", async (Guid id, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
                await FindAsync(db, user, id, cancellationToken) is { } booking ? Results.Ok(ToView(booking)) : NotFound(id))
            .WithSummary("One booking")
            .Produces<BookingView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", async (Guid leadId, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
            {
                var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.LeadId == leadId, cancellationToken);
                if (lead is null || !user.MayActFor(lead.DealershipCode))
                    return Results.Ok(Array.Empty<BookingView>());
                var rows = await db.Bookings.AsNoTracking().Where(b => b.LeadId == leadId).OrderBy(b => b.CreatedAt).ToListAsync(cancellationToken);
                return Results.Ok(rows.Select(ToView));
            })
            .WithSummary("A lead's bookings")
            .Produces<List<BookingView>>();
        group.MapPost("/{id:guid}/reschedule", RescheduleAsync)
            .WithSummary("Move a booking to another slot")
            .Produces<BookingView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/cancel", async (Guid id, CancelRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, id, cancellationToken) is not { } booking)
                    return NotFound(id);
                if (!booking.Active)
                    return Conflict($"A {booking.Status} booking cannot be cancelled.");
                Bookings.Cancel(db, booking, Booker(request.By), request.Reason, clock.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
                return Results.Ok(ToView(booking));
            })
            .WithSummary("Cancel a booking; its slot and consultant become free")
            .Produces<BookingView>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/confirmation", async (Guid id, AnswerRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var answer = request.Answer?.Trim().ToLowerInvariant();
                if (answer is null || !Bookings.Answers.Contains(answer))
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["answer"] = [$"Use one of: {string.Join(", ", Bookings.Answers)}."] });
                if (await FindAsync(db, user, id, cancellationToken) is not { } booking)
                    return NotFound(id);
                if (!booking.Active)
                    return Conflict($"A {booking.Status} booking takes no confirmation answer.");
                Bookings.RecordAnswer(db, booking, answer, "consultant", clock.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
                return Results.Ok(ToView(booking));
            })
            .WithSummary("Record the customer's answer to the day-before confirmation, as the consultant heard it: confirmed, cancelled or reschedule-requested")
            .Produces<BookingView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/arrival", async (Guid id, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, id, cancellationToken) is not { } booking)
                    return NotFound(id);
                if (booking.Status == BookingStatus.Arrived)
                    return Results.Ok(ToView(booking));
                // A customer marked missed who comes late has still come: that is what the invitation was for.
                if (!booking.Active && booking.Status != BookingStatus.Missed)
                    return Conflict($"A {booking.Status} booking cannot be checked in.");
                var now = clock.GetUtcNow();
                booking.Status = BookingStatus.Arrived;
                booking.ArrivedAt = now;
                booking.UpdatedAt = now;
                booking.Version++;
                db.Publish(new CustomerArrived(booking.Id, booking.LeadId, booking.DealershipId, booking.ConsultantId, now, now));
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateConcurrencyException)
                {
                    return Conflict("The booking changed at the same moment (the no-show check?); check the customer in again.");
                }
                return Results.Ok(ToView(booking));
            })
            .WithSummary("Reception checks the customer in: the invitation succeeded and the showroom takes over")
            .Produces<BookingView>()
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> BookAsync(BookVisitRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.LeadId is null)
            errors["leadId"] = ["The lead is required."];
        if (request.StartsAt is null)
            errors["startsAt"] = ["The visit time is required."];
        var purpose = string.IsNullOrWhiteSpace(request.Purpose) ? "visit" : request.Purpose.Trim().ToLowerInvariant();
        if (!Bookings.Purposes.Contains(purpose))
            errors["purpose"] = [$"'{purpose}' is not a purpose; use one of: {string.Join(", ", Bookings.Purposes)}."];
        var bookedBy = string.IsNullOrWhiteSpace(request.BookedBy) ? "consultant" : request.BookedBy.Trim().ToLowerInvariant();
        if (bookedBy is not ("consultant" or "reception"))
            errors["bookedBy"] = ["Use consultant or reception (workflow steps book over the bus)."];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);

        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.LeadId == request.LeadId, cancellationToken);
        if (lead is null || !user.MayActFor(lead.DealershipCode))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["leadId"] = [$"Lead {request.LeadId} is not known."] });

        var (booking, problem) = await Bookings.BookAsync(db, lead,
            new BookingRequest(request.StartsAt!.Value, purpose, Trim(request.Model), Trim(request.Directions), request.ConsultantId, bookedBy), clock.GetUtcNow(), cancellationToken);
        if (problem is not null)
            return Refusal(problem);
        return Results.Created($"/api/appointments/{booking!.Id}", ToView(booking));
    }

    private static async Task<IResult> RescheduleAsync(Guid id, RescheduleRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.StartsAt is null)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["startsAt"] = ["The new visit time is required."] });
        if (await FindAsync(db, user, id, cancellationToken) is not { } booking)
            return NotFound(id);
        try
        {
            if (await Bookings.RescheduleAsync(db, booking, request.StartsAt.Value, Booker(request.By), clock.GetUtcNow(), cancellationToken) is { } problem)
                return Refusal(problem);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Conflict("The booking changed at the same moment; read it again.");
        }
        return Results.Ok(ToView(booking));
    }

    private static string Booker(string? by) => string.IsNullOrWhiteSpace(by) ? "consultant" : by.Trim().ToLowerInvariant();

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static IResult Refusal(BookingProblem problem) => problem.Conflict
        ? Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not bookable", detail: problem.Message, extensions: new Dictionary<string, object?> { ["field"] = problem.Field })
        : Results.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });

    private static IResult Conflict(string detail) => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Booking not found", detail: $"There is no booking {id}.");

    /// <summary>The booking, tracked, when it belongs to a dealership the caller may act for.</summary>
    private static async Task<Booking?> FindAsync(AppointmentDbContext db, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        // Two queries: an AsNoTracking anywhere in one query would leave the booking untracked, and its changes unsaved.
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (booking is null)
            return null;
        var code = await db.Leads.Where(l => l.LeadId == booking.LeadId).Select(l => l.DealershipCode).SingleOrDefaultAsync(cancellationToken);
        return code is not null && user.MayActFor(code) ? booking : null;
    }

    public static BookingView ToView(Booking b) => new(b.Id, b.LeadId, b.StartsAt, b.Purpose, b.Model, b.Directions, b.Status, b.BookedBy,
        b.ConsultantId, b.Resource, b.ConfirmationAnswer, b.ConfirmedAt, b.ArrivedAt, b.CreatedAt);
}
