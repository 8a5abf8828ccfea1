using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>Follows each dealership's code, so keys and people scoped to that code may manage its workflows.</summary>
[IdempotentWithoutInbox("reference data carries its version: a copy of a version already applied, or an older one, changes nothing")]
public sealed class KnownDealershipConsumer(InvitationWorkflowDbContext db) : IConsumer<DealershipChanged>
{
    public async Task Consume(ConsumeContext<DealershipChanged> context)
    {
        var changed = context.Message;
        var known = await db.KnownDealerships.SingleOrDefaultAsync(d => d.Id == changed.DealershipId, context.CancellationToken);
        if (known is null)
            db.KnownDealerships.Add(known = new KnownDealership { Id = changed.DealershipId, Code = changed.Code });
        else if (known.ReferenceVersion > changed.Version)
            return;
        known.Code = changed.Code;
        known.ReferenceVersion = changed.Version;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
