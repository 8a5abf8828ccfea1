using Dealership.Contracts;
using MassTransit;

namespace Dealership.Identity.Audit;

/// <summary>Keeps every service's audited actions in the one audit log.</summary>
public sealed class ActionAuditedConsumer(IdentityServiceDbContext db) : IConsumer<ActionAudited>
{
    public async Task Consume(ConsumeContext<ActionAudited> context)
    {
        var m = context.Message;
        db.Audit.Add(new AuditEntry
        {
            At = m.OccurredAt, DealershipId = m.DealershipId, Actor = m.Actor, ActorId = m.ActorId, Action = m.Action,
            Subject = m.Subject, Detail = $"{m.ActorKind}; HTTP {m.Status}", From = m.From,
        });
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
