using Dealership.Contracts;
using MassTransit;

namespace Dealership.Notification.Sms;

public sealed class SendSmsConsumer(NotificationDbContext db, TimeProvider clock) : IConsumer<SendSms>
{
    public async Task Consume(ConsumeContext<SendSms> context)
    {
        var m = context.Message;
        if (!await db.FirstDeliveryAsync(context, nameof(SendSmsConsumer)))
            return;
        await SmsSink.SendAsync(db, m.DealershipId, m.LeadId, m.Recipient, m.PhoneNumber, m.Template, m.Parameters, m.IdempotencyKey,
            clock.GetUtcNow(), context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>Remembers who each lead's customer is, so customer messages need no call to another service.</summary>
public sealed class LeadAcceptedConsumer(NotificationDbContext db) : IConsumer<LeadAccepted>
{
    public async Task Consume(ConsumeContext<LeadAccepted> context)
    {
        var lead = context.Message;
        if (!await db.FirstDeliveryAsync(context, nameof(LeadAcceptedConsumer)))
            return;
        if (await db.Contacts.FindAsync([lead.LeadId], context.CancellationToken) is null)
            db.Contacts.Add(new CustomerContact { LeadId = lead.LeadId, DealershipId = lead.DealershipId, Name = lead.CustomerName, Phone = lead.CustomerPhone });
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>Sends the customer the confirmation of a booked visit.</summary>
public sealed class AppointmentBookedConsumer(NotificationDbContext db, TimeProvider clock) : IConsumer<AppointmentBooked>
{
    public async Task Consume(ConsumeContext<AppointmentBooked> context)
    {
        var booked = context.Message;
        if (!await db.FirstDeliveryAsync(context, nameof(AppointmentBookedConsumer)))
            return;
        // Booked visits follow the lead's LeadAccepted; if that has not arrived yet, retrying lets it.
        var contact = await db.Contacts.FindAsync([booked.LeadId], context.CancellationToken)
            ?? throw new InvalidOperationException($"Lead {booked.LeadId} is not known to notification yet.");
        if (contact.Phone is not null)
        {
            await SmsSink.SendAsync(db, booked.DealershipId, booked.LeadId, SmsRecipients.Customer, contact.Phone, "appointment-confirmation",
                new Dictionary<string, string>
                {
                    ["customer"] = contact.Name ?? "",
                    ["startsAt"] = booked.StartsAt.ToString("yyyy-MM-dd HH:mm 'UTC'"),
                    ["purpose"] = booked.Purpose,
                },
                $"{booked.LeadId}:appointment-confirmation:{booked.AppointmentId}", clock.GetUtcNow(), context.CancellationToken);
        }
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
