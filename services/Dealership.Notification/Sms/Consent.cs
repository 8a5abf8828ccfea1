using Dealership.Contracts;
using MassTransit;

namespace Dealership.Notification.Sms;

/// <summary>
/// Notification's copy of lead-intake's consent record for one customer (dealership, phone) on one
/// channel, so "may I SMS this customer now?" needs no call to another service. An opt-out reply
/// withdraws it here at once.
/// </summary>
public class CustomerConsent
{
    public Guid DealershipId { get; set; }
    public required string Phone { get; set; }
    public required string Channel { get; set; }
    public bool Granted { get; set; }
    public required string Source { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}

public sealed class ConsentChangedConsumer(NotificationDbContext db) : IConsumer<ConsentChanged>
{
    public async Task Consume(ConsumeContext<ConsentChanged> context)
    {
        var m = context.Message;
        var consent = await db.Consents.FindAsync([m.DealershipId, m.Phone, m.Channel], context.CancellationToken);
        if (consent is null)
        {
            db.Consents.Add(new CustomerConsent
            {
                DealershipId = m.DealershipId, Phone = m.Phone, Channel = m.Channel, Granted = m.Granted, Source = m.Source, ChangedAt = m.OccurredAt,
            });
        }
        // Messages may arrive out of order: an older change never overrides a newer one (an opt-out above all).
        else if (m.OccurredAt >= consent.ChangedAt)
        {
            consent.Granted = m.Granted;
            consent.Source = m.Source;
            consent.ChangedAt = m.OccurredAt;
        }
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
