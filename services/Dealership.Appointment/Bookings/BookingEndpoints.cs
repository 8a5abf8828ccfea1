using System.ComponentModel;
using System.Security.Claims;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment.Bookings;

public static class BookingEndpoints
{
    /// <summary>
    /// A visit to book. <c>purpose</c>: visit, test-drive or quote; <c>consultantId</c>: another consultant than the lead's.
    /// Who booked it (reception, or the consultant's side) is the signed-in person's role, never the body's word.
    /// </summary>
    public record BookVisitRequest(Guid? LeadId, DateTimeOffset? StartsAt, string? Purpose, string? Model, string? Directions, Guid? ConsultantId);
    public record RescheduleRequest(DateTimeOffset? StartsAt);
    public record CancelRequest(string? Reason);
    public record AnswerRequest(string? Answer);
    public record BookingView(
        Guid Id, Guid LeadId, Guid DealershipId, string DealershipCode, DateTimeOffset StartsAt, string Purpose, string? Model, string? Directions, BookingStatus Status,
        string BookedBy, Guid? ConsultantId, string Resource, string? ConfirmationAnswer, DateTimeOffset? ConfirmedAt, DateTimeOffset? ArrivedAt, DateTimeOffset CreatedAt);

    public static void MapBookingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/appointments").WithTags("Appointments").RequireAuthorization();
        group.MapPost("/", BookAsync)
            .WithSummary("Book a showroom visit for a lead (by a consultant or the receptionist), in a free slot, with the lead's consultant unless another is named")
            .WithRequestExample(new BookVisitRequest(Guid.Parse("3f2b8c1e-0000-4000-8000-000000000001"), new DateTimeOffset(2030, 1, 15, 10, 0, 0, TimeSpan.FromHours(8)),
                "test-drive", "ID.4 CROZZ", "地铁 2 号线淞虹路站 3 号口，步行 5 分钟", null), "The lead and the slot's start, in any offset.");
        group.MapGet("/{id:guid}", async Task<Results<Ok<BookingView>, NotFoundProblem>> (Guid id, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
                await FindAsync(db, user, id, cancellationToken) is ({ } booking, { } code) ? TypedResults.Ok(ToView(booking, code)) : Problems.NotFound("booking", id))
            .WithSummary("One booking");
        group.MapGet("/", async ([Description("The lead whose bookings to list.")] Guid leadId, ClaimsPrincipal user, AppointmentDbContext db, CancellationToken cancellationToken) =>
            {
                // Another dealership's lead has, for this caller, no bookings: the same answer as a lead without any.
                var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.LeadId == leadId, cancellationToken);
                if (lead is null || !user.MayActFor(lead.DealershipCode))
                    return TypedResults.Ok(new List<BookingView>());
                var rows = await db.Bookings.AsNoTracking().Where(b => b.LeadId == leadId).OrderBy(b => b.CreatedAt).ToListAsync(cancellationToken);
                return TypedResults.Ok(rows.Select(b => ToView(b, lead.DealershipCode)).ToList());
            })
            .WithSummary("A lead's bookings");
        group.MapPost("/{id:guid}/reschedule", RescheduleAsync)
            .WithSummary("Move a booking to another slot")
            .WithRequestExample(new RescheduleRequest(new DateTimeOffset(2030, 1, 16, 14, 0, 0, TimeSpan.FromHours(8))));
        group.MapPost("/{id:guid}/cancel", async Task<Results<Ok<BookingView>, NotFoundProblem, ConflictProblem>> (
                Guid id, CancelRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, id, cancellationToken) is not ({ } booking, { } code))
                    return Problems.NotFound("booking", id);
                if (!booking.Active)
                    return Conflict($"A {booking.Status} booking cannot be cancelled.");
                Bookings.Cancel(db, booking, Booker(user), request.Reason, clock.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Ok(ToView(booking, code));
            })
            .WithSummary("Cancel a booking; its slot and consultant become free")
            .WithRequestExample(new CancelRequest("客户临时出差"));
        group.MapPost("/{id:guid}/confirmation", async Task<Results<Ok<BookingView>, ValidationProblem, NotFoundProblem, ConflictProblem>> (
                Guid id, AnswerRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var answer = request.Answer?.Trim().ToLowerInvariant();
                if (answer is null || !Bookings.Answers.Contains(answer))
                    return Problems.Invalid("answer", $"Use one of: {string.Join(", ", Bookings.Answers)}.");
                if (await FindAsync(db, user, id, cancellationToken) is not ({ } booking, { } code))
                    return Problems.NotFound("booking", id);
                if (!booking.Active)
                    return Conflict($"A {booking.Status} booking takes no confirmation answer.");
                Bookings.RecordAnswer(db, booking, answer, "consultant", clock.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Ok(ToView(booking, code));
            })
            .WithSummary("Record the customer's answer to the day-before confirmation, as the consultant heard it: confirmed, cancelled or reschedule-requested")
            .WithRequestExample(new AnswerRequest("confirmed"));
        group.MapPost("/{id:guid}/arrival", async Task<Results<Ok<BookingView>, NotFoundProblem, ConflictProblem>> (
                Guid id, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, id, cancellationToken) is not ({ } booking, { } code))
                    return Problems.NotFound("booking", id);
                if (booking.Status == BookingStatus.Arrived)
                    return TypedResults.Ok(ToView(booking, code));
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
                return TypedResults.Ok(ToView(booking, code));
            })
            .WithSummary("Reception checks the customer in: the invitation succeeded and the showroom takes over");
    }

    private static async Task<Results<Created<BookingView>, ValidationProblem, ConflictProblem>> BookAsync(
        BookVisitRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.LeadId is null)
            errors["leadId"] = ["The lead is required."];
        if (request.StartsAt is null)
            errors["startsAt"] = ["The visit time is required."];
        var purpose = string.IsNullOrWhiteSpace(request.Purpose) ? "visit" : request.Purpose.Trim().ToLowerInvariant();
        if (!Bookings.Purposes.Contains(purpose))
            errors["purpose"] = [$"'{purpose}' is not a purpose; use one of: {string.Join(", ", Bookings.Purposes)}."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.LeadId == request.LeadId, cancellationToken);
        if (lead is null || !user.MayActFor(lead.DealershipCode))
            return Problems.Invalid("leadId", $"Lead {request.LeadId} is not known.");

        var (booking, problem) = await Bookings.BookAsync(db, lead,
            new BookingRequest(request.StartsAt!.Value, purpose, Trim(request.Model), Trim(request.Directions), request.ConsultantId, Booker(user)), clock.GetUtcNow(), cancellationToken);
        if (problem is not null)
            return problem.Conflict ? Refusal(problem) : Problems.Invalid(problem.Field, problem.Message);
        return TypedResults.Created($"/api/appointments/{booking!.Id}", ToView(booking, lead.DealershipCode));
    }

    private static async Task<Results<Ok<BookingView>, ValidationProblem, NotFoundProblem, ConflictProblem>> RescheduleAsync(
        Guid id, RescheduleRequest request, ClaimsPrincipal user, AppointmentDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.StartsAt is null)
            return Problems.Invalid("startsAt", "The new visit time is required.");
        if (await FindAsync(db, user, id, cancellationToken) is not ({ } booking, { } code))
            return Problems.NotFound("booking", id);
        try
        {
            if (await Bookings.RescheduleAsync(db, booking, request.StartsAt.Value, Booker(user), clock.GetUtcNow(), cancellationToken) is { } problem)
                return problem.Conflict ? Refusal(problem) : Problems.Invalid(problem.Field, problem.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Conflict("The booking changed at the same moment; read it again.");
        }
        return TypedResults.Ok(ToView(booking, code));
    }

    /// <summary>Reception books, moves and cancels at the desk; everyone else on the sales side acts as the consultant's side.</summary>
    private static string Booker(ClaimsPrincipal user) =>
        user.IsInRole(StaffRoles.Receptionist) && !user.IsInRole(StaffRoles.Consultant) ? "reception" : "consultant";

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ConflictProblem Refusal(BookingProblem problem) =>
        Problems.Conflict("Not bookable", problem.Message, new Dictionary<string, object?> { ["field"] = problem.Field });

    private static ConflictProblem Conflict(string detail) => Problems.Conflict("Conflict", detail);

    /// <summary>The booking, tracked, and its dealership's code, when it belongs to a dealership the caller may act for.</summary>
    private static async Task<(Booking Booking, string DealershipCode)?> FindAsync(AppointmentDbContext db, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        // Two queries: an AsNoTracking anywhere in one query would leave the booking untracked, and its changes unsaved.
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (booking is null)
            return null;
        var code = await db.Leads.Where(l => l.LeadId == booking.LeadId).Select(l => l.DealershipCode).SingleOrDefaultAsync(cancellationToken);
        return code is not null && user.MayActFor(code) ? (booking, code) : null;
    }

    public static BookingView ToView(Booking b, string dealershipCode) => new(b.Id, b.LeadId, b.DealershipId, dealershipCode, b.StartsAt, b.Purpose, b.Model, b.Directions, b.Status, b.BookedBy,
        b.ConsultantId, b.Resource, b.ConfirmationAnswer, b.ConfirmedAt, b.ArrivedAt, b.CreatedAt);
}
