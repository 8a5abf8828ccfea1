using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Dealership.Faults;

/// <summary>
/// A steady stream of new leads posted to lead-intake's public HTTP intake with the demo integration key, as an OEM's
/// system would post them: one every 1/rate seconds, each with its own external id and phone number (so none merges).
/// </summary>
public sealed class LeadStream : IAsyncDisposable
{
    // Beyond this many unanswered posts the stream stops offering more rather than piling up sockets; each skipped tick is counted.
    private const int MaxInFlight = 400;

    private readonly HttpClient _http;
    private readonly double _rate;
    private readonly string _run;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile bool _paused = true;
    private int _inFlight;
    private int _next;
    private readonly int _first;

    /// <param name="firstLead">
    /// The number the stream counts its leads from: a second stream of one run starts past the first one's last,
    /// so that no lead of it shares a phone number (and merges) with one posted before.
    /// </param>
    public LeadStream(Uri leadIntake, double rate, string run, int firstLead = 0)
    {
        _http = new HttpClient { BaseAddress = leadIntake, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", "demo-oem-key");
        _rate = rate;
        _run = run;
        _next = firstLead;
        _first = firstLead;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>External id → the lead id lead-intake answered with (201 or 200).</summary>
    public ConcurrentDictionary<string, Guid> Accepted { get; } = new();
    /// <summary>Posts that got no lead back (refused, 5xx, timed out): lead-intake may or may not have stored them.</summary>
    public ConcurrentDictionary<string, string> Unanswered { get; } = new();
    /// <summary>When each post was answered with a lead, for the rate over a window.</summary>
    public ConcurrentQueue<long> AcceptedAt { get; } = new();
    public ConcurrentQueue<long> FailedAt { get; } = new();
    /// <summary>Lead id → when its post began (Stopwatch timestamp): the moment the customer's enquiry was submitted.</summary>
    public ConcurrentDictionary<Guid, long> PostedAt { get; } = new();
    public int Offered => Volatile.Read(ref _next) - _first;
    /// <summary>The number of the last lead offered: where a later stream of the same run starts counting.</summary>
    public int LastLead => Volatile.Read(ref _next);
    public int Skipped;

    public void Resume() => _paused = false;

    /// <summary>Stops offering new leads and waits for the posts under way to be answered.</summary>
    public async Task PauseAsync()
    {
        _paused = true;
        while (Volatile.Read(ref _inFlight) > 0)
            await Task.Delay(100);
    }

    /// <summary>
    /// Posts <paramref name="count"/> leads as fast as the intake answers, at most <paramref name="concurrency"/> at once
    /// (the stream's steady ticks keep running if resumed), and returns when every post is answered.
    /// </summary>
    public async Task BurstAsync(int count, int concurrency)
    {
        using var slots = new SemaphoreSlim(concurrency);
        var posts = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await slots.WaitAsync();
            Interlocked.Increment(ref _inFlight);
            posts.Add(PostAsync(Interlocked.Increment(ref _next)).ContinueWith(_ => slots.Release(), TaskScheduler.Default));
        }
        await Task.WhenAll(posts);
    }

    public int AcceptedSince(long timestamp) => AcceptedAt.Count(t => t >= timestamp);
    public int FailedSince(long timestamp) => FailedAt.Count(t => t >= timestamp);

    private async Task LoopAsync()
    {
        var interval = TimeSpan.FromSeconds(1 / _rate);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(50, interval.TotalMilliseconds))));
        var due = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (_paused)
                {
                    due = Stopwatch.GetTimestamp();
                    continue;
                }
                // Catch up to the schedule: the timer's ticks are coarser than one lead at high rates.
                while (Stopwatch.GetTimestamp() >= due)
                {
                    due += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                    if (Volatile.Read(ref _inFlight) >= MaxInFlight)
                    {
                        Interlocked.Increment(ref Skipped);
                        continue;
                    }
                    Interlocked.Increment(ref _inFlight);
                    _ = PostAsync(Interlocked.Increment(ref _next));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PostAsync(int n)
    {
        var externalId = $"FLT-{_run}-{n}";
        var posted = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.PostAsJsonAsync("/api/leads", new
            {
                dealershipCode = "DEMO01", name = $"故障测试{n}", phone = Phone(n), source = "oem", externalId,
                vehicleOfInterest = "ID.4", consent = new { sms = true, phone = true, source = "OEM web form" },
            });
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                var lead = await response.Content.ReadFromJsonAsync<Submitted>();
                PostedAt[lead!.Id] = posted;
                Accepted[externalId] = lead.Id;
                Unanswered.TryRemove(externalId, out _);
                AcceptedAt.Enqueue(Stopwatch.GetTimestamp());
            }
            else
            {
                Unanswered[externalId] = ((int)response.StatusCode).ToString();
                FailedAt.Enqueue(Stopwatch.GetTimestamp());
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Unanswered[externalId] = e is TaskCanceledException ? "timeout" : "connection refused or reset";
            FailedAt.Enqueue(Stopwatch.GetTimestamp());
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>A valid Chinese mobile number of its own for lead n.</summary>
    public static string Phone(int n) => $"139{n:D8}";

    private sealed record Submitted(Guid Id, string Outcome, bool Duplicate);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _http.Dispose();
    }
}
