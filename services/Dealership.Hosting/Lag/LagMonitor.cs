using System.Diagnostics.Metrics;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Lag;

/// <summary>How far behind a service is: normal, behind (past <see cref="LagOptions.DegradedAfter"/>) or stuck (its outbox past <see cref="OutboxOptions.StuckAfter"/>).</summary>
public enum LagState { Normal, Behind, Stuck }

/// <summary>One service's lag as last measured: its oldest unsent outbox row's age (null: it has no outbox) and its consume lag.</summary>
public sealed record ServiceLag(string Service, TimeSpan? OutboxAge, TimeSpan ConsumeLag, LagState State)
{
    /// <summary>The larger of the two: how long new work waits at worst before this service acts on it.</summary>
    public TimeSpan Worst => OutboxAge is { } age && age > ConsumeLag ? age : ConsumeLag;
}

/// <summary>
/// The lag of every service of this process, kept in memory and exported as two gauges tagged with the service:
/// <c>dealership.outbox.oldest_unsent_age</c> and <c>dealership.consume.lag</c>, in seconds (ADR 0517).
/// </summary>
/// <remarks>
/// The outbox age is now minus the <c>CreatedAt</c> of the oldest unsent row as last read (by <see cref="LagSampler"/> and
/// the readiness check), so it keeps growing between reads while that row waits. The consume lag is the longest any
/// message waited between its <c>SentTime</c> and the start of its consume, among messages whose consume began in the
/// last one to two <see cref="LagOptions.Window"/>s: what a consumer can know. Both on the system clock, which stamps
/// <c>CreatedAt</c> and <c>SentTime</c>, never the host's <see cref="TimeProvider"/>, which specs and faults move.
/// </remarks>
public sealed class LagMonitor
{
    public const string MeterName = "Dealership.Lag";
    public const string OutboxAgeGauge = "dealership.outbox.oldest_unsent_age";
    public const string ConsumeLagGauge = "dealership.consume.lag";

    private readonly Dictionary<string, Tracked> _services;
    private readonly IOptions<LagOptions> _options;
    private readonly IOptions<OutboxOptions> _outbox;

    public LagMonitor(IReadOnlyList<ServiceModule> modules, IEnumerable<MigratedContext> outboxes, IMeterFactory meters,
        IOptions<LagOptions> options, IOptions<OutboxOptions> outbox)
    {
        _options = options;
        _outbox = outbox;
        var withOutbox = outboxes.Select(o => o.Service).ToHashSet();
        _services = modules.ToDictionary(m => m.Name, m => new Tracked(withOutbox.Contains(m.Name)));

        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(OutboxAgeGauge, () => Measure(s => s.OutboxAge?.TotalSeconds), "s",
            "Age of the service's oldest outbox message not yet published");
        meter.CreateObservableGauge(ConsumeLagGauge, () => Measure(s => s.ConsumeLag.TotalSeconds), "s",
            "Longest wait between a message's sending and the start of its consume, among the service's recent messages");
    }

    /// <summary>The services of this process, by name.</summary>
    public IReadOnlyCollection<string> Services => _services.Keys;

    /// <summary>Notes the <c>CreatedAt</c> of the service's oldest unsent outbox row (null: none is waiting).</summary>
    public void RecordOutbox(string service, DateTimeOffset? oldestUnsent)
    {
        if (_services.TryGetValue(service, out var tracked))
            tracked.OldestUnsent = oldestUnsent;
    }

    /// <summary>Notes that a message of the service began its consume <paramref name="waited"/> after it was sent.</summary>
    public void RecordConsumeStart(string service, TimeSpan waited)
    {
        if (_services.TryGetValue(service, out var tracked))
            tracked.Record(waited < TimeSpan.Zero ? TimeSpan.Zero : waited, DateTimeOffset.UtcNow, _options.Value.Window);
    }

    /// <summary>The service's lag now; null when it is not one of this process's.</summary>
    public ServiceLag? Of(string service) =>
        _services.TryGetValue(service, out var tracked) ? Read(service, tracked, DateTimeOffset.UtcNow) : null;

    /// <summary>The service of this process furthest behind, with its lag.</summary>
    public ServiceLag Worst()
    {
        var now = DateTimeOffset.UtcNow;
        return _services.Select(s => Read(s.Key, s.Value, now)).MaxBy(l => l.Worst)!;
    }

    /// <summary>True while some service of this process is further behind than <see cref="LagOptions.RefuseLeadsAfter"/>: lead intake takes no new leads.</summary>
    public bool RefusesLeads(out ServiceLag worst)
    {
        worst = Worst();
        return worst.Worst > _options.Value.RefuseLeadsAfter;
    }

    /// <summary>The state of a service whose outbox and consumers are this far behind.</summary>
    public LagState StateOf(TimeSpan? outboxAge, TimeSpan consumeLag) =>
        outboxAge > _outbox.Value.StuckAfter ? LagState.Stuck
        : outboxAge > _options.Value.DegradedAfter || consumeLag > _options.Value.DegradedAfter ? LagState.Behind
        : LagState.Normal;

    private ServiceLag Read(string service, Tracked tracked, DateTimeOffset now)
    {
        TimeSpan? outboxAge = !tracked.HasOutbox ? null
            : tracked.OldestUnsent is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
        var consumeLag = tracked.Lag(now, _options.Value.Window);
        return new ServiceLag(service, outboxAge, consumeLag, StateOf(outboxAge, consumeLag));
    }

    private IEnumerable<Measurement<double>> Measure(Func<ServiceLag, double?> value)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (service, tracked) in _services)
        {
            if (value(Read(service, tracked, now)) is { } seconds)
                yield return new Measurement<double>(seconds, new KeyValuePair<string, object?>("service", service));
        }
    }

    private sealed class Tracked(bool hasOutbox)
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _bucketStart = DateTimeOffset.MinValue;
        private TimeSpan _current;
        private TimeSpan _previous;
        private DateTimeOffset? _oldestUnsent;

        public bool HasOutbox { get; } = hasOutbox;

        public DateTimeOffset? OldestUnsent
        {
            get { lock (_lock) return _oldestUnsent; }
            set { lock (_lock) _oldestUnsent = value; }
        }

        public void Record(TimeSpan waited, DateTimeOffset now, TimeSpan window)
        {
            lock (_lock)
            {
                Rotate(now, window);
                if (waited > _current)
                    _current = waited;
            }
        }

        public TimeSpan Lag(DateTimeOffset now, TimeSpan window)
        {
            lock (_lock)
            {
                Rotate(now, window);
                return _current > _previous ? _current : _previous;
            }
        }

        // Two windows, the current and the one before: a message that waited counts for one to two windows after
        // its consume began, and then the lag falls back to what the messages since then waited.
        private void Rotate(DateTimeOffset now, TimeSpan window)
        {
            if (now - _bucketStart < window)
                return;
            _previous = now - _bucketStart < window * 2 ? _current : TimeSpan.Zero;
            _current = TimeSpan.Zero;
            _bucketStart = now;
        }
    }
}
