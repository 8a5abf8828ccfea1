using System.Collections.Concurrent;
using System.Diagnostics;
using Dealership.Faults;
using Dealership.Hosting.Data;
using Microsoft.Data.Sqlite;

namespace Dealership.Load;

/// <summary>When one lead was posted, first shown assigned with its open first-contact task, and got its first SMS.</summary>
public sealed class LeadTiming(long postedAt)
{
    /// <summary>Stopwatch timestamp at which the post began.</summary>
    public long PostedAt { get; } = postedAt;
    /// <summary>Stopwatch timestamp of the poll that first saw the lead view with a consultant and an open first-contact task.</summary>
    public long? TaskedAt { get; set; }
    /// <summary>From the post to the first SMS the notification service handed to its carrier (its own SentAt stamp).</summary>
    public TimeSpan? ToFirstSms { get; set; }
}

/// <summary>
/// Follows every lead the streams post until the lead view shows it assigned with an open first-contact task and its
/// first SMS is sent. Both are read from the services' SQLite files, read-only, as the fault program's checks read them:
/// the lead view is lead-intake's Leads and Tasks rows, exactly what <c>GET /api/leads/{id}</c> answers with, polled
/// (so each time is late by up to one poll interval and the query); the SMS time is notification's own SentAt stamp.
/// </summary>
public sealed class LeadTracker : IAsyncDisposable
{
    private static readonly UtcBinaryConverter Binary = new();
    // Wall clock and Stopwatch read together once, so that the services' stamps and the posts' timestamps compare.
    private static readonly DateTimeOffset AnchorWall = DateTimeOffset.UtcNow;
    private static readonly long AnchorTimestamp = Stopwatch.GetTimestamp();

    private readonly string _leadIntake;
    private readonly string _notification;
    private readonly TimeSpan _interval;
    private readonly List<LeadStream> _streams = [];
    private readonly ConcurrentDictionary<Guid, LeadTiming> _leads = new();
    private readonly ConcurrentDictionary<Guid, LeadTiming> _untasked = new();
    private readonly ConcurrentDictionary<Guid, LeadTiming> _unsent = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeadTracker(string leadIntakeDatabase, string notificationDatabase, TimeSpan interval)
    {
        _leadIntake = leadIntakeDatabase;
        _notification = notificationDatabase;
        _interval = interval;
        _loop = Task.Run(LoopAsync);
    }

    public TimeSpan Interval => _interval;
    public int Polls;
    public string? LastError;

    public void Follow(LeadStream stream)
    {
        lock (_streams)
            _streams.Add(stream);
    }

    public LeadTiming? Of(Guid lead) => _leads.GetValueOrDefault(lead);

    public static DateTimeOffset WallClockOf(long timestamp) => AnchorWall + Stopwatch.GetElapsedTime(AnchorTimestamp, timestamp);

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    Poll();
                    Interlocked.Increment(ref Polls);
                }
                // A service's file may not exist yet, or be busy checkpointing: the next poll reads it.
                catch (SqliteException e)
                {
                    LastError = e.Message;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Poll()
    {
        lock (_streams)
        {
            foreach (var stream in _streams)
                foreach (var (lead, postedAt) in stream.PostedAt)
                {
                    if (_leads.ContainsKey(lead))
                        continue;
                    var timing = new LeadTiming(postedAt);
                    if (_leads.TryAdd(lead, timing))
                    {
                        _untasked[lead] = timing;
                        _unsent[lead] = timing;
                    }
                }
        }
        if (!_untasked.IsEmpty && File.Exists(_leadIntake))
        {
            var since = Since(_untasked.Values);
            var now = Stopwatch.GetTimestamp();
            foreach (var lead in Read(_leadIntake,
                         "SELECT l.Id FROM Leads l WHERE l.CreatedAt >= $since AND l.AssignedConsultantId IS NOT NULL " +
                         "AND EXISTS (SELECT 1 FROM Tasks t WHERE t.LeadId = l.Id AND t.Kind = 'first-contact' AND t.CompletedAt IS NULL)",
                         since, r => Guid.Parse(r.GetString(0))))
            {
                if (_untasked.TryRemove(lead, out var timing))
                    timing.TaskedAt = now;
            }
        }
        if (!_unsent.IsEmpty && File.Exists(_notification))
        {
            var since = Since(_unsent.Values);
            foreach (var (lead, sentAt) in Read(_notification,
                         "SELECT LeadId, MIN(SentAt) FROM SmsMessages WHERE SentAt IS NOT NULL AND CreatedAt >= $since GROUP BY LeadId",
                         since, r => (Guid.Parse(r.GetString(0)), (DateTimeOffset)Binary.ConvertFromProvider(r.GetInt64(1))!)))
            {
                if (_unsent.TryRemove(lead, out var timing))
                    timing.ToFirstSms = sentAt - WallClockOf(timing.PostedAt);
            }
        }
    }

    // Rows of leads posted before the oldest one still awaited need not be read again; a few seconds' margin for the
    // services' clocks, which stamp the rows, against this program's.
    private static long Since(IEnumerable<LeadTiming> waiting) =>
        (long)Binary.ConvertToProvider(WallClockOf(waiting.Min(t => t.PostedAt)) - TimeSpan.FromSeconds(5))!;

    private static List<T> Read<T>(string file, string sql, long since, Func<SqliteDataReader, T> row)
    {
        using var connection = Invariants.Open(file);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$since", since);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(row(reader));
        return rows;
    }

    /// <summary>Waits until every one of <paramref name="leads"/> is tasked and has its SMS, or the limit passes; true when all are.</summary>
    public async Task<bool> WaitForAsync(IReadOnlyCollection<Guid> leads, TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (leads.All(l => _leads.TryGetValue(l, out var t) && t.TaskedAt is not null && t.ToFirstSms is not null))
                return true;
            await Task.Delay(_interval);
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
