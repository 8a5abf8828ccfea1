using System.Diagnostics;
using Dealership.Tests.Support;
using Dealership.Web;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dealership.Tests.Web;

/// <summary>
/// What an open page of the console does when its dealership's work changes: it refreshes, one refresh at a time, at
/// most once per spacing for a burst of changes, and always once after the last change it was told of.
/// </summary>
public sealed class Live_updates_Specs
{
    private readonly LiveUpdates _live = new(NullLogger<LiveUpdates>.Instance);

    [Fact]
    public async Task Should_refresh_a_page_a_few_times_at_most_for_a_hundred_changes_at_once_and_after_the_last_of_them()
    {
        var dealershipId = Guid.NewGuid();
        var page = new OpenPage { HoldFirst = true };
        using var watch = _live.Watch(dealershipId, page.RefreshAsync);

        page.Told();
        _live.WorkChanged(dealershipId);
        await Eventually.Get(() => Task.FromResult(page.Refreshes), n => n == 1, because: "the first change should refresh the page at once");
        // The rest come while that refresh is still reading, as they do under a burst.
        for (var i = 1; i < 100; i++)
        {
            page.Told();
            _live.WorkChanged(dealershipId);
        }
        Assert.Equal(1, page.Refreshes);
        page.Release();

        await Eventually.Get(() => Task.FromResult(page.LastRefreshSawTold), told => told == 100,
            because: "the page should read its data again after the last change it was told of");
        Assert.InRange(page.Refreshes, 1, 3);
        Assert.Equal(1, page.MostAtOnce);
    }

    [Fact]
    public async Task Should_space_out_the_refreshes_of_cues_that_each_come_after_the_last_refresh_ended()
    {
        var dealershipId = Guid.NewGuid();
        var page = new OpenPage();
        using var watch = _live.Watch(dealershipId, page.RefreshAsync);

        // As under a steady stream of tasks: each cue comes once the page has refreshed for the one before.
        for (var told = 1; told <= 3; told++)
        {
            page.Told();
            _live.WorkChanged(dealershipId);
            await Eventually.Get(() => Task.FromResult(page.LastRefreshSawTold), seen => seen == told,
                because: $"the page should refresh for change {told}");
        }

        var starts = page.Starts;
        Assert.Equal(3, starts.Count);
        // A little under the spacing: the runtime's timers keep a coarser clock than the Stopwatch, so a wait may end a few ms early by it.
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.True(pair.Second - pair.First >= LiveUpdates.Spacing - TimeSpan.FromMilliseconds(20),
            $"two refreshes started {(pair.Second - pair.First).TotalMilliseconds:0} ms apart"));
    }

    [Fact]
    public async Task Should_refresh_the_pages_of_the_dealership_and_those_of_every_dealership_only()
    {
        var (ours, theirs) = (Guid.NewGuid(), Guid.NewGuid());
        var (ourPage, theirPage, networkPage) = (new OpenPage(), new OpenPage(), new OpenPage());
        using var a = _live.Watch(ours, ourPage.RefreshAsync);
        using var b = _live.Watch(theirs, theirPage.RefreshAsync);
        using var c = _live.Watch(null, networkPage.RefreshAsync);

        _live.WorkChanged(ours);

        await Eventually.Get(() => Task.FromResult((ourPage.Refreshes, networkPage.Refreshes)), n => n is (1, 1),
            because: "the dealership's page and the network-wide page should refresh");
        Assert.Equal(0, theirPage.Refreshes);
    }

    [Fact]
    public async Task Should_not_refresh_a_page_that_was_closed()
    {
        var dealershipId = Guid.NewGuid();
        var (closed, open) = (new OpenPage(), new OpenPage());
        _live.Watch(dealershipId, closed.RefreshAsync).Dispose();
        using var watch = _live.Watch(dealershipId, open.RefreshAsync);

        _live.WorkChanged(dealershipId);

        await Eventually.Get(() => Task.FromResult(open.Refreshes), n => n == 1, because: "the open page should refresh");
        Assert.Equal(0, closed.Refreshes);
    }

    [Fact]
    public async Task Should_keep_refreshing_a_page_after_a_refresh_failed()
    {
        var dealershipId = Guid.NewGuid();
        var page = new OpenPage { FailFirst = true };
        using var watch = _live.Watch(dealershipId, page.RefreshAsync);

        page.Told();
        _live.WorkChanged(dealershipId);
        await Eventually.Get(() => Task.FromResult(page.Refreshes), n => n == 1, because: "the first refresh should have been tried");
        page.Told();
        _live.WorkChanged(dealershipId);

        await Eventually.Get(() => Task.FromResult(page.LastRefreshSawTold), told => told == 2,
            because: "a page whose refresh failed should still refresh on the next change");
    }

    /// <summary>A page that notes what each refresh saw; its first refresh may be held, as a slow read through the APIs is.</summary>
    private sealed class OpenPage
    {
        private int _told;
        private int _refreshes;
        private int _now;
        private int _most;
        private int _lastSaw;
        private static readonly long Origin = Stopwatch.GetTimestamp();
        private readonly List<TimeSpan> _starts = [];

        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool FailFirst { get; init; }
        public bool HoldFirst { get; init; }
        public int Refreshes => Volatile.Read(ref _refreshes);
        public int MostAtOnce => Volatile.Read(ref _most);
        public int LastRefreshSawTold => Volatile.Read(ref _lastSaw);

        /// <summary>When each refresh started, on the machine's monotonic clock.</summary>
        public IReadOnlyList<TimeSpan> Starts
        {
            get
            {
                lock (_starts)
                    return [.. _starts];
            }
        }

        public void Told() => Interlocked.Increment(ref _told);

        public void Release() => _released.SetResult();

        public async Task RefreshAsync()
        {
            var saw = Volatile.Read(ref _told);
            lock (_starts)
                _starts.Add(Stopwatch.GetElapsedTime(Origin));
            var count = Interlocked.Increment(ref _refreshes);
            var now = Interlocked.Increment(ref _now);
            InterlockedMax(ref _most, now);
            try
            {
                if (HoldFirst && count == 1)
                    await _released.Task;
                if (FailFirst && count == 1)
                    throw new HttpRequestException("The lead service did not answer.");
                Volatile.Write(ref _lastSaw, saw);
            }
            finally
            {
                Interlocked.Decrement(ref _now);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
