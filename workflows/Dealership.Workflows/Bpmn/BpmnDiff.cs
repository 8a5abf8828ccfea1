namespace Dealership.Workflows.Bpmn;

public enum ChangeKind { Added, Removed, Changed }

/// <summary>
/// One element that differs between two versions, by id: what kind of element it is (in the newer version, or the older
/// one when removed), and for a changed element which of its properties differ.
/// </summary>
public sealed record ElementChange(string Id, ChangeKind Change, string Type, string? Name, IReadOnlyList<string> Properties);

/// <summary>One sequence flow that differs, by id, with where it goes in the newer version (the older one when removed).</summary>
public sealed record FlowChange(string Id, ChangeKind Change, string SourceId, string TargetId, IReadOnlyList<string> Properties);

public sealed record ProcessDiff(IReadOnlyList<ElementChange> Elements, IReadOnlyList<FlowChange> Flows)
{
    public bool IsEmpty => Elements.Count == 0 && Flows.Count == 0;
}

/// <summary>
/// Compares two versions of a process element by element and flow by flow, by id, as the designer draws them: the layout
/// is not compared, only what the engine would run differently (and the names people read).
/// </summary>
public static class BpmnDiff
{
    public static ProcessDiff Compare(ProcessModel from, ProcessModel to)
    {
        var elements = new List<ElementChange>();
        foreach (var element in to.Elements.Values.OrderBy(e => e.Line))
        {
            if (!from.Elements.TryGetValue(element.Id, out var old))
                elements.Add(new ElementChange(element.Id, ChangeKind.Added, TypeOf(element), element.Name, []));
            else if (Differences(old, element) is { Count: > 0 } properties)
                elements.Add(new ElementChange(element.Id, ChangeKind.Changed, TypeOf(element), element.Name, properties));
        }
        foreach (var old in from.Elements.Values.Where(e => !to.Elements.ContainsKey(e.Id)).OrderBy(e => e.Line))
            elements.Add(new ElementChange(old.Id, ChangeKind.Removed, TypeOf(old), old.Name, []));

        var flows = new List<FlowChange>();
        foreach (var flow in to.Flows.Values)
        {
            if (!from.Flows.TryGetValue(flow.Id, out var old))
            {
                flows.Add(new FlowChange(flow.Id, ChangeKind.Added, flow.SourceId, flow.TargetId, []));
                continue;
            }
            var properties = new List<string>();
            if (old.SourceId != flow.SourceId) properties.Add("source");
            if (old.TargetId != flow.TargetId) properties.Add("target");
            if (Raw(old.Condition) != Raw(flow.Condition)) properties.Add("condition");
            if (IsDefault(from, old) != IsDefault(to, flow)) properties.Add("default");
            if (properties.Count > 0)
                flows.Add(new FlowChange(flow.Id, ChangeKind.Changed, flow.SourceId, flow.TargetId, properties));
        }
        foreach (var old in from.Flows.Values.Where(f => !to.Flows.ContainsKey(f.Id)))
            flows.Add(new FlowChange(old.Id, ChangeKind.Removed, old.SourceId, old.TargetId, []));
        return new ProcessDiff(elements, flows);
    }

    /// <summary>The element's type as a person would name it: its BPMN element, and its event definition where it has one.</summary>
    public static string TypeOf(FlowElement element) => element.EventKind is EventKind.None or EventKind.Unsupported || element.Kind == ElementKind.ReceiveTask
        ? element.XmlName
        : $"{element.XmlName}:{element.EventKind.ToString().ToLowerInvariant()}";

    private static List<string> Differences(FlowElement a, FlowElement b)
    {
        var properties = new List<string>();
        void Compare(string property, object? x, object? y)
        {
            if (!Equals(x, y))
                properties.Add(property);
        }

        Compare("type", TypeOf(a), TypeOf(b));
        Compare("name", a.Name?.Trim(), b.Name?.Trim());
        Compare("timer", Timer(a), Timer(b));
        Compare("message", Message(a), Message(b));
        Compare("inputs", Mappings(a.Inputs), Mappings(b.Inputs));
        Compare("outputs", Mappings(a.Outputs), Mappings(b.Outputs));
        Compare("parent", a.Parent?.Id, b.Parent?.Id);
        if (a is BoundaryEventElement ba && b is BoundaryEventElement bb)
        {
            Compare("attachedTo", ba.AttachedToId, bb.AttachedToId);
            Compare("interrupting", ba.CancelActivity, bb.CancelActivity);
        }
        if (a is GatewayElement ga && b is GatewayElement gb)
            Compare("defaultFlow", ga.DefaultFlowId, gb.DefaultFlowId);
        if (a is TaskElement ta && b is TaskElement tb)
        {
            Compare("taskType", Raw(ta.TaskType), Raw(tb.TaskType));
            Compare("retries", ta.Retries, tb.Retries);
            Compare("assignment", $"{Raw(ta.Assignee)}|{Raw(ta.CandidateGroups)}", $"{Raw(tb.Assignee)}|{Raw(tb.CandidateGroups)}");
            Compare("dueDate", Raw(ta.DueDate), Raw(tb.DueDate));
            Compare("followUpDate", Raw(ta.FollowUpDate), Raw(tb.FollowUpDate));
            Compare("documentation", ta.Documentation, tb.Documentation);
            // The outcomes a consultant records are a header of ours, but the designer shows them as their own property.
            Compare("outcomes", ta.Headers.GetValueOrDefault("outcomes"), tb.Headers.GetValueOrDefault("outcomes"));
            Compare("headers", Headers(ta), Headers(tb));
        }
        return properties;
    }

    private static string? Raw(ZeebeValue? value) => value?.Raw.Trim();

    private static string? Timer(FlowElement e) => e.Timer is { } t ? $"{t.Kind}:{Raw(t.Value)}" : null;

    private static string? Message(FlowElement e) => e.Message is { } m ? $"{m.Name}|{Raw(m.CorrelationKey)}" : null;

    private static string Mappings(List<Mapping> mappings) => string.Join(";", mappings.Select(m => $"{Raw(m.Source)}->{m.Target}"));

    private static string Headers(TaskElement task) =>
        string.Join(";", task.Headers.Where(h => h.Key != "outcomes").OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"));

    private static bool IsDefault(ProcessModel process, SequenceFlow flow) =>
        process.Elements.GetValueOrDefault(flow.SourceId) is GatewayElement { DefaultFlowId: { } id } && id == flow.Id;
}
