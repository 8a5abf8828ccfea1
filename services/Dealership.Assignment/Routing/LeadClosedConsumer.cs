using Dealership.Contracts;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

/// <summary>
/// A closed lead no longer counts against its consultant's cap, and is never routed, claimed or escalated again,
/// whoever closed it (its flow, a manager, an integration).
/// </summary>
public sealed class LeadClosedConsumer(AssignmentDbContext db, Assigner assigner) : IConsumer<LeadClosed>
{
    public async Task Consume(ConsumeContext<LeadClosed> context)
    {
        var closed = context.Message;
        var cancellationToken = context.CancellationToken;
        await db.RetryOnConflictAsync(async () =>
        {
            var lead = await db.Assignments.SingleOrDefaultAsync(a => a.LeadId == closed.LeadId, cancellationToken);
            if (lead is { State: AssignmentState.Closed })
                return;
            var reason = $"closed as {(closed.Won ? "won" : "lost")}: {closed.Reason}";
            var actor = closed.ClosedBy ?? Assigner.Routing;
            if (lead is null)
            {
                // Closed before its acceptance reached assignment: the row makes the late acceptance find the lead decided.
                db.Assignments.Add(lead = new LeadAssignment
                {
                    LeadId = closed.LeadId, DealershipId = closed.DealershipId, Reason = reason, DecidedAt = assigner.Now, State = AssignmentState.Waiting,
                });
            }
            var holder = lead.ConsultantId is { } id ? await db.Consultants.SingleOrDefaultAsync(c => c.Id == id, cancellationToken) : null;
            assigner.Close(lead, holder, reason, actor);
            await db.SaveChangesAsync(cancellationToken);
        });
    }
}
