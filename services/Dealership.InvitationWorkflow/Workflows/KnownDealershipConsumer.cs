using Dealership.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Workflows;

/// <summary>Learns each dealership's code from its leads, so keys scoped to that code may manage its workflows.</summary>
public sealed class KnownDealershipConsumer(InvitationWorkflowDbContext db) : IConsumer<LeadAccepted>
{
    public async Task Consume(ConsumeContext<LeadAccepted> context)
    {
        var lead = context.Message;
        if (!await db.FirstDeliveryAsync(context, nameof(KnownDealershipConsumer)))
            return;
        var known = await db.KnownDealerships.SingleOrDefaultAsync(d => d.Id == lead.DealershipId, context.CancellationToken);
        if (known is null)
            db.KnownDealerships.Add(new KnownDealership { Id = lead.DealershipId, Code = lead.DealershipCode });
        else
            known.Code = lead.DealershipCode;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
