using Dealership.Assignment.Routing;
using Dealership.Contracts;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Assignments;

/// <summary>
/// The 24-hour promise was missed: counts the miss against the consultant, moves the lead per the
/// dealership's escalation policy and tells the supervisor.
/// </summary>
public sealed class FirstContactOverdueConsumer(AssignmentDbContext db, Assigner assigner) : IConsumer<FirstContactOverdue>
{
    public async Task Consume(ConsumeContext<FirstContactOverdue> context)
    {
        var overdue = context.Message;
        var cancellationToken = context.CancellationToken;
        await db.RetryOnConflictAsync(async () =>
        {
            var lead = await db.Assignments.SingleOrDefaultAsync(a => a.LeadId == overdue.LeadId, cancellationToken);
            // Already moved away from that consultant (by a manager, an earlier escalation): nothing to escalate.
            // The flow names whoever holds the lead when its deadline runs, which after an earlier escalation
            // of the same first contact is the consultant who received it late: someone given the lead after
            // it fell due did not miss that deadline, so the same miss is never escalated twice.
            if (lead is null || lead.State != AssignmentState.Assigned || lead.ConsultantId != overdue.ConsultantId || lead.AssignedAt > overdue.DueAt)
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            var routing = (await assigner.LoadAsync(lead.DealershipId, cancellationToken))!;
            var missed = routing.Find(overdue.ConsultantId);
            if (missed is not null)
            {
                assigner.Track(missed);
                missed.MissedFirstContacts++;
                missed.Touch();
            }
            var why = $"first contact overdue since {overdue.DueAt:yyyy-MM-dd HH:mm} UTC for {missed?.Name ?? "the consultant"} "
                      + $"(missed {missed?.MissedFirstContacts ?? 1} time(s)); escalation: {routing.Settings.OnFirstContactOverdue}";
            switch (routing.Settings.OnFirstContactOverdue)
            {
                case EscalationPolicy.Reassign:
                    await assigner.RouteAsync(lead, routing, "escalated", Assigner.Routing, why, exclude: overdue.ConsultantId, cancellationToken);
                    break;
                case EscalationPolicy.Pool:
                    assigner.Apply(lead, new RoutingDecision(DecisionKind.Pool, null, "escalation", null, "open pool, first claim wins"), routing, "escalated", Assigner.Routing, why);
                    break;
                default:
                    assigner.Apply(lead, new RoutingDecision(DecisionKind.SupervisorQueue, null, "escalation", null, "supervisor queue"), routing, "escalated", Assigner.Routing, why);
                    break;
            }
            assigner.AlertSupervisor(lead, missed, routing, $"{why}; the lead is now: {lead.State}{(lead.ConsultantId is { } to ? $" to {routing.Find(to)?.Name}" : "")}");
            await db.SaveChangesAsync(cancellationToken);
        });
    }
}
