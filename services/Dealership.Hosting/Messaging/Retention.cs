using Dealership.Hosting.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Messaging;

/// <summary>How long what has done its work is kept (configuration section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>How often a pass runs. Zero: never (the rows are kept for ever).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Outbox rows, once published. They are only a record of what was sent.</summary>
    public TimeSpan Outbox { get; set; } = TimeSpan.FromDays(7);
    /// <summary>
    /// Inbox rows. A redelivery older than this would be taken as new, so it stays far above any retry,
    /// redelivery or replay of an _error queue anyone would make.
    /// </summary>
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(30);
    /// <summary>Completed and cancelled workflow instances, with their journals.</summary>
    public TimeSpan FinishedWorkflows { get; set; } = TimeSpan.FromDays(180);
    /// <summary>SMS that reached an end (delivered, failed, refused, cancelled). Above 7 days: the weekly cap counts them.</summary>
    public TimeSpan Sms { get; set; } = TimeSpan.FromDays(180);
}

/// <summary>
/// Keeps the tables that grow with every lead from growing for ever: each pass deletes, in every
/// service database of the process, the published outbox rows and the inbox rows past their
/// retention, then lets each module prune its own finished work. Replicas may run passes at once:
/// a delete of rows already deleted deletes nothing.
/// </summary>
public sealed class RetentionWorker(
    IEnumerable<MigratedContext> contexts,
    IReadOnlyList<ServiceModule> modules,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<RetentionOptions> options,
    ILogger<RetentionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Interval <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "A retention pass failed; the next one tries again");
            }
        }
    }

    /// <summary>One pass, as of <paramref name="now"/>: the rows each rule would delete then. Returns how many went, per table.</summary>
    public async Task<IReadOnlyDictionary<string, int>> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var retention = options.Value;
        var deleted = new Dictionary<string, int>();
        foreach (var context in contexts)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = (ServiceDbContext)scope.ServiceProvider.GetRequiredService(context.ContextType);
            var sentBefore = now - retention.Outbox;
            var consumedBefore = now - retention.Inbox;
            Add(deleted, $"{context.ContextType.Name}.OutboxMessages",
                await db.OutboxMessages.Where(m => m.SentAt != null && m.SentAt < sentBefore).ExecuteDeleteAsync(cancellationToken));
            Add(deleted, $"{context.ContextType.Name}.InboxMessages",
                await db.InboxMessages.Where(m => m.ConsumedAt < consumedBefore).ExecuteDeleteAsync(cancellationToken));
        }
        foreach (var module in modules)
        {
            await using var scope = scopes.CreateAsyncScope();
            foreach (var (table, count) in await module.PruneAsync(scope.ServiceProvider, now, retention, cancellationToken))
                Add(deleted, table, count);
        }
        if (deleted.Values.Any(c => c > 0))
            logger.LogInformation("Retention deleted {Deleted}", string.Join(", ", deleted.Where(d => d.Value > 0).Select(d => $"{d.Key}: {d.Value}")));
        return deleted;
    }

    private static void Add(Dictionary<string, int> deleted, string table, int count) =>
        deleted[table] = deleted.GetValueOrDefault(table) + count;
}
