using Dealership.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification.Sms;

public sealed record ReplyOutcome(Guid DealershipId, Guid LeadId, bool OptedOut, string? Keyword);

/// <summary>
/// What a customer's reply means. An opt-out keyword withdraws SMS consent at once, refuses what is
/// still waiting to go to that customer and tells lead-intake (<see cref="CustomerOptedOut"/>); any
/// other reply is passed on (<see cref="SmsReplyReceived"/>), e.g. for the appointment's confirmation.
/// </summary>
public static class SmsReplies
{
    public static readonly IReadOnlyList<string> OptOutKeywords = ["TD", "T", "退订", "STOP"];

    public static string? OptOutKeyword(string text)
    {
        var trimmed = text.Trim();
        return OptOutKeywords.FirstOrDefault(k => string.Equals(k, trimmed, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The reply goes to the dealership and lead of the last customer SMS that reached this phone:
    /// that is the conversation the customer answers. Null when no SMS ever went to it.
    /// </summary>
    public static async Task<ReplyOutcome?> HandleAsync(NotificationDbContext db, string phone, string text, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var last = await db.Messages.AsNoTracking()
            .Where(m => m.Phone == phone && m.Recipient == SmsRecipients.Customer && m.SentAt != null)
            .OrderByDescending(m => m.SentAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (last is null)
            return null;

        var keyword = OptOutKeyword(text);
        if (keyword is null)
        {
            db.Publish(new SmsReplyReceived(last.DealershipId, last.LeadId, phone, text.Trim(), now, now));
            return new ReplyOutcome(last.DealershipId, last.LeadId, false, null);
        }

        var source = $"sms-reply:{keyword}";
        var consent = await db.Consents.FindAsync([last.DealershipId, phone, ConsentChannels.Sms], cancellationToken);
        if (consent is null)
            db.Consents.Add(new CustomerConsent { DealershipId = last.DealershipId, Phone = phone, Channel = ConsentChannels.Sms, Granted = false, Source = source, ChangedAt = now });
        else
        {
            consent.Granted = false;
            consent.Source = source;
            consent.ChangedAt = now;
        }
        var waiting = await db.Messages
            .Where(m => m.DealershipId == last.DealershipId && m.Phone == phone && m.Recipient == SmsRecipients.Customer &&
                        (m.Status == SmsStatus.Queued || m.Status == SmsStatus.Held))
            .ToListAsync(cancellationToken);
        foreach (var message in waiting)
            SmsRequests.Refuse(db, message, $"the customer opted out (replied {keyword})", now);
        db.Publish(new CustomerOptedOut(last.DealershipId, last.LeadId, phone, ConsentChannels.Sms, keyword, now));
        return new ReplyOutcome(last.DealershipId, last.LeadId, true, keyword);
    }

    public enum ReceiptOutcome { Applied, UnknownMessage, NotYetSent }

    /// <summary>Applies a carrier's delivery receipt; a receipt that comes twice changes nothing the second time.</summary>
    public static async Task<ReceiptOutcome> ApplyReceiptAsync(NotificationDbContext db, string reference, bool delivered, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var message = Guid.TryParse(reference, out var id)
            ? await db.Messages.SingleOrDefaultAsync(m => m.Id == id, cancellationToken)
            : await db.Messages.SingleOrDefaultAsync(m => m.CarrierMessageId == reference, cancellationToken);
        if (message is null)
            return ReceiptOutcome.UnknownMessage;
        // The receipt overtook the sender's record of the carrier's answer: the carrier is asked to call again.
        if (message.Status is SmsStatus.Queued or SmsStatus.Held)
            return ReceiptOutcome.NotYetSent;
        if (message.Status != SmsStatus.Sent)
            return ReceiptOutcome.Applied;
        if (delivered)
        {
            message.Status = SmsStatus.Delivered;
            message.DeliveredAt = now;
        }
        else
        {
            SmsSender.Fail(db, message, "carrier could not deliver it: " + (error ?? "no reason given"), now);
        }
        return ReceiptOutcome.Applied;
    }
}
