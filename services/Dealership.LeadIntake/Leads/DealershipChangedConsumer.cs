using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Leads;

/// <summary>Takes leads for the dealerships the identity service announces, with their code and phone region.</summary>
[IdempotentWithoutInbox("reference data carries its version: a copy of a version already applied, or an older one, changes nothing")]
public sealed class DealershipChangedConsumer(LeadIntakeDbContext db) : IConsumer<DealershipChanged>
{
    public async Task Consume(ConsumeContext<DealershipChanged> context)
    {
        var changed = context.Message;
        var dealership = await db.Dealerships.SingleOrDefaultAsync(d => d.Id == changed.DealershipId, context.CancellationToken);
        if (dealership is null)
            db.Dealerships.Add(dealership = new IntakeDealership { Id = changed.DealershipId, Code = changed.Code, Name = changed.NameEn });
        else if (dealership.ReferenceVersion > changed.Version)
            return;
        dealership.Code = changed.Code;
        dealership.Name = changed.NameEn;
        dealership.PhoneRegion = changed.PhoneRegion;
        dealership.Active = changed.Active;
        dealership.ReferenceVersion = changed.Version;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
