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
}

/// <summary>Wakes a service's dispatcher as soon as a save may have written outbox rows.</summary>
public sealed class OutboxSignal<TContext> : WorkSignal where TContext : ServiceDbContext;

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

    protected override async Task<bool> PassAsync(CancellationToken cancellationToken) =>
        await DispatchBatchAsync(options.Value, cancellationToken) == options.Value.BatchSize;

    /// <summary>Publishes one batch of pending rows; returns how many were published.</summary>
    private async Task<int> DispatchBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var claimed = await ClaimAsync<OutboxMessage, DateTimeOffset>(db, m => m.SentAt == null, m => m.CreatedAt,
            settings.BatchSize, settings.LeaseDuration, cancellationToken);
        if (claimed.Count == 0)
            return 0;

        // The whole batch is handed to the transport before any confirm is awaited: the broker confirms them
        // together, where awaiting each in turn cost a round trip per message (issue 14). The order in which
        // they reach the broker is the order of the rows as a rule but not a promise, as it never was across
        // replicas or after a failed publish: consumers take events in any order (ADR 0520).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PublishTimeout);
        var publishes = claimed.Select(row => PublishAsync(row, timeout.Token)).ToList();
        try
        {
            await Task.WhenAll(publishes);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            // Each row's own outcome is read below.
        }
        cancellationToken.ThrowIfCancellationRequested();

        var published = 0;
        Exception? firstError = null;
        for (var i = 0; i < claimed.Count; i++)
        {
            var row = claimed[i];
            if (publishes[i].IsCompletedSuccessfully)
            {
                row.SentAt = RealTime.GetUtcNow();
                row.LockedUntil = null;
                published++;
                continue;
            }
            // Left unsent and tried again after a growing pause, never dropped. A publish that timed out may
            // still have reached the broker: the receivers' inboxes absorb the second copy.
            var error = publishes[i].Exception?.GetBaseException() ?? new TimeoutException();
            var timedOut = publishes[i].IsCanceled || error is OperationCanceledException;
            firstError ??= error;
            row.Attempts++;
            row.LockedUntil = RealTime.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(60, row.Attempts * row.Attempts));
            row.LastError = Text.Truncate(timedOut ? $"Publish timed out after {settings.PublishTimeout}" : error.Message, 2000);
        }
        if (firstError is not null)
        {
            // A failed publish mostly means a dropped broker connection, and then the whole batch fails alike:
            // said once, not once per row.
            Logger.LogWarning(firstError, "Publishing {Failed} of {Claimed} outbox messages failed, {MessageType} first",
                claimed.Count - published, claimed.Count, claimed.First(r => r.SentAt == null).MessageType);
        }
        await db.SaveChangesAsync(cancellationToken);
        return published;
    }

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
