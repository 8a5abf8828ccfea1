using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Runtime;

public sealed partial class WorkflowEngine
{
    /// <summary>
    /// Fires a timer that is due. Returns false, changing nothing, when the timer no longer exists
    /// (already fired, or withdrawn) or is not yet due: a timer never fires early.
    /// </summary>
    public async Task<bool> FireTimerAsync(ProcessModel process, WorkflowInstance instance, long timerKey, CancellationToken cancellationToken = default)
    {
        var timer = instance.Timers.FirstOrDefault(t => t.Key == timerKey);
        if (timer is null || timer.DueAt > clock.GetUtcNow() || instance.Status != InstanceStatus.Active)
            return false;
        await Resume(process, instance, cancellationToken, run =>
        {
            run.Log(timer.ElementId, timer.ElementInstanceKey, "timer-fired", detail: $"due {FeelValues.FormatDateTime(timer.DueAt)}");
            run.Trigger(timer.ElementInstanceKey, process.Element(timer.ElementId), timer, null);
        });
        return true;
    }

    /// <summary>Fires every timer of the instance that is due now; returns how many fired.</summary>
    public async Task<int> FireDueTimersAsync(ProcessModel process, WorkflowInstance instance, CancellationToken cancellationToken = default)
    {
        var fired = 0;
        while (instance.Timers.Where(t => t.DueAt <= clock.GetUtcNow()).OrderBy(t => t.DueAt).FirstOrDefault() is { } due)
        {
            if (!await FireTimerAsync(process, instance, due.Key, cancellationToken))
                break;
            fired++;
        }
        return fired;
    }

    private sealed partial class Run
    {
        private void OpenTimer(ElementInstance owner, FlowElement eventElement)
        {
            var timer = eventElement.Timer ?? throw new IncidentException("unsupported", $"'{eventElement.Id}' has no timer definition.");
            var value = EvaluateValue(timer.Value, owner, "timer");
            var now = Now;
            var wait = new TimerWait { Key = instance.NewKey(), ElementInstanceKey = owner.Key, ElementId = eventElement.Id };
            switch (timer.Kind)
            {
                case TimerKind.Duration:
                    wait.DueAt = now + value switch
                    {
                        TimeSpan t => t,
                        string s when FeelValues.TryParseDuration(s, out var t, out _) => t,
                        _ => throw new IncidentException("expression", $"The timer \"{timer.Value.Raw.Trim()}\" gave {FeelValues.Describe(value)}, not a duration."),
                    };
                    break;
                case TimerKind.Date:
                    wait.DueAt = value is not null && FeelValues.TryAsDateTime(value, out var d) ? d
                        : value is string text && FeelValues.TryParseDateTime(text, out d) ? d
                        : throw new IncidentException("expression", $"The timer \"{timer.Value.Raw.Trim()}\" gave {FeelValues.Describe(value)}, not a date and time.");
                    break;
                default:
                    if (value is not string cycleText || !TimerValues.TryReadCycle(cycleText, out var cycle, out var error))
                        throw new IncidentException("expression", $"The timer \"{timer.Value.Raw.Trim()}\" gave {FeelValues.Describe(value)}, not a cycle such as R3/PT1H.");
                    wait.DueAt = cycle!.Start is { } first && first > now ? first : now + cycle.Interval;
                    wait.Interval = cycle.Interval;
                    wait.RemainingRepetitions = cycle.Repetitions - 1;
                    break;
            }
            instance.Timers.Add(wait);
            Log(eventElement.Id, owner.Key, "timer-scheduled", detail: $"due {FeelValues.FormatDateTime(wait.DueAt)}");
        }

        private void RearmOrRemove(TimerWait timer)
        {
            if (timer.Interval is not { } interval || timer.RemainingRepetitions is 0)
            {
                instance.Timers.Remove(timer);
                return;
            }
            // After downtime a cycle fires once, late, then keeps its rhythm from now: no burst of missed fires.
            var next = timer.DueAt + interval;
            timer.DueAt = next > Now ? next : Now + interval;
            if (timer.RemainingRepetitions is { } left)
                timer.RemainingRepetitions = left - 1;
            timer.Key = instance.NewKey();
            Log(timer.ElementId, timer.ElementInstanceKey, "timer-scheduled", detail: $"due {FeelValues.FormatDateTime(timer.DueAt)}");
        }
    }
}
