using Dealership.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.InvitationWorkflow.Workflows;

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
    ILogger<WorkflowTimerPoller> logger) : BackgroundService
{
    private readonly Guid _pollerId = Guid.NewGuid();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.WaitForStartAsync(stoppingToken))
            return;

        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            var pollStarted = DateTimeOffset.UtcNow;
            try
            {
                claimed = await PollOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Reading due workflow timers failed; retrying");
            }
            if (claimed >= options.Value.TimerBatchSize)
                continue;
            try
            {
                // A steady cadence in real time (the injected clock only says what is due): the time
                // spent firing counts towards the pause, so a busy poll does not delay the next one more.
                var pause = options.Value.TimerPollInterval - (DateTimeOffset.UtcNow - pollStarted);
                if (pause > TimeSpan.Zero)
                    await Task.Delay(pause, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims one batch of due timers and fires them; returns how many were claimed.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<WorkflowTimer> claimed;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
            var now = clock.GetUtcNow();
            var candidates = await db.WorkflowTimers
                .Where(t => t.DueAt <= now && (t.LockedUntil == null || t.LockedUntil < now))
                .OrderBy(t => t.DueAt)
                .Select(t => t.Id)
                .Take(settings.TimerBatchSize)
                .ToListAsync(cancellationToken);
            if (candidates.Count == 0)
                return 0;
            var lease = now + settings.TimerLease;
            await db.WorkflowTimers
                .Where(t => candidates.Contains(t.Id) && (t.LockedUntil == null || t.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LockedUntil, lease).SetProperty(t => t.LockedBy, _pollerId), cancellationToken);
            claimed = await db.WorkflowTimers.AsNoTracking()
                .Where(t => candidates.Contains(t.Id) && t.LockedBy == _pollerId && t.LockedUntil == lease)
                .OrderBy(t => t.DueAt)
                .ToListAsync(cancellationToken);
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
            logger.LogWarning(ex, "Firing workflow timer {TimerId} of instance {InstanceId} failed", timer.Id, timer.InstanceId);
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
            var attempts = timer.Attempts + 1;
            var retryAt = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(300, attempts * attempts));
            var error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
            await db.WorkflowTimers.Where(t => t.Id == timer.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, attempts).SetProperty(t => t.LockedUntil, retryAt).SetProperty(t => t.LastError, error), CancellationToken.None);
        }
    }
}
