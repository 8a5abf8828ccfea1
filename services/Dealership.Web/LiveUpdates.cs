using System.Globalization;
using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;

namespace Dealership.Web;

/// <summary>
/// Tells the open pages that a dealership's work changed, so a consultant's list refreshes without a
/// reload. The pages then read again through the APIs: what changed is only a cue, never the data.
/// </summary>
public sealed class LiveUpdates
{
    private readonly Lock _gate = new();
    private readonly List<(Guid? DealershipId, Func<Task> Changed)> _pages = [];

    /// <summary>
    /// Calls <paramref name="changed"/> when work of the dealership changes (any dealership's when it is null),
    /// in the reader's language: the page re-renders on the call's thread, which would otherwise carry the bus's culture.
    /// </summary>
    public IDisposable Watch(Guid? dealershipId, Func<Task> changed)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var entry = (dealershipId, (Func<Task>)(() =>
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
            return changed();
        }));
        lock (_gate)
            _pages.Add(entry);
        return new Unwatch(() => { lock (_gate) _pages.Remove(entry); });
    }

    public void WorkChanged(Guid dealershipId)
    {
        List<Func<Task>> toTell;
        lock (_gate)
            toTell = [.. _pages.Where(p => p.DealershipId is null || p.DealershipId == dealershipId).Select(p => p.Changed)];
        // A page that has gone away or fails to refresh must not hold up the others or the message.
        foreach (var changed in toTell)
            _ = Task.Run(changed);
    }

    private sealed class Unwatch(Action action) : IDisposable
    {
        public void Dispose() => action();
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
