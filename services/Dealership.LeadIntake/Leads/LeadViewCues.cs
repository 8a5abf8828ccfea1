using Dealership.Contracts;
using Dealership.Hosting.Polling;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dealership.LeadIntake.Leads;

/// <summary>
/// Tells the consoles that leads' views changed, once per dealership for the changes of a moment (ADR 0536): a cue
/// per timeline event was three messages a lead for a page refresh, and under load more refreshes a second than anyone
/// could read. A cue goes out at once when none went out for a <see cref="Spacing"/>; changes committed meanwhile are
/// told together when it has passed.
/// </summary>
/// <remarks>
/// Not through the outbox: a cue is not data. One lost (the process died before it went out) leaves an open page as it
/// was until the next change or a reload; a page opened later reads afresh anyway.
/// </remarks>
public sealed class LeadViewCues(IBus bus, TimeProvider clock, ILogger<LeadViewCues> logger) : BackgroundService
{
    /// <summary>The least time between two cues, and the most a change waits for its cue.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly WorkSignal _signal = new();
    private HashSet<Guid> _changed = [];

    /// <summary>A lead of the dealership changed; called once the change is committed.</summary>
    public void Changed(Guid dealershipId)
    {
        lock (_gate)
            _changed.Add(dealershipId);
        _signal.Notify();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            while (true)
            {
                await _signal.WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
                HashSet<Guid> changed;
                lock (_gate)
                    (changed, _changed) = (_changed, []);
                var now = clock.GetUtcNow();
                try
                {
                    await Task.WhenAll(changed.Select(dealershipId => bus.Publish(new LeadViewsChanged(dealershipId, now), stoppingToken)));
                    failures = 0;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Told again with the next ones, after a longer pause each time: at most one cue per dealership waits.
                    failures++;
                    lock (_gate)
                        _changed.UnionWith(changed);
                    _signal.Notify();
                    logger.LogWarning(ex, "Telling the consoles that {Count} dealerships' leads changed failed ({Failures} in a row)", changed.Count, failures);
                }
                await Task.Delay(Spacing * Math.Pow(2, Math.Min(failures, 6)), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
