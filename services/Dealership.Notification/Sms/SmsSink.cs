using Dealership.Contracts;
using Dealership.Hosting;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification.Sms;

/// <summary>
/// The development SMS sink: a message is stored and listed instead of handed to a carrier.
/// The idempotency key makes a second request for the same message a no-op.
/// </summary>
public static class SmsSink
{
    public static async Task SendAsync(NotificationDbContext db, Guid dealershipId, Guid leadId, string recipient, string phone,
        string template, IReadOnlyDictionary<string, string> parameters, string idempotencyKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Messages.AnyAsync(m => m.IdempotencyKey == idempotencyKey, cancellationToken))
            return;
        var message = new SmsMessage
        {
            Id = NewId.NextGuid(),
            DealershipId = dealershipId,
            LeadId = leadId,
            Recipient = recipient,
            Phone = phone,
            Template = template,
            Text = SmsTemplates.Render(template, parameters),
            IdempotencyKey = idempotencyKey,
            Status = SmsStatus.Delivered,
            CreatedAt = now,
        };
        db.Messages.Add(message);
        db.Publish(new SmsSent(message.Id, leadId, dealershipId, recipient, template, PhoneMask.Mask(phone), now));
    }
}
