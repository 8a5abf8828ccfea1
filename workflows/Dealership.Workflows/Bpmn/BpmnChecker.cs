using static Dealership.Workflows.Bpmn.FindingTexts;

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
                [Say("DuplicateId", holders.Count, id, string.Join(Say("ListSeparator"), holders.Select(h => Say("DuplicateIdHolder", ElementWords(h.XmlName), h.Line))))]));
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
                reasons.Add(Say("FlowSourceMissing", flow.SourceId));
            if (flow.Target is null)
                reasons.Add(Say("FlowTargetMissing", flow.TargetId));
            if (flow.Source is not null && flow.Target is not null && flow.Source.Parent != flow.Target.Parent)
                reasons.Add(Say("FlowCrossesSubProcess"));
            if (flow.Condition?.Error is { } error)
                reasons.Add(Say("BadFeelInCondition", error.Message));
            if (flow.Condition is not null && flow.Source is not null && flow.Source.Kind != ElementKind.ExclusiveGateway)
                reasons.Add(Say("ConditionOnlyAfterExclusiveGateway"));
            if (flow.Source is GatewayElement { DefaultFlowId: var d } && d == flow.Id && flow.Condition is not null)
                reasons.Add(Say("DefaultFlowHasCondition"));
            reports.Add(new ElementReport(flow.Id, "sequenceFlow", null, flow.Line, reasons.Count == 0, reasons));
        }

        if (!process.TopLevel.Any(e => e.Kind == ElementKind.StartEvent))
            problems.Add(Say("NoStartEvent", process.Id));

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
            reasons.Add(Say("ElementTypeNotSupported", element.XmlName));
            return;
        }
        if (element.EventKind == EventKind.Unsupported)
            reasons.Add(Say("EventTypeNotSupported", EventWords(element.UnsupportedEventDefinition)));
        if (string.IsNullOrEmpty(element.Id))
            reasons.Add(Say("NoId"));

        CheckExpressions(element, reasons);

        var isStart = element.Kind is ElementKind.StartEvent or ElementKind.BoundaryEvent;
        if (!isStart && element.Incoming.Count == 0)
            reasons.Add(Say("Unreachable"));
        if (isStart && element.Incoming.Count > 0)
            reasons.Add(Say("StartWithIncoming"));

        switch (element.Kind)
        {
            case ElementKind.StartEvent:
                if (element.Parent is not null && element.EventKind != EventKind.None)
                    reasons.Add(Say("SubProcessStartMustBeNone"));
                if (element.EventKind is EventKind.Terminate)
                    reasons.Add(Say("NoTerminateStartEvent"));
                if (element.EventKind == EventKind.Timer && element.Timer?.Kind == TimerKind.Duration)
                    reasons.Add(Say("TimerStartNeedsDateOrCycle"));
                if (element.EventKind == EventKind.Message && string.IsNullOrEmpty(element.Message?.Name))
                    reasons.Add(Say("MessageHasNoName"));
                break;
            case ElementKind.EndEvent:
                if (element.EventKind is not (EventKind.None or EventKind.Terminate or EventKind.Unsupported))
                    reasons.Add(Say(element.EventKind == EventKind.Timer ? "TimerEndEventNotSupported" : "MessageEndEventNotSupported"));
                break;
            case ElementKind.ServiceTask:
                var type = ((TaskElement)element).TaskType;
                if (type is null || (type.StaticText is { Length: 0 }))
                    reasons.Add(Say("ServiceTaskHasNoType"));
                else if (type.StaticText is { } staticType && !isKnownTaskType(staticType))
                    reasons.Add(Say("UnknownTaskType", staticType));
                break;
            case ElementKind.ReceiveTask:
                CheckMessage(element, reasons);
                break;
            case ElementKind.IntermediateCatchEvent:
                if (element.EventKind == EventKind.None)
                    reasons.Add(Say("CatchEventNeedsTimerOrMessage"));
                if (element.EventKind == EventKind.Timer && element.Timer?.Kind == TimerKind.Cycle)
                    reasons.Add(Say("IntermediateTimerCannotRepeat"));
                if (element.EventKind == EventKind.Message)
                    CheckMessage(element, reasons);
                if (element.EventKind == EventKind.Terminate)
                    reasons.Add(Say("TerminateOnlyAsEndEvent"));
                break;
            case ElementKind.BoundaryEvent:
                var boundary = (BoundaryEventElement)element;
                if (boundary.AttachedTo is null)
                    reasons.Add(Say("BoundaryAttachedToMissing", boundary.AttachedToId));
                else if (boundary.AttachedTo.Kind is not (ElementKind.ServiceTask or ElementKind.UserTask or ElementKind.ReceiveTask or ElementKind.SubProcess))
                    reasons.Add(Say("BoundaryOnWrongElement", ElementWords(boundary.AttachedTo.XmlName)));
                if (element.EventKind is not (EventKind.Timer or EventKind.Message or EventKind.Unsupported))
                    reasons.Add(Say("BoundaryOnlyTimerOrMessage"));
                if (element.EventKind == EventKind.Timer && element.Timer?.Kind == TimerKind.Cycle && boundary.CancelActivity)
                    reasons.Add(Say("InterruptingBoundaryTimerCannotRepeat"));
                if (element.EventKind == EventKind.Message)
                    CheckMessage(element, reasons);
                if (element.Outgoing.Count == 0)
                    reasons.Add(Say("BoundaryNeedsOutgoing"));
                break;
            case ElementKind.SubProcess:
                var sub = (SubProcessElement)element;
                if (sub.TriggeredByEvent)
                    reasons.Add(Say("EventSubProcessNotSupported"));
                var starts = sub.Children.Count(c => c.Kind == ElementKind.StartEvent);
                if (starts != 1)
                    reasons.Add(Say("SubProcessNeedsOneStart", starts));
                break;
            case ElementKind.ExclusiveGateway:
                var gateway = (GatewayElement)element;
                if (gateway.DefaultFlowId is { } defaultId && gateway.Outgoing.All(f => f.Id != defaultId))
                    reasons.Add(Say("DefaultFlowNotOutgoing", defaultId));
                if (gateway.Outgoing.Count > 1 || gateway.DefaultFlowId is null)
                {
                    var unconditional = gateway.Outgoing.Where(f => f.Condition is null && f.Id != gateway.DefaultFlowId).ToList();
                    if (unconditional.Count > 0 && gateway.Outgoing.Count > 1)
                        reasons.Add(Say(unconditional.Count > 1 ? "GatewayFlowsWithoutCondition" : "GatewayFlowWithoutCondition", Ids(unconditional.Select(f => f.Id))));
                }
                if (gateway.Outgoing.Count == 0)
                    reasons.Add(Say("GatewayHasNoOutgoing"));
                break;
            case ElementKind.ParallelGateway:
                if (element.Outgoing.Count == 0)
                    reasons.Add(Say("GatewayHasNoOutgoing"));
                break;
            case ElementKind.EventBasedGateway:
                if (element.Outgoing.Count < 2)
                    reasons.Add(Say("EventGatewayNeedsTwoFlows"));
                foreach (var flow in element.Outgoing.Where(f => f.Target is not null))
                {
                    if (flow.Target.Kind != ElementKind.IntermediateCatchEvent || flow.Target.EventKind is not (EventKind.Timer or EventKind.Message))
                        reasons.Add(Say("EventGatewayLeadsElsewhere", flow.Id, ElementWords(flow.Target.XmlName), flow.Target.Id));
                    else if (flow.Target.Incoming.Count > 1)
                        reasons.Add(Say("EventGatewayTargetHasOtherIncoming", flow.Target.Id));
                }
                break;
        }

        if (element.Kind is ElementKind.StartEvent or ElementKind.EndEvent or ElementKind.ServiceTask or ElementKind.UserTask
            or ElementKind.ReceiveTask or ElementKind.IntermediateCatchEvent or ElementKind.BoundaryEvent or ElementKind.SubProcess
            && element.EventKind == EventKind.Timer && element.Timer is { Value.StaticText: { } literal } timer
            && TimerValues.CheckLiteral(timer.Kind, literal) is { } timerProblem)
            reasons.Add(Say("BadTimerValue", timerProblem));
    }

    private static void CheckMessage(FlowElement element, List<string> reasons)
    {
        if (element.Message is null)
            return;
        if (string.IsNullOrEmpty(element.Message.Name))
            reasons.Add(Say("MessageIdHasNoName", element.Message.MessageId));
        if (element.Message.CorrelationKey is null)
            reasons.Add(Say("MessageHasNoCorrelationKey", element.Message.Name ?? element.Message.MessageId));
    }

    private static void CheckExpressions(FlowElement element, List<string> reasons)
    {
        void Check(ZeebeValue? value, string key, params object?[] what)
        {
            if (value?.Error is { } error)
                reasons.Add(Say(key, [.. what, error.Message]));
        }

        Check(element.Timer?.Value, "BadFeelInTimer");
        Check(element.Message?.CorrelationKey, "BadFeelInCorrelationKey");
        foreach (var m in element.Inputs)
        {
            Check(m.Source, "BadFeelInInputMapping", m.Target);
            if (string.IsNullOrWhiteSpace(m.Target))
                reasons.Add(Say("InputMappingHasNoTarget"));
        }
        foreach (var m in element.Outputs)
        {
            Check(m.Source, "BadFeelInOutputMapping", m.Target);
            if (string.IsNullOrWhiteSpace(m.Target))
                reasons.Add(Say("OutputMappingHasNoTarget"));
        }
        if (element is TaskElement task)
        {
            Check(task.TaskType, "BadFeelInTaskType");
            Check(task.Assignee, "BadFeelInAssignee");
            Check(task.CandidateGroups, "BadFeelInCandidateGroups");
            Check(task.DueDate, "BadFeelInDueDate");
            Check(task.FollowUpDate, "BadFeelInFollowUpDate");
        }
    }
}
