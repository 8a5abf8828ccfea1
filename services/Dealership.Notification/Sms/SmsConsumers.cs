using Dealership.Contracts;
using MassTransit;

namespace Dealership.Notification.Sms;

public sealed class SendSmsConsumer(NotificationDbContext db, TimeProvider clock, SmsSenderSignal sender) : IConsumer<SendSms>
{
    public async Task Consume(ConsumeContext<SendSms> context)
    {
        var m = context.Message;
        await SmsRequests.RequestAsync(db, new SmsRequest(m.DealershipId, m.LeadId, m.Recipient, m.PhoneNumber, m.Template, m.Parameters, m.IdempotencyKey),
            clock.GetUtcNow(), context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
        sender.Notify();
    }
}

/// <summary>
/// Remembers who each lead's customer is, so customer messages need no call to another service,
/// and gives a dealership it has not heard of yet the default SMS settings.
/// </summary>
public sealed class LeadAcceptedConsumer(NotificationDbContext db) : IConsumer<LeadAccepted>
{
    public async Task Consume(ConsumeContext<LeadAccepted> context)
    {
        var lead = context.Message;
        if (await db.Contacts.FindAsync([lead.LeadId], context.CancellationToken) is null)
            db.Contacts.Add(new CustomerContact { LeadId = lead.LeadId, DealershipId = lead.DealershipId, Name = lead.CustomerName, Phone = lead.CustomerPhone });
        if (await db.Settings.FindAsync([lead.DealershipId], context.CancellationToken) is null)
            db.Settings.Add(new DealershipSmsSettings { DealershipId = lead.DealershipId, DealershipCode = lead.DealershipCode });
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>
/// Sends the customer the confirmation of a booked visit, with the directions the booking carries,
/// and again with the new time when the visit is moved. (Named after its first message: the name is its queue's.)
/// </summary>
public sealed class AppointmentBookedConsumer(NotificationDbContext db, TimeProvider clock, SmsSenderSignal sender) :
    IConsumer<AppointmentBooked>,
    IConsumer<AppointmentRescheduled>
{
    public async Task Consume(ConsumeContext<AppointmentBooked> context)
    {
        var m = context.Message;
        await ConfirmAsync(context, m.DealershipId, m.LeadId, m.StartsAt, m.Purpose, m.Model, m.Directions, $"{m.LeadId}:appointment-confirmation:{m.AppointmentId}");
    }

    public async Task Consume(ConsumeContext<AppointmentRescheduled> context)
    {
        var m = context.Message;
        await ConfirmAsync(context, m.DealershipId, m.LeadId, m.StartsAt, m.Purpose, m.Model, m.Directions,
            $"{m.LeadId}:appointment-confirmation:{m.AppointmentId}:{m.StartsAt.UtcTicks}");
    }

    private async Task ConfirmAsync(ConsumeContext context, Guid dealershipId, Guid leadId, DateTimeOffset startsAt, string purpose, string? model, string? directions, string key)
    {
        // Booked visits follow the lead's LeadAccepted; if that has not arrived yet, retrying lets it.
        var contact = await db.Contacts.FindAsync([leadId], context.CancellationToken)
            ?? throw new InvalidOperationException($"Lead {leadId} is not known to notification yet.");
        if (contact.Phone is not null)
        {
            await SmsRequests.RequestAsync(db, new SmsRequest(dealershipId, leadId, SmsRecipients.Customer, contact.Phone, "appointment-confirmation",
                new Dictionary<string, string>
                {
                    ["customer"] = contact.Name ?? "",
                    // Written out in the dealership's time and the message's language when the text is made.
                    ["startsAt"] = startsAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                    ["purpose"] = model is null ? purpose : $"{purpose} {model}",
                    ["model"] = model ?? "",
                    ["directions"] = directions ?? "",
                },
                key), clock.GetUtcNow(), context.CancellationToken);
        }
        await db.SaveChangesAsync(context.CancellationToken);
        sender.Notify();
    }
}
