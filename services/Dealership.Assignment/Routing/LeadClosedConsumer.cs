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
            if (lead is null)
            {
                // Closed before its acceptance reached assignment: the row makes the late acceptance find the lead decided.
                db.Assignments.Add(new LeadAssignment
                {
                    LeadId = closed.LeadId, DealershipId = closed.DealershipId, Reason = reason, DecidedAt = assigner.Now, State = AssignmentState.Closed,
                });
            }
            else
            {
                if (lead.State == AssignmentState.Assigned && await db.Consultants.SingleOrDefaultAsync(c => c.Id == lead.ConsultantId, cancellationToken) is { } holder)
                {
                    holder.OpenLeads = Math.Max(0, holder.OpenLeads - 1);
                    holder.Touch();
                }
                lead.State = AssignmentState.Closed;
                lead.Reason = reason.Length <= 900 ? reason : reason[..899] + "…";
                lead.WaitUntil = null;
                lead.DecidedAt = assigner.Now;
                lead.Version++;
            }
            db.Audit.Add(new AssignmentAudit
            {
                Id = NewId.NextGuid(), DealershipId = closed.DealershipId, LeadId = closed.LeadId, Action = "closed",
                FromConsultantId = lead?.ConsultantId, Reason = reason, Actor = closed.ClosedBy ?? Assigner.Routing, At = assigner.Now,
            });
            await db.SaveChangesAsync(cancellationToken);
        });
    }
}
