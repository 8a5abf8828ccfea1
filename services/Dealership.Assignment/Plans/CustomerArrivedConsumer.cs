using Dealership.Assignment.Roster;
using Dealership.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Plans;

/// <summary>Counts a store visit for the plan: the consultant who received the customer, in the lead's source channel.</summary>
public sealed class CustomerArrivedConsumer(AssignmentDbContext db) : IConsumer<CustomerArrived>
{
    public const string UnknownSource = "unknown";

    public async Task Consume(ConsumeContext<CustomerArrived> context)
    {
        var arrived = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await db.Visits.AnyAsync(v => v.AppointmentId == arrived.AppointmentId, cancellationToken))
            return;
        var lead = await db.Assignments.AsNoTracking().SingleOrDefaultAsync(a => a.LeadId == arrived.LeadId, cancellationToken);
        var zone = await db.Settings.Where(s => s.DealershipId == arrived.DealershipId).Select(s => s.TimeZone).SingleOrDefaultAsync(cancellationToken);
        var local = TimeZoneInfo.ConvertTime(arrived.ArrivedAt, WorkingTime.Zone(zone ?? "Asia/Shanghai"));
        var month = local.ToString("yyyy-MM");
        db.Visits.Add(new StoreVisit
        {
            AppointmentId = arrived.AppointmentId,
            DealershipId = arrived.DealershipId,
            LeadId = arrived.LeadId,
            // The receptionist may record who received the customer; otherwise the lead's consultant gets the credit.
            ConsultantId = arrived.ConsultantId ?? lead?.ConsultantId,
            Source = lead?.Source ?? UnknownSource,
            Month = month,
            ArrivedAt = arrived.ArrivedAt,
        });
        // The console's pages hear of the visit from lead-intake too, maybe before it is counted here: this is
        // their cue that the plan's figures have it.
        db.Publish(new PlanFiguresChanged(arrived.DealershipId, month, arrived.OccurredAt));
        await db.SaveChangesAsync(cancellationToken);
    }
}
