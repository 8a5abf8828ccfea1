using Dealership.Hosting.Polling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>
/// Wakes the timer poller when a step saved a timer that falls due before the poller's next pass. Timers saved by
/// another replica are found by that replica's poller, or by this one's next regular pass.
/// </summary>
public sealed class WorkflowTimerSignal : WorkSignal
{
    // Business time (UTC ticks) by which the poller passes anyway; while a pass runs it is unknown, so any timer wakes it.
    private long _passBy = long.MinValue;

    public void Scheduled(DateTimeOffset dueAt)
    {
        if (dueAt.UtcTicks < Interlocked.Read(ref _passBy))
            Notify();
    }

    internal void Passing() => Interlocked.Exchange(ref _passBy, long.MaxValue);

    internal void NextPassBy(DateTimeOffset at) => Interlocked.Exchange(ref _passBy, at.UtcTicks);
}

/// <summary>
/// Fires due timers from the timer table. Due rows are claimed with a lease so replicas share them
/// and a dead replica's claims are taken over when the lease runs out. That a timer takes effect
/// once does not rest on the lease: the step that fires it saves under the instance's concurrency
/// stamp, and a second attempt finds the timer gone from the instance (see ADR 0100). Between passes
/// the poller sleeps until the next timer falls due, when that comes before the interval is up.
/// </summary>
public sealed class WorkflowTimerPoller(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<WorkflowOptions> options,
    WorkflowTimerSignal signal,
    IHostApplicationLifetime lifetime,
    ILogger<WorkflowTimerPoller> logger) : PollingWorker(lifetime, logger, signal)
{
    private DateTimeOffset? _nextDue;

    protected override TimeSpan Interval => options.Value.TimerPollInterval;

    protected override async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        signal.Passing();
        var more = await FireDueAsync(cancellationToken) >= options.Value.TimerBatchSize;
        if (!more)
        {
            using var scope = scopes.CreateScope();
            var now = RealTime.GetUtcNow();
            _nextDue = await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().WorkflowTimers
                .Where(t => t.LockedUntil == null || t.LockedUntil < now)
                .OrderBy(t => t.DueAt).Select(t => (DateTimeOffset?)t.DueAt).FirstOrDefaultAsync(cancellationToken);
        }
        return more;
    }

    protected override TimeSpan PauseAfterPass(TimeSpan regular)
    {
        var now = clock.GetUtcNow();
        var pause = _nextDue is { } due && due - now < regular ? due - now : regular;
        // A millisecond at least: a row due now that the claim did not take (leased meanwhile) must not spin the loop.
        pause = pause > TimeSpan.FromMilliseconds(1) ? pause : TimeSpan.FromMilliseconds(1);
        signal.NextPassBy(now + pause);
        return pause;
    }

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

        // The instances' timers fire together, saved in one transaction: one writer, where SQLite has only one, and one
        // commit for the batch (ADR 0523). A second timer of the same instance, and start timers, on their own after them;
        // the same instance's steps are kept apart by its concurrency stamp.
        var together = claimed.Where(t => t.InstanceId is not null).DistinctBy(t => t.InstanceId).ToArray();
        await FireTogetherAsync(together, cancellationToken);
        await FireEachAsync(claimed.Except(together), cancellationToken);
        return claimed.Count;
    }

    private async Task FireTogetherAsync(WorkflowTimer[] group, CancellationToken cancellationToken)
    {
        if (group.Length > 1)
        {
            try
            {
                using var scope = scopes.CreateScope();
                if (await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().FireTimersAsync(group, cancellationToken))
                    return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The timers fired and were saved; what failed came after (handing kept messages to the waits they opened), as it
                // can after a timer fired alone. Firing them again would find them gone.
                Logger.LogWarning(ex, "Delivering kept messages after firing {Count} workflow timers failed", group.Length);
                return;
            }
        }
        await FireEachAsync(group, cancellationToken);
    }

    /// <summary>Fires each timer in its own transaction, a few at once.</summary>
    private Task FireEachAsync(IEnumerable<WorkflowTimer> timers, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(timers,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.TimerFireParallelism, CancellationToken = cancellationToken },
            async (timer, token) => await FireAsync(timer, token));

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
