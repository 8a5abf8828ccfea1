using Dealership.Hosting.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dealership.Assignment.Routing;

/// <summary>
/// Routes the leads that waited for a shift once it has started. Polls every few seconds (wall time)
/// and compares with the injected clock, so tests move time with a fake clock. Several replicas may
/// run it: the lead's concurrency token lets one of them route each lead.
/// </summary>
public sealed class ShiftStartRouter(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ShiftStartRouter> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RouteDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Routing leads that waited for a shift failed; trying again");
            }
            try { await Task.Delay(PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task<int> RouteDueAsync(CancellationToken cancellationToken)
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
            });
        }
        return due.Count;
    }
}
