using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.Hosting.Polling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Lag;

/// <summary>
/// Reads each service's oldest unsent outbox row every <see cref="LagOptions.SampleInterval"/> for the gauge and for
/// lead intake's decision to refuse, so neither reads the database on its own caller's time.
/// </summary>
public sealed class LagSampler(
    IServiceScopeFactory scopes,
    IEnumerable<MigratedContext> outboxes,
    LagMonitor monitor,
    IOptions<LagOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<LagSampler> logger) : PollingWorker(lifetime, logger)
{
    protected override TimeSpan Interval => options.Value.SampleInterval;

    protected override async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        foreach (var outbox in outboxes)
        {
            using var scope = scopes.CreateScope();
            var db = (ServiceDbContext)scope.ServiceProvider.GetRequiredService(outbox.ContextType);
            var signal = (OutboxSignal)scope.ServiceProvider.GetRequiredService(typeof(OutboxSignal<>).MakeGenericType(outbox.ContextType));
            monitor.RecordOutbox(outbox.Service, await OldestUnsentAsync(db, signal.PublishedUnmarked, cancellationToken));
        }
        return false;
    }

    /// <summary>
    /// When the oldest unsent row was written, leaving out those <paramref name="published"/> and not yet marked: a seek
    /// on the <c>(SentAt, CreatedAt)</c> index.
    /// </summary>
    public static Task<DateTimeOffset?> OldestUnsentAsync(ServiceDbContext db, IReadOnlyCollection<Guid> published, CancellationToken cancellationToken) =>
        db.OutboxMessages
            .Where(m => m.SentAt == null && !published.Contains(m.Id))
            .OrderBy(m => m.CreatedAt)
            .Select(m => (DateTimeOffset?)m.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
}
