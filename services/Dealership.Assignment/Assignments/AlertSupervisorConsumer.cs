using Dealership.Assignment.Routing;
using Dealership.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Assignments;

/// <summary>A step of a lead's flow is late: the consultant's supervisor is told, and the lead stays where it is.</summary>
public sealed class AlertSupervisorConsumer(AssignmentDbContext db, Assigner assigner) : IConsumer<AlertSupervisor>
{
    public async Task Consume(ConsumeContext<AlertSupervisor> context)
    {
        var alert = context.Message;
        var cancellationToken = context.CancellationToken;
        var lead = await db.Assignments.SingleOrDefaultAsync(a => a.LeadId == alert.LeadId, cancellationToken);
        var routing = lead is null ? null : await assigner.LoadAsync(lead.DealershipId, cancellationToken);
        if (lead is null || routing is null)
        {
            // Saved all the same, so that the inbox keeps the message from being taken again.
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var consultant = routing.Find(alert.ConsultantId);
        assigner.AlertSupervisor(lead, consultant, routing, $"{alert.Reason} (due {alert.DueAt:yyyy-MM-dd HH:mm} UTC) for {consultant?.Name ?? "the consultant"}");
        await db.SaveChangesAsync(cancellationToken);
    }
}
