using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

/// <summary>A new dealership starts with the default routing; a changed one keeps its rules and follows its time zone.</summary>
[IdempotentWithoutInbox("reference data carries its version: a copy of a version already applied, or an older one, changes nothing")]
public sealed class DealershipChangedConsumer(AssignmentDbContext db) : IConsumer<DealershipChanged>
{
    public async Task Consume(ConsumeContext<DealershipChanged> context)
    {
        var changed = context.Message;
        var settings = await db.Settings.SingleOrDefaultAsync(s => s.DealershipId == changed.DealershipId, context.CancellationToken);
        if (settings is null)
            db.Settings.Add(settings = new RoutingSettings { DealershipId = changed.DealershipId, DealershipCode = changed.Code });
        else if (settings.ReferenceVersion > changed.Version)
            return;
        settings.DealershipCode = changed.Code;
        settings.TimeZone = changed.TimeZone;
        settings.ReferenceVersion = changed.Version;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
