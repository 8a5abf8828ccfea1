using Dealership.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

/// <summary>
/// Gives each accepted lead to the next consultant on duty, in turn (round robin by who was
/// assigned longest ago).
/// </summary>
public sealed class LeadAcceptedConsumer(AssignmentDbContext db, TimeProvider clock) : IConsumer<LeadAccepted>
{
    public async Task Consume(ConsumeContext<LeadAccepted> context)
    {
        var lead = context.Message;
        if (!await db.FirstDeliveryAsync(context, nameof(LeadAcceptedConsumer)))
            return;
        if (await db.Assignments.AnyAsync(a => a.LeadId == lead.LeadId, context.CancellationToken))
            return;

        var now = clock.GetUtcNow();
        var onDuty = await db.Consultants
            .Where(c => c.DealershipId == lead.DealershipId && c.OnDuty)
            .OrderBy(c => c.LastAssignedAt.HasValue)
            .ThenBy(c => c.LastAssignedAt)
            .ThenBy(c => c.Name)
            .ToListAsync(context.CancellationToken);

        if (onDuty.Count == 0)
        {
            const string reason = "no consultant of the dealership is on duty";
            db.Assignments.Add(new LeadAssignment { LeadId = lead.LeadId, DealershipId = lead.DealershipId, Reason = reason, DecidedAt = now });
            db.Publish(new LeadUnassigned(lead.LeadId, lead.DealershipId, reason, now));
        }
        else
        {
            var next = onDuty[0];
            var reason = $"round robin: next in turn of {onDuty.Count} consultants on duty";
            next.LastAssignedAt = now;
            next.Version++;
            db.Assignments.Add(new LeadAssignment { LeadId = lead.LeadId, DealershipId = lead.DealershipId, ConsultantId = next.Id, Reason = reason, DecidedAt = now });
            db.Publish(new LeadAssigned(lead.LeadId, lead.DealershipId, next.Id, next.Name, next.Phone, reason, now));
        }
        // A concurrency conflict on the consultant throws here and the message is retried against fresh data.
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
