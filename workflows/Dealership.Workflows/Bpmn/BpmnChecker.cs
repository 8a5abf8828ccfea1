namespace Dealership.Workflows.Bpmn;

public sealed record ElementReport(string ElementId, string ElementType, string? Name, int Line, bool Supported, IReadOnlyList<string> Reasons);

public sealed record CheckReport(IReadOnlyList<string> Problems, IReadOnlyList<ElementReport> Elements)
{
    /// <summary>True when nothing in the file is outside what the engine runs: it may be published.</summary>
    public bool IsPublishable => Problems.Count == 0 && Elements.All(e => e.Supported);

    public IEnumerable<ElementReport> Findings => Elements.Where(e => !e.Supported);

    public override string ToString() => string.Join(Environment.NewLine,
        Problems.Concat(Findings.Select(f => $"{f.ElementId} ({f.ElementType}): {string.Join("; ", f.Reasons)}")));
}

/// <summary>
/// Tells, element by element, whether the engine runs a definition. Whatever it refuses is refused
/// at publish time, so a running instance never meets an element it cannot execute.
/// </summary>
public static class BpmnChecker
{
    public static CheckReport Check(BpmnDefinition definition, Func<string, bool> isKnownTaskType)
    {
        var problems = new List<string>(definition.Problems);
        var reports = new List<ElementReport>();
        var process = definition.MainProcess;
        if (process is not null)
            CheckProcess(process, problems, reports, isKnownTaskType);
        foreach (var (id, holders) in definition.DuplicateIds)
        {
            reports.Add(new ElementReport(id, holders[0].XmlName, null, holders[0].Line, false,
                [$"{holders.Count} elements carry the id '{id}' ({string.Join(", ", holders.Select(h => $"{h.XmlName} on line {h.Line}"))}); "
                 + "ids must be unique, or one element silently takes the other's place."]));
        }
        return new CheckReport(problems, OnePerId(reports));
    }

    private static void CheckProcess(ProcessModel process, List<string> problems, List<ElementReport> reports, Func<string, bool> isKnownTaskType)
    {
        if (process.ReadProblems.Count > 0)
            reports.Add(new ElementReport(process.Id, "process", process.Name, process.Line, false, [.. process.ReadProblems]));

        foreach (var flow in process.Flows.Values)
        {
            var reasons = new List<string>(flow.ReadProblems);
            if (flow.Source is null)
                reasons.Add($"Its source '{flow.SourceId}' is not an element of the process.");
            if (flow.Target is null)
                reasons.Add($"Its target '{flow.TargetId}' is not an element of the process.");
            if (flow.Source is not null && flow.Target is not null && flow.Source.Parent != flow.Target.Parent)
                reasons.Add("It crosses the border of a sub-process.");
            if (flow.Condition?.Error is { } error)
                reasons.Add($"Bad FEEL in the condition: {error.Message}.");
            if (flow.Condition is not null && flow.Source is not null && flow.Source.Kind != ElementKind.ExclusiveGateway)
                reasons.Add("Conditions are supported only on flows leaving an exclusive gateway.");
            if (flow.Source is GatewayElement { DefaultFlowId: var d } && d == flow.Id && flow.Condition is not null)
                reasons.Add("The default flow of a gateway has no condition.");
            reports.Add(new ElementReport(flow.Id, "sequenceFlow", null, flow.Line, reasons.Count == 0, reasons));
        }

        if (!process.TopLevel.Any(e => e.Kind == ElementKind.StartEvent))
            problems.Add($"Process '{process.Id}' has no start event.");

        foreach (var element in process.Elements.Values)
        {
            var reasons = new List<string>(element.ReadProblems);
            CheckElement(element, reasons, isKnownTaskType);
            reports.Add(new ElementReport(element.Id, element.XmlName, element.Name, element.Line, reasons.Count == 0, reasons));
        }
    }

    // The designer and the publish refusal look findings up by element id: a duplicate id, or elements without
    // one, are told once, with every reason.
    private static List<ElementReport> OnePerId(List<ElementReport> reports) =>
    [
        .. reports.GroupBy(r => r.ElementId).Select(g => g.Count() == 1 ? g.First() : new ElementReport(
            g.Key, string.Join(" / ", g.Select(r => r.ElementType).Distinct()), g.Select(r => r.Name).FirstOrDefault(n => n is not null),
            g.First().Line, g.All(r => r.Supported), [.. g.SelectMany(r => r.Reasons).Distinct()])),
    ];

    private static void CheckElement(FlowElement element, List<string> reasons, Func<string, bool> isKnownTaskType)
    {
        if (element.Kind == ElementKind.Unsupported)
        {
            reasons.Add($"The element type {element.XmlName} is not supported.");
            return;
        }
        if (element.EventKind == EventKind.Unsupported)
            reasons.Add($"A {element.UnsupportedEventDefinition} is not supported.");
        if (string.IsNullOrEmpty(element.Id))
            reasons.Add("The element has no id.");

        CheckExpressions(element, reasons);

        var isStart = element.Kind is ElementKind.StartEvent or ElementKind.BoundaryEvent;
        if (!isStart && element.Incoming.Count == 0)
            reasons.Add("It can never be reached: no sequence flow leads to it.");
        if (isStart && element.Incoming.Count > 0)
            reasons.Add("A start or boundary event cannot have incoming sequence flows.");

        switch (element.Kind)
        {
            case ElementKind.StartEvent:
                if (element.Parent is not null && element.EventKind != EventKind.None)
                    reasons.Add("The start event of an embedded sub-process must be a none start event.");
                if (element.EventKind is EventKind.Terminate)
                    reasons.Add("A terminate start event does not exist.");
                if (element.EventKind == EventKind.Timer && element.Timer?.Kind == TimerKind.Duration)
                    reasons.Add("A timer start event needs timeDate or timeCycle, not timeDuration.");
                if (element.EventKind == EventKind.Message && string.IsNullOrEmpty(element.Message?.Name))
                    reasons.Add("The message has no name.");
                break;
            case ElementKind.EndEvent:
                if (element.EventKind is not (EventKind.None or EventKind.Terminate or EventKind.Unsupported))
                    reasons.Add($"A {element.EventKind.ToString().ToLowerInvariant()} end event is not supported; use a none or terminate end event.");
                break;
            case ElementKind.ServiceTask:
                var type = ((TaskElement)element).TaskType;
                if (type is null || (type.StaticText is { Length: 0 }))
                    reasons.Add("The service task has no task type (zeebe:taskDefinition type).");
                else if (type.StaticText is { } staticType && !isKnownTaskType(staticType))
                    reasons.Add($"No registered activity implements the task type '{staticType}'.");
                break;
            case ElementKind.ReceiveTask:
                CheckMessage(element, reasons);
                break;
            case ElementKind.IntermediateCatchEvent:
                if (element.EventKind == EventKind.None)
                    reasons.Add("An intermediate catch event needs a timer or a message definition.");
                if (element.EventKind == EventKind.Timer && element.Timer?.Kind == TimerKind.Cycle)
                    reasons.Add("An intermediate timer cannot repeat (timeCycle); use timeDuration or timeDate.");
                if (element.EventKind == EventKind.Message)
                    CheckMessage(element, reasons);
                if (element.EventKind == EventKind.Terminate)
                    reasons.Add("A terminate event can only be an end event.");
                break;
            case ElementKind.BoundaryEvent:
                var boundary = (BoundaryEventElement)element;
                if (boundary.AttachedTo is null)
                    reasons.Add($"It is attached to '{boundary.AttachedToId}', which is not an element of the process.");
                else if (boundary.AttachedTo.Kind is not (ElementKind.ServiceTask or ElementKind.UserTask or ElementKind.ReceiveTask or ElementKind.SubProcess))
                    reasons.Add($"Boundary events are supported on tasks and sub-processes, not on {boundary.AttachedTo.XmlName}.");
                if (element.EventKind is not (EventKind.Timer or EventKind.Message or EventKind.Unsupported))
                    reasons.Add("Only timer and message boundary events are supported.");
                if (element.EventKind == EventKind.Timer && element.Timer?.Kind == TimerKind.Cycle && boundary.CancelActivity)
                    reasons.Add("An interrupting boundary timer cannot repeat (timeCycle); make it non-interrupting or use timeDuration.");
                if (element.EventKind == EventKind.Message)
                    CheckMessage(element, reasons);
                if (element.Outgoing.Count == 0)
                    reasons.Add("A boundary event needs an outgoing sequence flow.");
                break;
            case ElementKind.SubProcess:
                var sub = (SubProcessElement)element;
                if (sub.TriggeredByEvent)
                    reasons.Add("Event sub-processes are not supported.");
                var starts = sub.Children.Count(c => c.Kind == ElementKind.StartEvent);
                if (starts != 1)
                    reasons.Add($"An embedded sub-process needs exactly one none start event; it has {starts}.");
                break;
            case ElementKind.ExclusiveGateway:
                var gateway = (GatewayElement)element;
                if (gateway.DefaultFlowId is { } defaultId && gateway.Outgoing.All(f => f.Id != defaultId))
                    reasons.Add($"Its default flow '{defaultId}' is not one of its outgoing flows.");
                if (gateway.Outgoing.Count > 1 || gateway.DefaultFlowId is null)
                {
                    var unconditional = gateway.Outgoing.Where(f => f.Condition is null && f.Id != gateway.DefaultFlowId).ToList();
                    if (unconditional.Count > 0 && gateway.Outgoing.Count > 1)
                        reasons.Add($"The gateway has no default flow for it and the outgoing flow{(unconditional.Count > 1 ? "s" : "")} {string.Join(", ", unconditional.Select(f => $"'{f.Id}'"))} ha{(unconditional.Count > 1 ? "ve" : "s")} no condition.");
                }
                if (gateway.Outgoing.Count == 0)
                    reasons.Add("The gateway has no outgoing flow.");
                break;
            case ElementKind.ParallelGateway:
                if (element.Outgoing.Count == 0)
                    reasons.Add("The gateway has no outgoing flow.");
                break;
            case ElementKind.EventBasedGateway:
                if (element.Outgoing.Count < 2)
                    reasons.Add("An event-based gateway needs at least two outgoing flows.");
                foreach (var flow in element.Outgoing.Where(f => f.Target is not null))
                {
                    if (flow.Target.Kind != ElementKind.IntermediateCatchEvent || flow.Target.EventKind is not (EventKind.Timer or EventKind.Message))
                        reasons.Add($"Flow '{flow.Id}' leads to {flow.Target.XmlName} '{flow.Target.Id}'; an event-based gateway may only lead to timer or message catch events.");
                    else if (flow.Target.Incoming.Count > 1)
                        reasons.Add($"The catch event '{flow.Target.Id}' after the gateway must have no other incoming flow.");
                }
                break;
        }

        if (element.Kind is ElementKind.StartEvent or ElementKind.EndEvent or ElementKind.ServiceTask or ElementKind.UserTask
            or ElementKind.ReceiveTask or ElementKind.IntermediateCatchEvent or ElementKind.BoundaryEvent or ElementKind.SubProcess
            && element.EventKind == EventKind.Timer && element.Timer is { Value.StaticText: { } literal } timer
            && TimerValues.CheckLiteral(timer.Kind, literal) is { } timerProblem)
            reasons.Add($"Bad timer value: {timerProblem}.");
    }

    private static void CheckMessage(FlowElement element, List<string> reasons)
    {
        if (element.Message is null)
            return;
        if (string.IsNullOrEmpty(element.Message.Name))
            reasons.Add($"The message '{element.Message.MessageId}' has no name.");
        if (element.Message.CorrelationKey is null)
            reasons.Add($"The message '{element.Message.Name ?? element.Message.MessageId}' has no correlation key (zeebe:subscription correlationKey).");
    }

    private static void CheckExpressions(FlowElement element, List<string> reasons)
    {
        void Check(ZeebeValue? value, string what)
        {
            if (value?.Error is { } error)
                reasons.Add($"Bad FEEL in the {what}: {error.Message}.");
        }

        Check(element.Timer?.Value, "timer");
        Check(element.Message?.CorrelationKey, "correlation key");
        foreach (var m in element.Inputs)
        {
            Check(m.Source, $"input mapping to '{m.Target}'");
            if (string.IsNullOrWhiteSpace(m.Target))
                reasons.Add("An input mapping has no target.");
        }
        foreach (var m in element.Outputs)
        {
            Check(m.Source, $"output mapping to '{m.Target}'");
            if (string.IsNullOrWhiteSpace(m.Target))
                reasons.Add("An output mapping has no target.");
        }
        if (element is TaskElement task)
        {
            Check(task.TaskType, "task type");
            Check(task.Assignee, "assignee");
            Check(task.CandidateGroups, "candidate groups");
            Check(task.DueDate, "due date");
            Check(task.FollowUpDate, "follow-up date");
        }
    }
}
