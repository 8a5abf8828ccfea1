using Dealership.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Identity.Dealerships;

/// <summary>Answers a starting service with the current reference data of every dealership.</summary>
public sealed class DealershipsRequestedConsumer(IdentityServiceDbContext db) : IConsumer<DealershipsRequested>
{
    public async Task Consume(ConsumeContext<DealershipsRequested> context)
    {
        await foreach (var dealership in db.Dealerships.AsNoTracking().AsAsyncEnumerable().WithCancellation(context.CancellationToken))
            db.Publish(DealershipEndpoints.Changed(dealership));
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
