using System.Collections.Concurrent;
using System.Diagnostics;
using Dealership.Hosting.Polling;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Messaging;

public class OutboxOptions
{
    /// <summary>How often the table is read when no save has signalled new messages.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a dispatcher owns the rows it claimed; another replica takes them over after that.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
    public int BatchSize { get; set; } = 100;
    /// <summary>
    /// How long the publishes of one batch may take before those not yet confirmed count as failed attempts. After a dropped broker connection
    /// a publish can wait for ever (for a publisher confirm that went with the connection, in the transport's
    /// retry on the dead channel, or in its topology setup on that channel), and one such wait would stop the
    /// service's whole outbox. Keep it well below <see cref="LeaseDuration"/>: a row still being published when
    /// its lease ends may be taken over and go out twice.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How old the oldest unsent row may grow before the service reports itself not ready.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>
    /// How long a published row may wait to be marked sent, so that the rows of the batches published meanwhile are marked
    /// in the same statement and commit. Keep it far below <see cref="LeaseDuration"/>: a row whose lease ends unmarked
    /// may be published again by another replica (which the receivers' inboxes absorb).
    /// </summary>
    public TimeSpan MarkSentWithin { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>What a service's outbox dispatcher tells the rest of its process.</summary>
public abstract class OutboxSignal : WorkSignal
{
    private volatile Guid[] _publishedUnmarked = [];

    /// <summary>
    /// Rows this process's dispatcher has published and not yet marked sent (ADR 0530): unsent by the table, yet waiting
    /// for nothing, so the lag's measures leave them out.
    /// </summary>
    public IReadOnlyCollection<Guid> PublishedUnmarked => _publishedUnmarked;

    internal void Unmarked(IEnumerable<Guid> ids) => _publishedUnmarked = [.. ids];
}

/// <summary>
/// Wakes a service's dispatcher as soon as a save may have written outbox rows, and hands it the rows a save
/// committed already leased to it, so that the dispatcher publishes them without claiming them first.
/// </summary>
/// <remarks>
/// Claiming a row cost three statements and a commit of its own before the commit that marked it sent: at a few
/// messages a pass, the dispatcher spent more on SQLite than on publishing (issue 14). A row leased in the
/// transaction that writes it needs neither the claim nor a read-back. What is handed over lives only in this
/// process: if it dies, the lease runs out and any replica's claim takes the rows, as it takes a dead
/// dispatcher's claimed rows.
/// </remarks>
public sealed class OutboxSignal<TContext> : OutboxSignal where TContext : ServiceDbContext
{
    private readonly ConcurrentQueue<OutboxMessage> _handed = new();
    private int _count;

    /// <summary>The owner written into the rows leased as they are saved: this process's dispatcher.</summary>
    public Guid Owner { get; } = Guid.NewGuid();

    /// <summary>
    /// How many more rows a save may lease to this process's dispatcher: ten batches may wait, no more (a broker that
    /// is down, a dispatcher far behind, one save of thousands), so that a backlog stays in the table, where every
    /// replica can claim it.
    /// </summary>
    internal int Room(int batchSize) => _failing ? 0 : 10 * batchSize - Volatile.Read(ref _count);

    private volatile bool _failing;

    /// <summary>
    /// After a publish failed (mostly a dropped broker connection), nothing more is handed over until one succeeds: rows
    /// go through the table and the claim, whose pause grows with each failed attempt, instead of each handed-over batch
    /// waiting out the publish timeout in turn. Returns the ids of the rows that were waiting, to be given back.
    /// </summary>
    internal List<Guid> StopHandingOver()
    {
        _failing = true;
        var ids = new List<Guid>();
        while (TryDequeue(out var row))
            ids.Add(row.Id);
        return ids;
    }

    internal void HandOverAgain() => _failing = false;

    /// <summary>Takes a committed row leased to <see cref="Owner"/>; a copy, since the saving context goes on tracking it.</summary>
    internal void HandOver(OutboxMessage row)
    {
        _handed.Enqueue(new OutboxMessage
        {
            Id = row.Id, MessageType = row.MessageType, Body = row.Body, TraceParent = row.TraceParent,
            CreatedAt = row.CreatedAt, LockedBy = row.LockedBy, LockedUntil = row.LockedUntil, Attempts = row.Attempts,
        });
        Interlocked.Increment(ref _count);
    }

    /// <summary>
    /// Up to <paramref name="most"/> rows handed over, oldest first. A row whose lease has less than
    /// <paramref name="margin"/> left is dropped: another replica may claim it as soon as the lease ends, so it is
    /// left to that claim (this one's included) rather than published twice.
    /// </summary>
    internal List<OutboxMessage> Take(int most, DateTimeOffset now, TimeSpan margin)
    {
        var rows = new List<OutboxMessage>();
        while (rows.Count < most && TryDequeue(out var row))
        {
            if (row.LockedUntil - now > margin)
                rows.Add(row);
        }
        return rows;
    }

    private bool TryDequeue(out OutboxMessage row)
    {
        if (!_handed.TryDequeue(out row!))
            return false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    internal bool AnyHandedOver => Volatile.Read(ref _count) > 0;
}

/// <summary>
/// Publishes a service's outbox rows. Rows are claimed with a lease, so several replicas share the
/// work and a crashed replica's rows are taken over; a row published but not yet marked sent may go
/// out twice, which consumers' inboxes absorb (same MessageId).
/// </summary>
public sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal<TContext> signal,
    IOptions<OutboxOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxDispatcher<TContext>> logger) : PollingWorker(lifetime, logger, signal) where TContext : ServiceDbContext
{
    private static readonly ActivitySource Source = new("Dealership.Outbox");

    protected override TimeSpan Interval => options.Value.PollInterval;

    private long _lastClaim;
    private bool _claimLeftWork = true;

    // Rows published and not yet marked sent, by the owner they are leased to (this process's saves, or this worker's
    // claims), and when the first of them was published. Touched by passes only, which never overlap, and after the last.
    private readonly Dictionary<Guid, List<Guid>> _unmarked = [];
    private long _firstUnmarked;

    // Two owners at most, so counted when asked rather than kept beside the lists.
    private int UnmarkedCount => _unmarked.Values.Sum(ids => ids.Count);

    protected override async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var more = await PublishWaitingAsync(db, settings, cancellationToken);
        var unmarked = UnmarkedCount;
        if (unmarked >= settings.BatchSize || (unmarked > 0 && RealTime.GetElapsedTime(_firstUnmarked) >= settings.MarkSentWithin))
            await MarkSentAsync(db, cancellationToken);
        return more;
    }

    /// <summary>After a pass that left rows unmarked, the next comes when they are due to be marked, if that is sooner.</summary>
    protected override TimeSpan PauseAfterPass(TimeSpan regular)
    {
        if (UnmarkedCount == 0)
            return regular;
        var due = options.Value.MarkSentWithin - RealTime.GetElapsedTime(_firstUnmarked);
        return due < regular ? due : regular;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A stop that ran out of time may have left a pass running, which must not be raced.
        if (UnmarkedCount == 0 || cancellationToken.IsCancellationRequested)
            return;
        // Unmarked rows would be published again once their lease ran out, by whichever replica claims them first.
        try
        {
            using var scope = scopes.CreateScope();
            await MarkSentAsync(scope.ServiceProvider.GetRequiredService<TContext>(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogWarning(ex, "{Count} published outbox messages could not be marked sent on stopping; they will be published again", UnmarkedCount);
        }
    }

    /// <summary>
    /// Marks every published row sent, one statement per owner: a mark costs a commit, and at a few messages a pass one
    /// per batch was a fifth of the commits of a lead's path (issue 14). The time written is the mark's, at most
    /// <see cref="OutboxOptions.MarkSentWithin"/> after the publish.
    /// </summary>
    private async Task MarkSentAsync(TContext db, CancellationToken cancellationToken)
    {
        var now = RealTime.GetUtcNow();
        foreach (var (owner, ids) in _unmarked)
        {
            if (ids.Count > 0)
                await LeasedTo(db, ids, owner)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.SentAt, now).SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), cancellationToken);
            ids.Clear();
        }
        signal.Unmarked([]);
    }

    private void Published(Guid owner, List<Guid> ids)
    {
        if (UnmarkedCount == 0)
            _firstUnmarked = RealTime.GetTimestamp();
        if (!_unmarked.TryGetValue(owner, out var unmarked))
            _unmarked[owner] = unmarked = [];
        unmarked.AddRange(ids);
        signal.Unmarked(_unmarked.Values.SelectMany(rows => rows));
    }

    private async Task<bool> PublishWaitingAsync(TContext db, OutboxOptions settings, CancellationToken cancellationToken)
    {
        var handed = signal.Take(settings.BatchSize, RealTime.GetUtcNow(), settings.LeaseDuration / 2);
        if (handed.Count > 0 && !await PublishAsync(db, handed, signal.Owner, settings, cancellationToken))
        {
            var waiting = signal.StopHandingOver();
            if (waiting.Count > 0)
                await LeasedTo(db, waiting, signal.Owner).Where(m => m.SentAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), cancellationToken);
            return true;
        }

        // The table is still read for what no save handed over: rows saved inside a transaction or while many waited,
        // rows whose publish failed, and those of a dispatcher that died. While rows are handed over, once an
        // interval is enough for those, unless the last claim was a full batch; so a pass of this worker does not
        // always read the table, and WaitForNextPassAsync does not promise that it did.
        if (handed.Count == 0 || _claimLeftWork || RealTime.GetElapsedTime(_lastClaim) >= Interval)
        {
            _lastClaim = RealTime.GetTimestamp();
            var claimed = await ClaimAsync<OutboxMessage, DateTimeOffset>(db, m => m.SentAt == null, m => m.CreatedAt,
                settings.BatchSize, settings.LeaseDuration, cancellationToken);
            _claimLeftWork = claimed.Count == settings.BatchSize;
            if (claimed.Count > 0 && await PublishAsync(db, claimed, WorkerId, settings, cancellationToken))
                signal.HandOverAgain();
        }
        return _claimLeftWork || signal.AnyHandedOver;
    }

    /// <summary>
    /// Publishes rows leased to <paramref name="owner"/> and notes each to be marked sent, or marks it failed for a later
    /// attempt; true when every one was published.
    /// </summary>
    private async Task<bool> PublishAsync(TContext db, List<OutboxMessage> rows, Guid owner, OutboxOptions settings, CancellationToken cancellationToken)
    {
        // The whole batch is handed to the transport before any confirm is awaited: the broker confirms them
        // together, where awaiting each in turn cost a round trip per message (issue 14). The order in which
        // they reach the broker is the order of the rows as a rule but not a promise, as it never was across
        // replicas or after a failed publish: consumers take events in any order (ADR 0520).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PublishTimeout);
        var publishes = rows.Select(row => PublishAsync(row, timeout.Token)).ToList();
        try
        {
            await Task.WhenAll(publishes);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            // Each row's own outcome is read below.
        }
        cancellationToken.ThrowIfCancellationRequested();

        var sent = rows.Where((_, i) => publishes[i].IsCompletedSuccessfully).Select(r => r.Id).ToList();
        if (sent.Count > 0)
            Published(owner, sent);
        if (sent.Count == rows.Count)
            return true;
        var now = RealTime.GetUtcNow();

        // Left unsent and tried again after a growing pause, never dropped. A publish that timed out may still have
        // reached the broker: the receivers' inboxes absorb the second copy.
        var failed = rows.Select((row, i) => (Row: row, Publish: publishes[i])).Where(f => !f.Publish.IsCompletedSuccessfully)
            .Select(f =>
            {
                var error = f.Publish.Exception?.GetBaseException() ?? new TimeoutException();
                var timedOut = f.Publish.IsCanceled || error is OperationCanceledException;
                return (f.Row, Error: error, Text: Text.Truncate(timedOut ? $"Publish timed out after {settings.PublishTimeout}" : error.Message, 2000));
            }).ToList();
        // A failed publish mostly means a dropped broker connection, and then the whole batch fails alike: said once,
        // not once per row, and written in one statement per attempt count and error.
        Logger.LogWarning(failed[0].Error, "Publishing {Failed} of {Claimed} outbox messages failed, {MessageType} first",
            failed.Count, rows.Count, failed[0].Row.MessageType);
        foreach (var group in failed.GroupBy(f => (f.Row.Attempts, f.Text)))
        {
            var ids = group.Select(f => f.Row.Id).ToList();
            var attempts = group.Key.Attempts + 1;
            var retryAt = now + TimeSpan.FromSeconds(Math.Min(60, attempts * attempts));
            var text = group.Key.Text;
            await LeasedTo(db, ids, owner)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LockedUntil, retryAt)
                    .SetProperty(m => m.LastError, text), cancellationToken);
        }
        return false;
    }

    /// <summary>
    /// The rows of <paramref name="ids"/> still leased to <paramref name="owner"/>: a row another replica took over after
    /// the lease ran out is that replica's to write (a second copy of its message is absorbed by the consumers' inboxes).
    /// </summary>
    private static IQueryable<OutboxMessage> LeasedTo(TContext db, List<Guid> ids, Guid owner) =>
        db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.LockedBy == owner);

    private async Task PublishAsync(OutboxMessage row, CancellationToken timeout)
    {
        using var activity = row.TraceParent is null
            ? null
            : Source.StartActivity("outbox publish", ActivityKind.Producer, row.TraceParent);
        var (message, type) = row.Deserialize();
        // The token alone is not enough: some waits in the transport ignore it (MassTransit's one-time topology
        // setup, entered while a failed one is being torn down, never ends), and the dispatcher must get on with
        // its work whatever the transport does. The abandoned publish is left to itself.
        await bus.Publish(message, type, ctx => ctx.MessageId = row.Id, timeout).WaitAsync(timeout);
    }
}
