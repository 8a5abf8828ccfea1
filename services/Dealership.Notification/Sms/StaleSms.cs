using Dealership.Contracts;
using Dealership.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification.Sms;

/// <summary>
/// Nothing stale reaches a customer: an SMS that waits (for quiet hours, the spending cap, the sender) is checked
/// against the lead and the visit it speaks of when it is asked for, when either changes, and just before it leaves,
/// and is withdrawn with the reason when it no longer applies. Consent is checked beside it (<see cref="SmsRequests.RefusalAsync"/>).
/// </summary>
public static class StaleSms
{
    /// <summary>The care SMS is the goodbye to a customer who declined: a lead closed as lost still sends it.</summary>
    private const string CarePurpose = "care";

    /// <summary>Why this customer SMS no longer applies; null when it still does.</summary>
    public static async Task<string?> ReasonAsync(NotificationDbContext db, SmsMessage message, CancellationToken cancellationToken)
    {
        if (!message.ForCustomer)
            return null;
        // Find sees a change the caller has made and not saved yet (the consumer that records the close withdraws in the same commit).
        var contact = await db.Contacts.FindAsync([message.LeadId], cancellationToken);
        if (contact?.ClosedAt is not null && (contact.ClosedWon || message.Template != CarePurpose))
            return $"the lead was closed as {(contact.ClosedWon ? "won" : "lost")} ({contact.CloseReason})";
        if (message.AppointmentId is not { } appointmentId
            || await db.Visits.FindAsync([appointmentId], cancellationToken) is not { } visit)
            return null;
        return visit.State switch
        {
            VisitStates.Cancelled => $"the visit of {visit.StartsAt:yyyy-MM-dd HH:mm} UTC was cancelled",
            VisitStates.Arrived => "the customer already came to the showroom",
            VisitStates.Missed => $"the customer did not come to the visit of {visit.StartsAt:yyyy-MM-dd HH:mm} UTC",
            _ when message.VisitAt is { } at && at != visit.StartsAt =>
                $"the visit moved from {at:yyyy-MM-dd HH:mm} UTC to {visit.StartsAt:yyyy-MM-dd HH:mm} UTC; the text named the old time",
            _ => null,
        };
    }

    public static void Withdraw(NotificationDbContext db, SmsMessage message, string reason, DateTimeOffset now)
    {
        message.Status = SmsStatus.Withdrawn;
        message.Reason = Text.Truncate(reason, 300)!;
        message.LockedUntil = null;
        db.Publish(new SmsWithdrawn(message.Id, message.LeadId, message.DealershipId, message.Recipient, message.Template,
            PhoneMask.Mask(message.Phone), message.Reason, now));
    }

    /// <summary>Withdraws what waits for the lead's customer and no longer applies. The caller saves.</summary>
    public static async Task WithdrawStaleAsync(NotificationDbContext db, Guid leadId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A message the sender has claimed is left to it: it checks again before handing it to the carrier.
        var waiting = await db.Messages
            .Where(m => m.LeadId == leadId && m.Recipient == SmsRecipients.Customer && (m.Status == SmsStatus.Queued || m.Status == SmsStatus.Held)
                && (m.LockedUntil == null || m.LockedUntil < now))
            .ToListAsync(cancellationToken);
        foreach (var message in waiting)
        {
            if (await ReasonAsync(db, message, cancellationToken) is { } reason)
                Withdraw(db, message, reason, now);
        }
    }
}
