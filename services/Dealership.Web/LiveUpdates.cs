using System.Diagnostics;
using System.Globalization;
using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dealership.Web;

/// <summary>
/// Tells the open pages that a dealership's work changed, so a consultant's list refreshes without a
/// reload. The pages then read again through the APIs: what changed is only a cue, never the data.
/// </summary>
/// <remarks>
/// A busy dealership's cues come many a second (a task opened, closed or moved, a visit booked, each its own message),
/// and each refresh reads the page's data again through the APIs. A page therefore refreshes at once when it has not for
/// a <see cref="Spacing"/>, and the cues that come while it refreshes or within the spacing make one refresh after it:
/// never more than one at a time, never a change left unshown.
/// </remarks>
public sealed class LiveUpdates(ILogger<LiveUpdates> logger)
{
    /// <summary>The least time between the starts of two refreshes of one page.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly List<Page> _pages = [];
    private readonly ILogger _logger = logger;

    /// <summary>
    /// Calls <paramref name="changed"/> when work of the dealership changes (any dealership's when it is null),
    /// in the reader's language: the page re-renders on the call's thread, which would otherwise carry the bus's culture.
    /// </summary>
    public IDisposable Watch(Guid? dealershipId, Func<Task> changed)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var page = new Page(this, dealershipId, () =>
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
            return changed();
        });
        lock (_gate)
            _pages.Add(page);
        return page;
    }

    public void WorkChanged(Guid dealershipId)
    {
        List<Page> toTell;
        lock (_gate)
            toTell = [.. _pages.Where(p => p.DealershipId is null || p.DealershipId == dealershipId)];
        foreach (var page in toTell)
            page.Changed();
    }

    private sealed class Page(LiveUpdates live, Guid? dealershipId, Func<Task> refresh) : IDisposable
    {
        private readonly Lock _gate = new();
        private bool _refreshing;
        private bool _again;
        private bool _gone;
        // When the last refresh started; read and written only by the one refresh loop running.
        private long _lastStarted;

        public Guid? DealershipId => dealershipId;

        public void Changed()
        {
            lock (_gate)
            {
                if (_gone)
                    return;
                if (_refreshing)
                {
                    _again = true;
                    return;
                }
                _refreshing = true;
            }
            // A page that has gone away or is slow to refresh must not hold up the others or the message.
            _ = Task.Run(RefreshAsync);
        }

        private async Task RefreshAsync()
        {
            while (true)
            {
                // Also after a quiet refresh: cues that each come just after the last refresh ended are spaced out too.
                // Real time, not the business clock, which a fault program may move.
                var wait = _lastStarted == 0 ? TimeSpan.Zero : Spacing - Stopwatch.GetElapsedTime(_lastStarted);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait);
                lock (_gate)
                {
                    if (_gone)
                    {
                        _refreshing = false;
                        return;
                    }
                    _again = false;
                }
                _lastStarted = Stopwatch.GetTimestamp();
                try
                {
                    await refresh();
                }
                catch (Exception ex)
                {
                    live._logger.LogDebug(ex, "An open page failed to refresh");
                }
                lock (_gate)
                {
                    if (!_again || _gone)
                    {
                        _refreshing = false;
                        return;
                    }
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
                _gone = true;
            lock (live._gate)
                live._pages.Remove(this);
        }
    }
}

/// <summary>
/// Hears of tasks created, completed and moved, visits booked, leads' views and plan figures changed. Each console process has its own short-lived queue, so every
/// instance hears every change; a message missed while none ran costs nothing, as a page reads afresh when opened.
/// </summary>
[IdempotentWithoutInbox("It changes nothing: a second copy only refreshes the open pages once more.")]
public sealed class WorkChangedConsumer(LiveUpdates live) :
    IConsumer<ConsultantTaskCreated>, IConsumer<ConsultantTaskCompleted>, IConsumer<ConsultantTaskReassigned>, IConsumer<AppointmentBooked>,
    IConsumer<LeadViewsChanged>, IConsumer<PlanFiguresChanged>
{
    public Task Consume(ConsumeContext<PlanFiguresChanged> context) => Changed(context.Message.DealershipId);

    public Task Consume(ConsumeContext<LeadViewsChanged> context) => Changed(context.Message.DealershipId);

    public Task Consume(ConsumeContext<AppointmentBooked> context) => Changed(context.Message.DealershipId);

    public Task Consume(ConsumeContext<ConsultantTaskCreated> context) => Changed(context.Message.DealershipId);

    public Task Consume(ConsumeContext<ConsultantTaskCompleted> context) => Changed(context.Message.DealershipId);

    public Task Consume(ConsumeContext<ConsultantTaskReassigned> context) => Changed(context.Message.DealershipId);

    private Task Changed(Guid dealershipId)
    {
        live.WorkChanged(dealershipId);
        return Task.CompletedTask;
    }
}
