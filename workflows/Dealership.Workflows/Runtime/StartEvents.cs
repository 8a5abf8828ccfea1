using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Runtime;

/// <summary>How the host starts instances from message and timer start events.</summary>
public static class StartEvents
{
    public static FlowElement? ForMessage(ProcessModel process, string messageName) =>
        process.TopLevel.FirstOrDefault(e => e.Kind == ElementKind.StartEvent && e.EventKind == EventKind.Message && e.Message?.Name == messageName);

    public static IEnumerable<FlowElement> Timers(ProcessModel process) =>
        process.TopLevel.Where(e => e.Kind == ElementKind.StartEvent && e.EventKind == EventKind.Timer && e.Timer is not null);

    /// <summary>
    /// When a timer start event fires for the (<paramref name="fired"/>+1)th time, counting from when
    /// its version was published; null when it fires no more.
    /// </summary>
    public static DateTimeOffset? NextDue(FlowElement start, DateTimeOffset publishedAt, int fired, TimeProvider clock)
    {
        var timer = start.Timer ?? throw new ArgumentException($"'{start.Id}' is not a timer start event.", nameof(start));
        var value = timer.Value.Evaluate(_ => (JsonNode?)null, clock);
        if (timer.Kind == TimerKind.Date)
        {
            if (fired > 0)
                return null;
            return FeelValues.TryAsDateTime(value, out var d) || (value is string s && FeelValues.TryParseDateTime(s, out d))
                ? d
                : throw new FeelEvaluationException($"The timer of '{start.Id}' gave {FeelValues.Describe(value)}, not a date and time.");
        }
        if (value is not string text || !TimerValues.TryReadCycle(text, out var cycle, out var error))
            throw new FeelEvaluationException($"The timer of '{start.Id}' gave {FeelValues.Describe(value)}, not a cycle such as R/P1D.");
        if (cycle!.Repetitions is { } n && fired >= n)
            return null;
        var first = cycle.Start ?? publishedAt + cycle.Interval;
        return first + cycle.Interval * fired;
    }
}
