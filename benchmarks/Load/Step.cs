using System.Diagnostics;
using Dealership.Faults;
using Dealership.Hosting.Data;

namespace Dealership.Load;

/// <summary>CPU and EF Core figures of every followed process at one moment.</summary>
public sealed record Snapshot(long At, IReadOnlyDictionary<string, double?> CpuMilliseconds, IReadOnlyDictionary<string, (double SaveChanges, double Conflicts, int Reports)> Ef);

/// <summary>The processes a run follows: each one's CPU time, and, for .NET processes with EF Core, its counters.</summary>
public sealed class Followed : IDisposable
{
    private readonly Dictionary<string, int> _pids = [];
    private readonly Dictionary<string, EfCounters> _ef = [];

    public IReadOnlyList<string> Names => [.. _pids.Keys];
    public List<string> Notes { get; } = [];

    public void Add(string name, int pid, bool efCounters)
    {
        _pids[name] = pid;
        if (!efCounters)
            return;
        if (EfCounters.Attach(pid, out var why) is { } counters)
            _ef[name] = counters;
        else
            Notes.Add($"{name}: EF Core counters not readable ({why})");
    }

    public bool HasEf(string name) => _ef.ContainsKey(name);

    public Snapshot Take() => new(Stopwatch.GetTimestamp(),
        _pids.ToDictionary(p => p.Key, p => ProcessCpu.Milliseconds(p.Value)),
        _ef.ToDictionary(e => e.Key, e => (e.Value.SaveChanges, e.Value.ConcurrencyFailures, e.Value.Reports)));

    public void Dispose()
    {
        foreach (var counters in _ef.Values)
            counters.Dispose();
    }
}

/// <summary>What one step (a steady rate, or the burst) offered, what came of it and what it cost.</summary>
public sealed class StepResult
{
    public required string Label { get; init; }
    public double? OfferedRate { get; init; }
    public required string LoadAverage { get; init; }
    public int Offered { get; set; }
    public int Accepted { get; set; }
    public int Unanswered { get; set; }
    public string UnansweredWhy { get; set; } = "";
    /// <summary>Ticks of a steady rate on which no lead was posted because 400 posts were still unanswered: not offered.</summary>
    public int Skipped { get; set; }
    public double AcceptedPerSecond { get; set; }
    public double DonePerSecond { get; set; }
    /// <summary>Accepted leads not yet shown with their task when the offering stopped.</summary>
    public int BacklogAtEnd { get; set; }
    /// <summary>Seconds from the end of the offering until the last lead of the step was tasked and notified; null: not within the limit.</summary>
    public double? DrainedAfter { get; set; }
    public List<double> ToTask { get; } = [];
    public List<double> ToSms { get; } = [];
    public int NotTasked { get; set; }
    public int NoSms { get; set; }
    /// <summary>The leads the per-lead costs are divided by: those of the step shown with their task by its end.</summary>
    public int Done { get; set; }
    public Dictionary<string, double> CpuMilliseconds { get; } = [];
    public Dictionary<string, double> SaveChanges { get; } = [];
    public Dictionary<string, double> ConcurrencyFailures { get; } = [];
    public long Published { get; set; }
    public long Consumed { get; set; }
    public List<LogEvent> Logged { get; set; } = [];
    public double Seconds { get; set; }

    public double PerLead(double total) => Done == 0 ? double.NaN : total / Done;
    /// <summary>A process's CPU per lead less what it spends idle over the step's length (pollers, probes, timers).</summary>
    public double AboveIdlePerLead(string process, IReadOnlyDictionary<string, double> idle) =>
        CpuMilliseconds.TryGetValue(process, out var ms) ? PerLead(ms - idle.GetValueOrDefault(process) * Seconds) : double.NaN;
    public double CpuPerLead => PerLead(CpuMilliseconds.Where(c => c.Key != Names.Driver && c.Key != Names.Broker).Sum(c => c.Value));
    public double SavesPerLead => PerLead(SaveChanges.Values.Sum());
    public int Retries => Logged.Count(e => e.Kind == "retry");
    /// <summary>Optimistic-concurrency failures EF counted, and unique-index races the logs show (EF counts only the former).</summary>
    public double Conflicts => ConcurrencyFailures.Values.Sum() + Logged.Count(e => e.Conflict && e.Kind == "save failed" && !e.Cause.Contains("DbUpdateConcurrencyException"));

    public void Measure(Snapshot before, Snapshot after)
    {
        Seconds = Stopwatch.GetElapsedTime(before.At, after.At).TotalSeconds;
        foreach (var (name, cpu) in after.CpuMilliseconds)
            if (cpu is { } end && before.CpuMilliseconds.GetValueOrDefault(name) is { } start)
                CpuMilliseconds[name] = end - start;
        foreach (var (name, ef) in after.Ef)
            if (ef.Reports > 0 && before.Ef.TryGetValue(name, out var start) && start.Reports > 0)
            {
                SaveChanges[name] = ef.SaveChanges - start.SaveChanges;
                ConcurrencyFailures[name] = ef.Conflicts - start.Conflicts;
            }
    }

    /// <summary>Outbox rows written (messages published) and inbox rows written (messages consumed) in every service's file during the step.</summary>
    public void CountMessages(Topology topology, long from, long to)
    {
        var binary = new UtcBinaryConverter();
        var a = (long)binary.ConvertToProvider(LeadTracker.WallClockOf(from))!;
        var b = (long)binary.ConvertToProvider(LeadTracker.WallClockOf(to))!;
        foreach (var service in Topology.Services)
        {
            using var connection = Invariants.Open(topology.DatabaseOf(service));
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT (SELECT COUNT(*) FROM OutboxMessages WHERE CreatedAt >= {a} AND CreatedAt < {b}), " +
                                  $"(SELECT COUNT(*) FROM InboxMessages WHERE ConsumedAt >= {a} AND ConsumedAt < {b})";
            using var reader = command.ExecuteReader();
            reader.Read();
            Published += reader.GetInt64(0);
            Consumed += reader.GetInt64(1);
        }
    }
}

public static class Names
{
    public const string Driver = "load program";
    public const string Broker = "rabbitmq (shared)";
}
