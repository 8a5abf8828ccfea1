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
    /// How long one publish may take before it counts as a failed attempt. After a dropped broker connection
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

        var published = 0;
        for (var i = 0; i < claimed.Count; i++)
        {
            var row = claimed[i];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.PublishTimeout);
            try
            {
                using var activity = row.TraceParent is null
                    ? null
                    : Source.StartActivity("outbox publish", ActivityKind.Producer, row.TraceParent);
                var (message, type) = row.Deserialize();
                // The token alone is not enough: some waits in the transport ignore it (MassTransit's one-time
                // topology setup, entered while a failed one is being torn down, never ends), and the dispatcher
                // must get on with its work whatever the transport does. The abandoned publish is left to itself.
                await bus.Publish(message, type, ctx => ctx.MessageId = row.Id, timeout.Token).WaitAsync(timeout.Token);
                row.SentAt = RealTime.GetUtcNow();
                row.LockedUntil = null;
                published++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Left unsent and tried again after a growing pause, never dropped. A publish that timed out
                // may still have reached the broker: the receivers' inboxes absorb the second copy.
                var timedOut = timeout.IsCancellationRequested;
                row.Attempts++;
                row.LockedUntil = RealTime.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(60, row.Attempts * row.Attempts));
                row.LastError = Text.Truncate(timedOut ? $"Publish timed out after {settings.PublishTimeout}" : ex.Message, 2000);
                Logger.LogWarning(ex, "Publishing outbox message {MessageId} ({MessageType}) failed", row.Id, row.MessageType);

                // A failed publish mostly means a dropped broker connection, and the rest of the batch would fail
                // or hang the same way, the more so on the channel MassTransit is still closing; by the next round
                // it has a new one. So the rest is handed back to be claimed again then, with no attempt counted.
                foreach (var rest in claimed.Skip(i + 1))
                    rest.LockedUntil = null;
                break;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return published;
    }
}
