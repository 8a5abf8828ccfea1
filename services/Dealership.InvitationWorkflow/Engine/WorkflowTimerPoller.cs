using Dealership.Hosting.Polling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>
/// Fires due timers from the timer table. Due rows are claimed with a lease so replicas share them
/// and a dead replica's claims are taken over when the lease runs out. That a timer takes effect
/// once does not rest on the lease: the step that fires it saves under the instance's concurrency
/// stamp, and a second attempt finds the timer gone from the instance (see ADR 0100).
/// </summary>
public sealed class WorkflowTimerPoller(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<WorkflowOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<WorkflowTimerPoller> logger) : PollingWorker(lifetime, logger)
{
    protected override TimeSpan Interval => options.Value.TimerPollInterval;

    protected override async Task<bool> PassAsync(CancellationToken cancellationToken) =>
        await FireDueAsync(cancellationToken) >= options.Value.TimerBatchSize;

    /// <summary>Claims one batch of due timers and fires them; returns how many were claimed.</summary>
    private async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<WorkflowTimer> claimed;
        using (var scope = scopes.CreateScope())
        {
            var now = clock.GetUtcNow();
            claimed = await ClaimAsync<WorkflowTimer, DateTimeOffset>(scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>(),
                t => t.DueAt <= now, t => t.DueAt, settings.TimerBatchSize, settings.TimerLease, cancellationToken);
        }

        // Different instances fire in parallel; the same instance's steps are kept apart by its concurrency stamp.
        await Parallel.ForEachAsync(claimed,
            new ParallelOptions { MaxDegreeOfParallelism = settings.TimerFireParallelism, CancellationToken = cancellationToken },
            async (timer, token) => await FireAsync(timer, token));
        return claimed.Count;
    }

    private async Task FireAsync(WorkflowTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().FireTimerAsync(timer, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept, and tried again after a growing pause: late, but never lost.
            Logger.LogWarning(ex, "Firing workflow timer {TimerId} of instance {InstanceId} failed", timer.Id, timer.InstanceId);
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
            var attempts = timer.Attempts + 1;
            var retryAt = RealTime.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(300, attempts * attempts));
            var error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
            await db.WorkflowTimers.Where(t => t.Id == timer.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, attempts).SetProperty(t => t.LockedUntil, retryAt).SetProperty(t => t.LastError, error), CancellationToken.None);
        }
    }
}
