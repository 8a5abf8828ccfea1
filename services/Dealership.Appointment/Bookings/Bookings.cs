using Dealership.Appointment.Calendars;
using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment.Bookings;

public sealed record BookingRequest(
    DateTimeOffset StartsAt, string Purpose, string? Model, string? Directions, Guid? ConsultantId, string BookedBy, string? IdempotencyKey = null);

/// <summary>Why a booking or a move could not be made, and whether it is bad input (400) or a conflict with the calendar (409).</summary>
public sealed record BookingProblem(string Field, string Message, bool Conflict);

/// <summary>The rules of booking, moving, cancelling, confirming and checking in a visit, shared by HTTP and the bus.</summary>
public static class Bookings
{
    public static readonly IReadOnlySet<string> Purposes = new HashSet<string> { "visit", "test-drive", "quote" };
    public static readonly IReadOnlySet<string> Bookers = new HashSet<string> { "workflow", "consultant", "reception" };

    public static async Task<ShowroomCalendar> CalendarAsync(AppointmentDbContext db, Guid dealershipId, string dealershipCode, CancellationToken cancellationToken) =>
        await db.Calendars.AsNoTracking().SingleOrDefaultAsync(c => c.DealershipId == dealershipId, cancellationToken)
        ?? new ShowroomCalendar { DealershipId = dealershipId, DealershipCode = dealershipCode };

    /// <summary>Books a visit and saves it with its event; a problem when the calendar says no.</summary>
    public static async Task<(Booking? Booking, BookingProblem? Problem)> BookAsync(
        AppointmentDbContext db, KnownLead lead, BookingRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var calendar = await CalendarAsync(db, lead.DealershipId, lead.DealershipCode, cancellationToken);
        if (Check(calendar, request.StartsAt, now) is { } problem)
            return (null, problem);
        var consultant = request.ConsultantId ?? lead.ConsultantId;
        var booking = new Booking
        {
            Id = NewId.NextGuid(),
            LeadId = lead.LeadId,
            DealershipId = lead.DealershipId,
            StartsAt = request.StartsAt.ToUniversalTime(),
            Purpose = request.Purpose,
            Model = request.Model,
            Directions = request.Directions,
            Status = BookingStatus.Booked,
            BookedBy = request.BookedBy,
            ConsultantId = consultant,
            ConsultantSlot = consultant,
            Resource = SlotResources.For(request.Purpose),
            Source = lead.Source,
            IdempotencyKey = request.IdempotencyKey,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Bookings.Add(booking);
        db.Publish(new AppointmentBooked(booking.Id, booking.LeadId, booking.DealershipId, booking.StartsAt, booking.Purpose, now,
            booking.ConsultantId, booking.BookedBy, booking.Model, booking.Directions));
        if (await ReserveAsync(db, booking, calendar, cancellationToken) is { } conflict)
        {
            // Nothing of the failed booking may be saved later with the caller's other changes (its inbox row, a refusal).
            db.Entry(booking).State = EntityState.Detached;
            foreach (var staged in db.ChangeTracker.Entries<OutboxMessage>()
                         .Where(e => e.State == EntityState.Added && e.Entity.MessageType == typeof(AppointmentBooked).FullName).ToList())
                staged.State = EntityState.Detached;
            return (null, conflict);
        }
        return (booking, null);
    }

    /// <summary>Moves an active booking to another slot and saves it; the old place is given up only if the new one is taken.</summary>
    public static async Task<BookingProblem?> RescheduleAsync(
        AppointmentDbContext db, Booking booking, DateTimeOffset startsAt, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!booking.Active)
            return new BookingProblem("status", $"A {booking.Status} booking cannot be moved.", true);
        var code = await db.Leads.Where(l => l.LeadId == booking.LeadId).Select(l => l.DealershipCode).SingleAsync(cancellationToken);
        var calendar = await CalendarAsync(db, booking.DealershipId, code, cancellationToken);
        if (Check(calendar, startsAt, now) is { } problem)
            return problem;
        var previous = booking.StartsAt;
        booking.StartsAt = startsAt.ToUniversalTime();
        booking.Status = BookingStatus.Booked;
        booking.ConfirmationAnswer = null;
        booking.ConfirmedAt = null;
        booking.UpdatedAt = now;
        booking.Version++;
        db.Publish(new AppointmentRescheduled(booking.Id, booking.LeadId, booking.DealershipId, previous, booking.StartsAt, by,
            booking.Purpose, booking.Model, booking.Directions, now));
        return await ReserveAsync(db, booking, calendar, cancellationToken);
    }

    public static void Cancel(AppointmentDbContext db, Booking booking, string by, string? reason, DateTimeOffset now)
    {
        booking.Status = BookingStatus.Cancelled;
        booking.CancelledAt = now;
        booking.CancelReason = reason;
        booking.UpdatedAt = now;
        booking.Version++;
        booking.Release();
        db.Publish(new AppointmentCancelled(booking.Id, booking.LeadId, booking.DealershipId, booking.StartsAt, by, reason, now));
    }

    public static readonly IReadOnlySet<string> Answers = new HashSet<string> { "confirmed", "cancelled", "reschedule-requested" };

    /// <summary>Records the customer's answer to the day-before confirmation (by SMS reply or as the consultant heard it).</summary>
    public static void RecordAnswer(AppointmentDbContext db, Booking booking, string answer, string channel, DateTimeOffset now)
    {
        booking.ConfirmationAnswer = answer;
        booking.UpdatedAt = now;
        db.Publish(new AppointmentConfirmed(booking.Id, booking.LeadId, booking.DealershipId, booking.StartsAt, answer, channel, now));
        switch (answer)
        {
            case "confirmed":
                booking.Status = BookingStatus.Confirmed;
                booking.ConfirmedAt = now;
                booking.Version++;
                break;
            case "reschedule-requested":
                // The place is kept until the consultant agrees a new time with the customer.
                booking.Status = BookingStatus.RescheduleRequested;
                booking.Version++;
                break;
            case "cancelled":
                Cancel(db, booking, channel == "sms" ? "customer" : channel, "the customer cancelled when asked to confirm", now);
                break;
        }
    }

    private static BookingProblem? Check(ShowroomCalendar calendar, DateTimeOffset startsAt, DateTimeOffset now)
    {
        if (startsAt <= now)
            return new BookingProblem("startsAt", "The visit must be in the future.", false);
        return calendar.SlotProblem(startsAt) is { } slot ? new BookingProblem("startsAt", $"No visit can start then: {slot}.", false) : null;
    }

    /// <summary>
    /// Takes a free place of the booking's slot and saves. The database's unique indexes are the
    /// referee when two bookings race: the loser's save fails, it looks again and takes the next
    /// free place, or learns that the slot is full or the consultant taken (ADR 0300).
    /// </summary>
    private static async Task<BookingProblem?> ReserveAsync(AppointmentDbContext db, Booking booking, ShowroomCalendar calendar, CancellationToken cancellationToken)
    {
        var capacity = calendar.Capacity(booking.Resource);
        for (var attempt = 0; attempt <= capacity + 2; attempt++)
        {
            if (booking.ConsultantSlot is { } consultant &&
                await db.Bookings.AnyAsync(b => b.ConsultantSlot == consultant && b.StartsAt == booking.StartsAt && b.Id != booking.Id, cancellationToken))
                return new BookingProblem("consultantId", "The consultant already has a visit at that time.", true);
            var taken = await db.Bookings
                .Where(b => b.DealershipId == booking.DealershipId && b.Resource == booking.Resource && b.StartsAt == booking.StartsAt && b.Seat != null && b.Id != booking.Id)
                .Select(b => b.Seat!.Value)
                .ToListAsync(cancellationToken);
            var free = Enumerable.Range(1, capacity).FirstOrDefault(seat => !taken.Contains(seat));
            if (free == 0)
                return new BookingProblem("startsAt", $"That slot is full: all {capacity} {booking.Resource}s are booked.", true);
            booking.Seat = free;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return null;
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
            {
                // A racing booking took this place or this consultant first; look again.
            }
        }
        return new BookingProblem("startsAt", "That slot is in high demand; try again.", true);
    }
}
