using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dealership.Hosting.Polling;

/// <summary>Wakes a <see cref="PollingWorker"/> at once, when a save may have given it work.</summary>
public class WorkSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        // Only the first notification between two passes matters; the pass after it reads everything before it.
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>True when notified, false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>A row that polling workers claim for a while, so replicas share the rows and a dead one's are taken over.</summary>
public interface ILeasedRow
{
    Guid Id { get; }
    DateTimeOffset? LockedUntil { get; set; }
    Guid? LockedBy { get; set; }
}

/// <summary>
/// A background loop of passes over a table: the outbox dispatcher, the SMS sender, the workflow timer
/// poller, the no-show check and the shift-start router. A pass runs once the host has started, then
/// whenever the interval has passed since the last one began, at once after a pass that left work (a
/// full batch), and early when its <see cref="WorkSignal"/> is notified. A failed pass is logged and the
/// next waits twice as long each time, up to <see cref="MaxBackoff"/>. Passes of one worker never overlap.
/// </summary>
/// <remarks>
/// One clock policy for all of them. What is due is business time: the host's <see cref="TimeProvider"/>,
/// which a test may set to any day and move (and a fault program jump, <see cref="OffsetFileClock"/>), read by each
/// pass. The worker's own time (the pause between passes, the back-off, the leases) is real time,
/// <see cref="RealTime"/>: it guards against slow and crashed processes, which a test's clock neither makes
/// nor mends, and a clock moved forward must not hand one replica's claims to another.
/// </remarks>
public abstract class PollingWorker(IHostApplicationLifetime lifetime, ILogger logger, WorkSignal? signal = null) : BackgroundService
{
    protected static readonly TimeProvider RealTime = TimeProvider.System;

    private readonly WorkSignal _wake = signal ?? new WorkSignal();
    private readonly SemaphoreSlim _onePass = new(1, 1);
    private long _started;
    private long _lastCompleted;
    private long _completed;
    private TaskCompletionSource _passCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected ILogger Logger { get; } = logger;

    /// <summary>The owner written into the rows this worker leases.</summary>
    protected Guid WorkerId { get; } = Guid.NewGuid();

    /// <summary>How long after a pass began the next one begins when nothing wakes the worker earlier.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>The longest pause after passes that failed.</summary>
    protected virtual TimeSpan MaxBackoff => TimeSpan.FromSeconds(30);

    /// <summary>
    /// The pause before the next pass after one that left no work, given the regular one (the interval less the pass's
    /// own time). A worker that knows when its next row falls due returns less, to be on time rather than up to an
    /// interval late.
    /// </summary>
    protected virtual TimeSpan PauseAfterPass(TimeSpan regular) => regular;

    /// <summary>One pass over the table; true when it may have left work that another pass should take at once.</summary>
    protected abstract Task<bool> PassAsync(CancellationToken cancellationToken);

    /// <summary>How many passes have run to their end without failing.</summary>
    public long CompletedPasses => Interlocked.Read(ref _completed);

    /// <summary>Runs one pass now, after the one under way if any. True when it may have left work.</summary>
    public async Task<bool> RunPassAsync(CancellationToken cancellationToken = default)
    {
        await _onePass.WaitAsync(cancellationToken);
        try
        {
            var number = Interlocked.Increment(ref _started);
            var more = await PassAsync(cancellationToken);
            Interlocked.Increment(ref _completed);
            // Passes are numbered as they begin; this one is the latest to end well.
            Interlocked.Exchange(ref _lastCompleted, number);
            Interlocked.Exchange(ref _passCompleted, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
            return more;
        }
        finally
        {
            _onePass.Release();
        }
    }

    /// <summary>
    /// Wakes the worker and waits until a pass that began after this call has run to its end, so that it saw
    /// everything committed before the call: what it would do about that is done when this returns.
    /// </summary>
    public async Task WaitForNextPassAsync(TimeSpan? timeout = null)
    {
        var target = Interlocked.Read(ref _started) + 1;
        _wake.Notify();
        using var expiry = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            // Taken before the count is read: a pass that ends in between completes this very task.
            var completed = Volatile.Read(ref _passCompleted).Task;
            if (Interlocked.Read(ref _lastCompleted) >= target)
                return;
            try
            {
                await completed.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException) when (expiry.IsCancellationRequested)
            {
                throw new TimeoutException($"No pass of {GetType().Name} ran to its end within {timeout ?? TimeSpan.FromSeconds(30)}.");
            }
        }
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.WaitForStartAsync(stoppingToken))
            return;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var began = RealTime.GetTimestamp();
            TimeSpan pause;
            try
            {
                var more = await RunPassAsync(stoppingToken);
                failures = 0;
                if (more)
                    continue;
                // A steady cadence: the time a pass took counts towards the pause.
                pause = PauseAfterPass(Interval - RealTime.GetElapsedTime(began));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                pause = Backoff(failures);
                Logger.LogError(ex, "A pass of {Worker} failed ({Failures} in a row); the next in {Pause}", GetType().Name, failures, pause);
            }
            try
            {
                if (pause > TimeSpan.Zero)
                    await _wake.WaitAsync(pause, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var interval = Interval > TimeSpan.Zero ? Interval : TimeSpan.FromSeconds(1);
        var longest = interval > MaxBackoff ? interval : MaxBackoff;
        var doubled = interval * Math.Pow(2, Math.Min(failures - 1, 16));
        return doubled < longest ? doubled : longest;
    }

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> rows that are <paramref name="ready"/> and not leased by anyone
    /// (or whose lease ran out), in the order of <paramref name="order"/>, for <paramref name="lease"/> of real
    /// time, and returns them tracked. A replica that claims the same rows at the same moment gets none of them.
    /// </summary>
    protected async Task<List<T>> ClaimAsync<T, TKey>(DbContext db, Expression<Func<T, bool>> ready, Expression<Func<T, TKey>> order,
        int batchSize, TimeSpan lease, CancellationToken cancellationToken) where T : class, ILeasedRow
    {
        var now = RealTime.GetUtcNow();
        var free = db.Set<T>().Where(ready).Where(r => r.LockedUntil == null || r.LockedUntil < now);
        var candidates = await free.OrderBy(order).Select(r => r.Id).Take(batchSize).ToListAsync(cancellationToken);
        if (candidates.Count == 0)
            return [];
        var until = now + lease;
        var owner = WorkerId;
        await free.Where(r => candidates.Contains(r.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LockedUntil, until).SetProperty(r => r.LockedBy, owner), cancellationToken);
        return await db.Set<T>().Where(r => candidates.Contains(r.Id) && r.LockedBy == owner && r.LockedUntil == until)
            .OrderBy(order).ToListAsync(cancellationToken);
    }
}

public static class PollingWorkerRegistration
{
    /// <summary>Runs the worker as a hosted service, and lets others (and specs) reach it by its type.</summary>
    public static IServiceCollection AddPollingWorker<TWorker>(this IServiceCollection services) where TWorker : PollingWorker
    {
        services.AddSingleton<TWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<TWorker>());
        return services;
    }
}
