using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Dealership.Load;

/// <summary>CPU time a process has used so far, user and system, from /proc/&lt;pid&gt;/stat.</summary>
public static class ProcessCpu
{
    // /proc reports utime and stime in USER_HZ, which the kernel keeps at 100 whatever its own tick rate.
    private const double TicksPerSecond = 100;

    /// <summary>Milliseconds of CPU, or null when the process is gone.</summary>
    public static double? Milliseconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces and parentheses: the fields are counted after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of the whole line (utime, stime) are 11 and 12 after the name, from 0.
            return (long.Parse(fields[11]) + long.Parse(fields[12])) * 1000 / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

/// <summary>
/// EF Core's own counters in a running service process (the <c>Microsoft.EntityFrameworkCore</c> event counters, read
/// over the runtime's diagnostics port as dotnet-counters reads them): SaveChanges calls, each one SQLite transaction,
/// and optimistic-concurrency failures, which a service retries in place without logging them.
/// </summary>
public sealed class EfCounters : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Task _reader;
    private double _saveChanges;
    private double _concurrencyFailures;
    private int _reports;

    private EfCounters(EventPipeSession session)
    {
        _session = session;
        _reader = Task.Run(Read);
    }

    public double SaveChanges => Volatile.Read(ref _saveChanges);
    public double ConcurrencyFailures => Volatile.Read(ref _concurrencyFailures);
    /// <summary>How many reports arrived: zero means the figures above are not known.</summary>
    public int Reports => Volatile.Read(ref _reports);

    public static EfCounters? Attach(int pid, out string? why)
    {
        try
        {
            var session = new DiagnosticsClient(pid).StartEventPipeSession(
                [new EventPipeProvider("Microsoft.EntityFrameworkCore", EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" })],
                requestRundown: false);
            why = null;
            return new EfCounters(session);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or TimeoutException or IOException)
        {
            why = e.Message;
            return null;
        }
    }

    private void Read()
    {
        try
        {
            using var source = new EventPipeEventSource(_session.EventStream);
            source.Dynamic.All += e =>
            {
                if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer
                    || outer["Payload"] is not IDictionary<string, object> payload)
                    return;
                var value = payload.TryGetValue("Mean", out var mean) ? Convert.ToDouble(mean) : double.NaN;
                switch (payload["Name"] as string)
                {
                    case "total-save-changes":
                        Volatile.Write(ref _saveChanges, value);
                        Interlocked.Increment(ref _reports);
                        break;
                    case "total-optimistic-concurrency-failures":
                        Volatile.Write(ref _concurrencyFailures, value);
                        break;
                }
            };
            source.Process();
        }
        // The process ended or the session was stopped: the last figures stay.
        catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException or InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or IOException or TimeoutException or ObjectDisposedException)
        {
        }
        _reader.Wait(TimeSpan.FromSeconds(5));
        _session.Dispose();
    }
}

/// <summary>One warning or error a process logged: what kind, its cause in a few words, and whether it was a write conflict.</summary>
public sealed record LogEvent(long At, string Process, string Kind, string Cause, bool Conflict);

/// <summary>
/// Reads the processes' console logs (ASP.NET Core's simple format: a "warn: Category[id]" line, then the message and the
/// exception indented) and keeps each warning and error as one event: MassTransit's retries (R-RETRY) and faults
/// (R-FAULT, the message goes to _error), EF Core's failed saves, and the rest, each with the exception that caused it.
/// </summary>
public sealed partial class LogTally
{
    private readonly ConcurrentQueue<LogEvent> _events = new();
    private readonly Dictionary<string, Entry> _open = [];

    private sealed class Entry(long at, string level, string category)
    {
        public long At { get; } = at;
        public string Level { get; } = level;
        public string Category { get; } = category;
        public List<string> Lines { get; } = [];
    }

    [GeneratedRegex(@"^(trce|dbug|info|warn|fail|crit): (\S+?)\[\d+\]")]
    private static partial Regex Header();

    [GeneratedRegex(@"^\s*(?:---> )?(?<type>[A-Za-z_][\w.`]*Exception)(?: \(0x[0-9A-Fa-f]+\))?(?::\s*(?<message>.*))?$")]
    private static partial Regex ExceptionLine();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}")]
    private static partial Regex Id();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();

    public IEnumerable<LogEvent> Events => _events;

    /// <summary>Takes one line of a process's output; called on the reader threads of that process.</summary>
    public void Line(string process, string line)
    {
        lock (_open)
        {
            var header = Header().Match(line);
            if (header.Success)
            {
                Close(process);
                _open[process] = new Entry(Stopwatch.GetTimestamp(), header.Groups[1].Value, header.Groups[2].Value);
            }
            else if (_open.TryGetValue(process, out var entry) && entry.Lines.Count < 60)
            {
                entry.Lines.Add(line);
            }
        }
    }

    /// <summary>Ends every entry still being read, so that what was logged up to now is counted.</summary>
    public void Flush()
    {
        lock (_open)
            foreach (var process in _open.Keys.ToList())
                Close(process);
    }

    private void Close(string process)
    {
        if (!_open.Remove(process, out var entry) || entry.Level is "trce" or "dbug" or "info")
            return;
        var text = string.Join('\n', entry.Lines);
        var kind = text.Contains("R-RETRY") ? "retry"
            : text.Contains("R-FAULT") ? "fault (to _error)"
            : entry.Category.StartsWith("Microsoft.EntityFrameworkCore.Update") ? "save failed"
            : entry.Level == "warn" ? "other warning" : "other error";
        var conflict = text.Contains("DbUpdateConcurrencyException") || text.Contains("UNIQUE constraint failed");
        var cause = Cause(entry);
        // Where a warning of no known kind comes from is half of what it says.
        if (kind.StartsWith("other") && !cause.StartsWith(entry.Category))
            cause = $"{entry.Category}: {cause}";
        _events.Enqueue(new LogEvent(entry.At, process, kind, cause, conflict));
    }

    // The innermost exception with its message, ids and numbers taken out so that one cause is one line; without an
    // exception, the category and the message's first line.
    private static string Cause(Entry entry)
    {
        var exceptions = entry.Lines.Select(l => (Line: l.TrimStart(), Match: ExceptionLine().Match(l))).Where(x => x.Match.Success).ToList();
        var innermost = exceptions.Where(x => x.Line.StartsWith("--->")).Select(x => x.Match).LastOrDefault()
                        ?? exceptions.Select(x => x.Match).FirstOrDefault();
        string? cause = null;
        if (innermost is not null)
        {
            var type = innermost.Groups["type"].Value;
            cause = $"{type[(type.LastIndexOf('.') + 1)..]}: {innermost.Groups["message"].Value}";
        }
        cause ??= $"{entry.Category}: {entry.Lines.FirstOrDefault(l => !l.TrimStart().StartsWith("=>"))?.Trim()}";
        cause = Number().Replace(Id().Replace(cause, "{id}"), "N");
        return cause.Length > 140 ? cause[..140] + "…" : cause;
    }

    public List<LogEvent> Between(long from, long to) => _events.Where(e => e.At >= from && e.At < to).ToList();
}
