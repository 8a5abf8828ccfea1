using Dealership.Hosting.Data;
using Dealership.Hosting.Polling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dealership.Assignment.Routing;

/// <summary>
/// Routes the leads that waited for a shift once it has started, by the injected clock, so tests move
/// time with a fake clock. Several replicas may run it: the lead's concurrency token lets one of them
/// route each lead.
/// </summary>
public sealed class ShiftStartRouter(IServiceScopeFactory scopes, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<ShiftStartRouter> logger)
    : PollingWorker(lifetime, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AssignmentDbContext>();
        var assigner = scope.ServiceProvider.GetRequiredService<Assigner>();
        var now = clock.GetUtcNow();
        var due = await db.Assignments.AsNoTracking()
            .Where(a => a.State == AssignmentState.Waiting && a.WaitUntil <= now)
            .OrderBy(a => a.WaitUntil)
            .Select(a => a.LeadId)
            .Take(100)
            .ToListAsync(cancellationToken);
        foreach (var leadId in due)
        {
            await db.RetryOnConflictAsync(async () =>
            {
                var lead = await db.Assignments.SingleAsync(a => a.LeadId == leadId, cancellationToken);
                if (lead.State != AssignmentState.Waiting)
                    return;
                var routing = (await assigner.LoadAsync(lead.DealershipId, cancellationToken))!;
                await assigner.RouteAsync(lead, routing, "shift-started", Assigner.Routing, "the shift started", cancellationToken: cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }, cancellationToken: cancellationToken);
        }
        return false;
    }
}
