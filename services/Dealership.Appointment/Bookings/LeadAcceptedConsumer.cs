using Dealership.Appointment.Calendars;
using Dealership.Contracts;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment.Bookings;

/// <summary>
/// Learns of a lead (and its source channel, for the reports); a dealership it has not seen gets the default calendar.
/// The lead's assignment may have come first (they arrive on different queues): then the lead is known already and
/// gets its source here, with any visit booked in the meantime.
/// </summary>
public sealed class LeadAcceptedConsumer(AppointmentDbContext db) : IConsumer<LeadAccepted>
{
    public Task Consume(ConsumeContext<LeadAccepted> context) =>
        db.RetryOnConflictAsync(async () =>
        {
            var lead = context.Message;
            if (await LeadById.For(db)(db, lead.LeadId, context.CancellationToken) is { } known)
            {
                (known.DealershipCode, known.Source) = (lead.DealershipCode, lead.Source);
                // A visit booked in between counts for the source in the reports too.
                foreach (var booking in await db.Bookings.Where(b => b.LeadId == lead.LeadId && b.Source == null).ToListAsync(context.CancellationToken))
                    booking.Source = lead.Source;
            }
            else
                db.Leads.Add(new KnownLead { LeadId = lead.LeadId, DealershipId = lead.DealershipId, DealershipCode = lead.DealershipCode, Source = lead.Source });
            if (!await CalendarKnown.For(db)(db, lead.DealershipId, context.CancellationToken))
                db.Calendars.Add(new ShowroomCalendar { DealershipId = lead.DealershipId, DealershipCode = lead.DealershipCode });
            await db.SaveChangesAsync(context.CancellationToken);
        }, cancellationToken: context.CancellationToken);

    // Compiled, as every lead asks both: FindAsync and LINQ built and looked up their query's expression each time (ADR 0535).
    internal static readonly CompiledQuery<Func<AppointmentDbContext, Guid, CancellationToken, Task<KnownLead?>>> LeadById =
        new(() => EF.CompileAsyncQuery((AppointmentDbContext context, Guid leadId, CancellationToken _) => context.Leads.SingleOrDefault(l => l.LeadId == leadId)));

    private static readonly CompiledQuery<Func<AppointmentDbContext, Guid, CancellationToken, Task<bool>>> CalendarKnown =
        new(() => EF.CompileAsyncQuery((AppointmentDbContext context, Guid dealershipId, CancellationToken _) => context.Calendars.Any(c => c.DealershipId == dealershipId)));
}

/// <summary>
/// Knows each lead's consultant, whom its visits are booked with. The assignment may arrive before the lead's
/// LeadAccepted: the lead is then known from it, its dealership's code from the dealership's calendar, and its
/// source follows with LeadAccepted.
/// </summary>
public sealed class LeadConsultantConsumer(AppointmentDbContext db) : IConsumer<LeadAssigned>, IConsumer<LeadReassigned>
{
    public Task Consume(ConsumeContext<LeadAssigned> context) =>
        SetAsync(context, context.Message.LeadId, context.Message.DealershipId, context.Message.ConsultantId, context.Message.OccurredAt);

    public Task Consume(ConsumeContext<LeadReassigned> context) =>
        SetAsync(context, context.Message.LeadId, context.Message.DealershipId, context.Message.ConsultantId, context.Message.OccurredAt);

    private Task SetAsync(ConsumeContext context, Guid leadId, Guid dealershipId, Guid consultantId, DateTimeOffset occurredAt) =>
        db.RetryOnConflictAsync(async () =>
        {
            if (await LeadAcceptedConsumer.LeadById.For(db)(db, leadId, context.CancellationToken) is not { } lead)
            {
                // A dealership unknown here is not the normal path: the identity service announces each one before
                // its first lead. Retrying lets the announcement, or the lead's LeadAccepted, arrive.
                var code = await db.Calendars.Where(c => c.DealershipId == dealershipId).Select(c => c.DealershipCode)
                               .SingleOrDefaultAsync(context.CancellationToken)
                           ?? throw new InvalidOperationException($"Lead {leadId} is of dealership {dealershipId}, not known to appointment yet.");
                lead = new KnownLead { LeadId = leadId, DealershipId = dealershipId, DealershipCode = code };
                db.Leads.Add(lead);
            }
            // The latest assignment wins, not the last consumed (a redelivered older LeadAssigned after a LeadReassigned).
            if (!(lead.ConsultantSince > occurredAt))
                (lead.ConsultantId, lead.ConsultantSince) = (consultantId, occurredAt);
            await db.SaveChangesAsync(context.CancellationToken);
        }, cancellationToken: context.CancellationToken);
}

/// <summary>A workflow step books a visit; a refused booking is announced with the reason, never dropped.</summary>
public sealed class ScheduleAppointmentConsumer(AppointmentDbContext db, TimeProvider clock) : IConsumer<ScheduleAppointment>
{
    public async Task Consume(ConsumeContext<ScheduleAppointment> context)
    {
        var m = context.Message;
        if (await db.Bookings.AnyAsync(b => b.IdempotencyKey == m.IdempotencyKey, context.CancellationToken))
        {
            // Records the delivery in the inbox: the step asked again, under a new message id, for what is booked.
            await db.SaveChangesAsync(context.CancellationToken);
            return;
        }
        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.LeadId == m.LeadId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Lead {m.LeadId} is not known to appointment yet.");
        var now = clock.GetUtcNow();
        var purpose = Bookings.Purposes.Contains(m.Purpose) ? m.Purpose : "visit";
        var (_, problem) = await Bookings.BookAsync(db, lead, new BookingRequest(m.StartsAt, purpose, m.Model, null, null, "workflow", m.IdempotencyKey), now, context.CancellationToken);
        if (problem is not null)
        {
            db.Publish(new AppointmentRefused(m.LeadId, m.DealershipId, m.StartsAt, problem.Message, now));
            await db.SaveChangesAsync(context.CancellationToken);
        }
    }
}

/// <summary>
/// A customer's SMS answer to the day-before confirmation: 1 confirms, 2 cancels, 3 asks for
/// another time (Chinese and English words too). It applies to the lead's next active visit.
/// </summary>
public sealed class SmsReplyReceivedConsumer(AppointmentDbContext db, TimeProvider clock) : IConsumer<SmsReplyReceived>
{
    public static string? Answer(string text) => text.Trim().ToUpperInvariant() switch
    {
        "1" or "Y" or "YES" or "确认" or "是" or "好" => "confirmed",
        "2" or "N" or "NO" or "取消" => "cancelled",
        "3" or "改期" or "CHANGE" => "reschedule-requested",
        _ => null,
    };

    public async Task Consume(ConsumeContext<SmsReplyReceived> context)
    {
        var m = context.Message;
        var now = clock.GetUtcNow();
        if (m.LeadId is { } leadId && Answer(m.Text) is { } answer)
        {
            var booking = await db.Bookings
                .Where(b => b.LeadId == leadId && b.StartsAt > now &&
                            (b.Status == BookingStatus.Booked || b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.RescheduleRequested))
                .OrderBy(b => b.StartsAt)
                .FirstOrDefaultAsync(context.CancellationToken);
            if (booking is not null)
                Bookings.RecordAnswer(db, booking, answer, "sms", now);
        }
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
