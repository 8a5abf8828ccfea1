using System.Globalization;
using System.Text;

namespace Dealership.Load;

/// <summary>The machine's raw rates measured at the start of the run.</summary>
public sealed record MachineLimits(int Cores, double SqliteCommits, double RabbitMq, double InMemory);

/// <summary>The run's figures as markdown tables.</summary>
public static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static double Percentile(IReadOnlyCollection<double> values, double p) =>
        values.Count == 0 ? double.NaN : values.Order().ElementAt(Math.Clamp((int)Math.Ceiling(p / 100 * values.Count) - 1, 0, values.Count - 1));

    private static string N(double value, int decimals = 0) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "–" : value.ToString("N" + decimals, Invariant);

    // Three significant figures are what a run on a shared machine can tell apart.
    private static string G(double value) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "–"
        : Math.Abs(value) >= 100 ? N(value) : Math.Abs(value) >= 10 ? N(value, 1) : Math.Abs(value) >= 1 ? N(value, 2) : N(value, 3);

    private static string Ratio(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "–" : $"{value * 100:0.#}%";

    private static string Latencies(StepResult step, List<double> values, int missing)
    {
        if (values.Count == 0)
            return "none";
        var text = $"{G(Percentile(values, 50))} / {G(Percentile(values, 95))} / {G(Percentile(values, 99))}";
        // Leads not there by the end are slower than every figure shown: the percentiles are of those that were.
        return missing > 0 ? $"{text} (+{missing} not within the limit)" : text;
    }

    public static string Write(string topology, IReadOnlyList<string> command, MachineLimits limits, IReadOnlyList<StepResult> steps,
        IReadOnlyList<string> processes, IReadOnlyDictionary<string, double> idle, string loadAtStart, string loadAtEnd,
        TimeSpan pollInterval, IReadOnlyList<string> notes)
    {
        var md = new StringBuilder();
        void Line(string line = "") => md.AppendLine(line);
        var busLimit = topology == "embedded" ? limits.InMemory : limits.RabbitMq;
        var busName = topology == "embedded" ? "MassTransit in memory" : "MassTransit on RabbitMQ";

        Line($"## {topology} topology, {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}");
        Line();
        Line($"`{string.Join(' ', command)}`; {limits.Cores} cores; load average (1, 5, 15 min) {loadAtStart} at the start, {loadAtEnd} at the end; " +
             $"the lead view polled every {pollInterval.TotalMilliseconds:0} ms.");
        Line();
        Line("Machine limits, measured in this run before the topology started:");
        Line();
        Line("| limit | rate |");
        Line("| --- | --- |");
        Line($"| SQLite commits/s (one writer, one small row each, WAL, synchronous=FULL) | {N(limits.SqliteCommits)} |");
        Line($"| MassTransit on RabbitMQ, messages/s published and consumed (empty message, 32 publishers) | {N(limits.RabbitMq)} |");
        Line($"| MassTransit in memory, the same | {N(limits.InMemory)} |");
        Line($"| CPU | {limits.Cores} cores, {N(limits.Cores * 1000)} ms/s |");
        Line();

        Line("| step | load avg | offered/s | accepted/s | done/s | backlog at end | drained after | to assigned with task p50 / p95 / p99 (s) | to first SMS p50 / p95 / p99 (s) |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in steps)
        {
            var unanswered = (s.Unanswered > 0 ? $" ({s.Unanswered} unanswered: {s.UnansweredWhy})" : "")
                             + (s.Skipped > 0 ? $" ({s.Skipped} leads not offered: 400 posts unanswered at the time)" : "");
            Line($"| {s.Label} | {s.LoadAverage} | {(s.OfferedRate is { } r ? G(r) : "burst")} ({s.Offered}) | {G(s.AcceptedPerSecond)}{unanswered} | {G(s.DonePerSecond)} | " +
                 $"{s.BacklogAtEnd} | {(s.DrainedAfter is { } d ? $"{d:0.0} s" : "not within the limit")} | {Latencies(s, s.ToTask, s.NotTasked)} | {Latencies(s, s.ToSms, s.NoSms)} |");
        }
        Line();

        Line($"What each lead cost, and the share of each limit the step's done/s used (cost × done/s ÷ limit), with the rate that limit alone would allow (limit ÷ cost):");
        Line();
        Line("| step | CPU ms/lead (services) · above idle | CPU share · allows | SaveChanges/lead | SQLite share · allows | messages/lead published · consumed | bus share · allows | conflicts/lead | retries/lead |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in steps)
        {
            var cpu = s.CpuPerLead;
            var saves = s.SavesPerLead;
            var consumed = s.PerLead(s.Consumed);
            var cpuLimit = limits.Cores * 1000.0;
            var aboveIdle = processes.Where(p => p is not (Names.Driver or Names.Broker)).Sum(p => s.AboveIdlePerLead(p, idle));
            Line($"| {s.Label} | {G(cpu)} · {G(aboveIdle)} | {Ratio(cpu * s.DonePerSecond / cpuLimit)} · {G(cpuLimit / cpu)}/s | {G(saves)} | " +
                 $"{Ratio(saves * s.DonePerSecond / limits.SqliteCommits)} · {G(limits.SqliteCommits / saves)}/s | {G(s.PerLead(s.Published))} · {G(consumed)} | " +
                 $"{Ratio(consumed * s.DonePerSecond / busLimit)} · {G(busLimit / consumed)}/s | {G(s.PerLead(s.Conflicts))} | {G(s.PerLead(s.Retries))} |");
        }
        Line();

        Line("CPU milliseconds per lead, per process, and above idle (idle: ms of CPU per second with no lead in flight, measured before the first step):");
        Line();
        Line($"| process | idle ms/s | {string.Join(" | ", steps.Select(s => s.Label))} |");
        Line($"| --- | --- | {string.Join(" | ", steps.Select(_ => "---"))} |");
        foreach (var process in processes)
            Line($"| {process} | {(idle.TryGetValue(process, out var i) ? G(i) : "–")} | " +
                 $"{string.Join(" | ", steps.Select(s => s.CpuMilliseconds.TryGetValue(process, out var ms) ? $"{G(s.PerLead(ms))} · {G(s.AboveIdlePerLead(process, idle))}" : "–"))} |");
        Line();

        Line("SaveChanges and optimistic-concurrency conflicts per lead, per process (EF Core's counters):");
        Line();
        Line($"| process | {string.Join(" | ", steps.Select(s => s.Label))} |");
        Line($"| --- | {string.Join(" | ", steps.Select(_ => "---"))} |");
        foreach (var process in processes.Where(p => steps.Any(s => s.SaveChanges.ContainsKey(p))))
            Line($"| {process} | {string.Join(" | ", steps.Select(s => s.SaveChanges.TryGetValue(process, out var n) ? $"{G(s.PerLead(n))} · {G(s.PerLead(s.ConcurrencyFailures[process]))}" : "–"))} |");
        Line();

        Line("Warnings and errors the processes logged during each step, by cause (per lead in brackets):");
        Line();
        Line("| step | process | kind | cause | count |");
        Line("| --- | --- | --- | --- | --- |");
        foreach (var s in steps)
        {
            var groups = s.Logged.GroupBy(e => (e.Process, e.Kind, e.Cause)).OrderByDescending(g => g.Count()).ToList();
            if (groups.Count == 0)
                Line($"| {s.Label} | | | none | 0 |");
            foreach (var g in groups.Take(12))
                Line($"| {s.Label} | {g.Key.Process} | {g.Key.Kind} | {g.Key.Cause.Replace("|", "\\|")} | {g.Count()} ({G(s.PerLead(g.Count()))}) |");
            if (groups.Count > 12)
                Line($"| {s.Label} | | | {groups.Count - 12} more causes | {groups.Skip(12).Sum(g => g.Count())} |");
        }
        if (notes.Count > 0)
        {
            Line();
            foreach (var note in notes)
                Line($"- {note}");
        }
        return md.ToString();
    }
}
