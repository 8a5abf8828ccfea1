using Dealership.Contracts;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

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
/// Remembers who each lead's customer is and the consent stated with the lead, so customer messages need no call
/// to another service, and gives a dealership it has not heard of yet the default SMS settings.
/// </summary>
public sealed class LeadAcceptedConsumer(NotificationDbContext db) : IConsumer<LeadAccepted>
{
    public async Task Consume(ConsumeContext<LeadAccepted> context)
    {
        var lead = context.Message;
        if (!await ContactKnown.For(db)(db, lead.LeadId, context.CancellationToken))
            db.Contacts.Add(new CustomerContact { LeadId = lead.LeadId, DealershipId = lead.DealershipId, Name = lead.CustomerName, Phone = lead.CustomerPhone });
        if (!await SettingsKnown.For(db)(db, lead.DealershipId, context.CancellationToken))
            db.Settings.Add(new DealershipSmsSettings { DealershipId = lead.DealershipId, DealershipCode = lead.DealershipCode });
        if (lead.CustomerPhone is { } phone)
        {
            foreach (var consent in lead.Consents ?? [])
                await CustomerConsents.ApplyAsync(db, lead.DealershipId, phone, consent.Channel, consent.Granted, consent.Source, lead.OccurredAt, context.CancellationToken);
        }
        await db.SaveChangesAsync(context.CancellationToken);
    }

    // Compiled, as every lead asks both: FindAsync built and looked up its query's expression each time (ADR 0535).
    private static readonly CompiledQuery<Func<NotificationDbContext, Guid, CancellationToken, Task<bool>>> ContactKnown =
        new(() => EF.CompileAsyncQuery((NotificationDbContext context, Guid leadId, CancellationToken _) => context.Contacts.Any(c => c.LeadId == leadId)));

    private static readonly CompiledQuery<Func<NotificationDbContext, Guid, CancellationToken, Task<bool>>> SettingsKnown =
        new(() => EF.CompileAsyncQuery((NotificationDbContext context, Guid dealershipId, CancellationToken _) => context.Settings.Any(s => s.DealershipId == dealershipId)));
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
        await ConfirmAsync(context, m.AppointmentId, m.DealershipId, m.LeadId, m.StartsAt, m.Purpose, m.Model, m.Directions, m.OccurredAt,
            $"{m.LeadId}:appointment-confirmation:{m.AppointmentId}");
    }

    public async Task Consume(ConsumeContext<AppointmentRescheduled> context)
    {
        var m = context.Message;
        await ConfirmAsync(context, m.AppointmentId, m.DealershipId, m.LeadId, m.StartsAt, m.Purpose, m.Model, m.Directions, m.OccurredAt,
            $"{m.LeadId}:appointment-confirmation:{m.AppointmentId}:{m.StartsAt.UtcTicks}");
    }

    private async Task ConfirmAsync(ConsumeContext context, Guid appointmentId, Guid dealershipId, Guid leadId, DateTimeOffset startsAt, string purpose,
        string? model, string? directions, DateTimeOffset occurredAt, string key)
    {
        // Recorded in the same commit as the confirmation it asks for, so the confirmation is never judged against the visit's old time.
        await VisitChangesConsumer.RecordAsync(db, appointmentId, leadId, dealershipId, startsAt, VisitStates.Booked, occurredAt, context.CancellationToken);
        await StaleSms.WithdrawStaleAsync(db, leadId, clock.GetUtcNow(), context.CancellationToken);
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
                    // A code, written in words (with the model) in the message's language.
                    ["purpose"] = purpose,
                    ["model"] = model ?? "",
                    ["directions"] = directions ?? "",
                    ["appointmentId"] = appointmentId.ToString(),
                },
                key), clock.GetUtcNow(), context.CancellationToken);
        }
        await db.SaveChangesAsync(context.CancellationToken);
        sender.Notify();
    }
}

/// <summary>
/// Keeps what customer SMS are checked against: where each visit stands and whether the lead is closed; and withdraws at
/// once what waits for the customer and no longer applies, so the timeline says so now rather than when it would have gone.
/// </summary>
public sealed class VisitChangesConsumer(NotificationDbContext db, TimeProvider clock) :
    IConsumer<AppointmentCancelled>,
    IConsumer<CustomerArrived>,
    IConsumer<AppointmentMissed>,
    IConsumer<LeadClosed>
{
    public Task Consume(ConsumeContext<AppointmentCancelled> context) =>
        ChangeAsync(context, context.Message.AppointmentId, context.Message.LeadId, context.Message.DealershipId, context.Message.StartsAt, VisitStates.Cancelled, context.Message.OccurredAt);

    public Task Consume(ConsumeContext<CustomerArrived> context) =>
        ChangeAsync(context, context.Message.AppointmentId, context.Message.LeadId, context.Message.DealershipId, null, VisitStates.Arrived, context.Message.OccurredAt);

    public Task Consume(ConsumeContext<AppointmentMissed> context) =>
        ChangeAsync(context, context.Message.AppointmentId, context.Message.LeadId, context.Message.DealershipId, context.Message.StartsAt, VisitStates.Missed, context.Message.OccurredAt);

    public async Task Consume(ConsumeContext<LeadClosed> context)
    {
        var m = context.Message;
        // The lead's LeadAccepted made the contact; if that has not arrived yet, retrying lets it.
        var contact = await db.Contacts.FindAsync([m.LeadId], context.CancellationToken)
            ?? throw new InvalidOperationException($"Lead {m.LeadId} is not known to notification yet.");
        if (contact.ClosedAt is null)
        {
            contact.ClosedAt = m.OccurredAt;
            contact.ClosedWon = m.Won;
            contact.CloseReason = Dealership.Hosting.Text.Truncate(m.Reason, 100);
        }
        await StaleSms.WithdrawStaleAsync(db, m.LeadId, clock.GetUtcNow(), context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
    }

    private async Task ChangeAsync(ConsumeContext context, Guid appointmentId, Guid leadId, Guid dealershipId, DateTimeOffset? startsAt, string state, DateTimeOffset occurredAt)
    {
        await RecordAsync(db, appointmentId, leadId, dealershipId, startsAt, state, occurredAt, context.CancellationToken);
        await StaleSms.WithdrawStaleAsync(db, leadId, clock.GetUtcNow(), context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
    }

    /// <summary>
    /// Records the visit's state, unless a later change is recorded already: the appointment's events travel on separate
    /// queues here, and a cancellation may come before the booking it cancels. The caller saves.
    /// </summary>
    internal static async Task RecordAsync(NotificationDbContext db, Guid appointmentId, Guid leadId, Guid dealershipId, DateTimeOffset? startsAt,
        string state, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        var visit = await db.Visits.FindAsync([appointmentId], cancellationToken);
        if (visit is null)
            db.Visits.Add(visit = new KnownVisit { AppointmentId = appointmentId, LeadId = leadId, DealershipId = dealershipId, StartsAt = startsAt ?? default });
        else if (visit.ChangedAt > occurredAt)
        {
            // Older than what is known; only a time nobody had given yet is taken from it.
            if (visit.StartsAt == default && startsAt is { } known)
                visit.StartsAt = known;
            return;
        }
        visit.State = state;
        visit.ChangedAt = occurredAt;
        if (startsAt is { } at)
            visit.StartsAt = at;
    }
}
