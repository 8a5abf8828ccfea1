using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Bpmn;

public enum ElementKind
{
    StartEvent,
    EndEvent,
    ServiceTask,
    UserTask,
    ReceiveTask,
    ExclusiveGateway,
    ParallelGateway,
    EventBasedGateway,
    IntermediateCatchEvent,
    BoundaryEvent,
    SubProcess,
    /// <summary>A BPMN element outside the subset; kept so the checker can name it.</summary>
    Unsupported,
}

public enum EventKind { None, Timer, Message, Terminate, Unsupported }

public enum TimerKind { Duration, Date, Cycle }

/// <summary>
/// A value written in a Zeebe attribute: an expression when it starts with '=', else a static text.
/// <see cref="Error"/> holds the parse error of a bad expression (reported by the checker).
/// </summary>
public sealed class ZeebeValue
{
    private ZeebeValue(string raw, string? text, FeelExpression? expression, FeelParseException? error)
    {
        Raw = raw;
        StaticText = text;
        Expression = expression;
        Error = error;
    }

    public string Raw { get; }
    public string? StaticText { get; }
    public FeelExpression? Expression { get; }
    public FeelParseException? Error { get; }
    public bool IsExpression => StaticText is null;

    public static ZeebeValue Read(string raw)
    {
        var trimmed = raw.Trim();
        if (!trimmed.StartsWith('='))
            return new ZeebeValue(raw, trimmed, null, null);
        return Parse(raw, raw.IndexOf('=') + 1);
    }

    // Positions in errors count from the start of the text as written in the file, '=' included.
    private static ZeebeValue Parse(string raw, int offset) =>
        FeelExpression.TryParse(raw[offset..], out var expression, out var error)
            ? new ZeebeValue(raw, null, expression, null)
            : new ZeebeValue(raw, null, null, new FeelParseException(error!.Reason, error.Position + offset));

    /// <summary>Always an expression (conditions and mapping sources are FEEL with or without '=').</summary>
    public static ZeebeValue ReadExpression(string raw)
    {
        var trimmed = raw.TrimStart();
        return Parse(raw, trimmed.StartsWith('=') ? raw.IndexOf('=') + 1 : 0);
    }

    public object? Evaluate(Func<string, System.Text.Json.Nodes.JsonNode?> variables, TimeProvider clock)
    {
        if (StaticText is not null)
            return StaticText;
        if (Expression is null)
            throw new FeelEvaluationException($"the expression \"{Raw}\" cannot be read: {Error!.Message}");
        return Expression.Evaluate(variables, clock);
    }

    public override string ToString() => Raw;
}

public sealed record Mapping(ZeebeValue Source, string Target);

public sealed record TimerDefinition(TimerKind Kind, ZeebeValue Value);

public sealed record MessageDefinition(string? MessageId, string? Name, ZeebeValue? CorrelationKey);

public sealed class SequenceFlow
{
    public required string Id { get; init; }
    public required string SourceId { get; init; }
    public required string TargetId { get; init; }
    public ZeebeValue? Condition { get; init; }
    public int Line { get; init; }
    /// <summary>Problems the reader found with this flow, reported by the checker.</summary>
    public List<string> ReadProblems { get; } = [];
    public FlowElement Source { get; internal set; } = null!;
    public FlowElement Target { get; internal set; } = null!;
}

public class FlowElement
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public required ElementKind Kind { get; init; }
    /// <summary>The BPMN element's local name (serviceTask, scriptTask, ...).</summary>
    public required string XmlName { get; init; }
    public int Line { get; init; }
    /// <summary>The sub-process that holds this element; null at process level.</summary>
    public SubProcessElement? Parent { get; internal set; }
    public List<SequenceFlow> Incoming { get; } = [];
    public List<SequenceFlow> Outgoing { get; } = [];

    public EventKind EventKind { get; init; }
    /// <summary>What an unsupported event is, by its definition: signal, error, escalation...; multiple when it has several.</summary>
    public string? UnsupportedEventDefinition { get; init; }
    public TimerDefinition? Timer { get; init; }
    public MessageDefinition? Message { get; init; }

    public List<Mapping> Inputs { get; } = [];
    public List<Mapping> Outputs { get; } = [];

    /// <summary>Problems the reader found with this element, reported by the checker.</summary>
    public List<string> ReadProblems { get; } = [];

    public List<BoundaryEventElement> Boundaries { get; } = [];

    public override string ToString() => $"{XmlName} '{Id}'";
}

public sealed class TaskElement : FlowElement
{
    /// <summary>The element's bpmn:documentation text (a user task's guidance for the person doing it).</summary>
    public string? Documentation { get; init; }
    public ZeebeValue? TaskType { get; init; }
    public int Retries { get; init; } = 3;
    public Dictionary<string, string> Headers { get; } = [];
    public ZeebeValue? Assignee { get; init; }
    public ZeebeValue? CandidateGroups { get; init; }
    public ZeebeValue? DueDate { get; init; }
    public ZeebeValue? FollowUpDate { get; init; }
}

public sealed class GatewayElement : FlowElement
{
    public string? DefaultFlowId { get; init; }
}

public sealed class BoundaryEventElement : FlowElement
{
    public required string AttachedToId { get; init; }
    public bool CancelActivity { get; init; } = true;
    public FlowElement? AttachedTo { get; internal set; }
}

public sealed class SubProcessElement : FlowElement
{
    public List<FlowElement> Children { get; } = [];
    public bool TriggeredByEvent { get; init; }
}

public sealed class ProcessModel
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public bool IsExecutable { get; init; }
    public int Line { get; init; }
    /// <summary>Problems with the process element itself (its listeners, extensions, attributes), reported on its id.</summary>
    public List<string> ReadProblems { get; } = [];
    public Dictionary<string, FlowElement> Elements { get; } = [];
    public Dictionary<string, SequenceFlow> Flows { get; } = [];
    /// <summary>Elements at process level (not inside a sub-process).</summary>
    public List<FlowElement> TopLevel { get; } = [];

    public IEnumerable<FlowElement> StartEvents(SubProcessElement? scope) =>
        (scope?.Children ?? TopLevel).Where(e => e.Kind == ElementKind.StartEvent);

    public FlowElement Element(string id) => Elements.TryGetValue(id, out var e) ? e : throw new KeyNotFoundException($"No element '{id}' in process '{Id}'.");
}

/// <summary>A read BPMN file: its processes, and the original XML text, which is what gets stored.</summary>
public sealed class BpmnDefinition
{
    public required string Xml { get; init; }
    public List<ProcessModel> Processes { get; } = [];
    /// <summary>bpmn:message id to name and its Zeebe correlation key.</summary>
    public Dictionary<string, (string? Name, ZeebeValue? CorrelationKey)> Messages { get; } = [];
    /// <summary>Problems that belong to no single element (not well-formed, no executable process).</summary>
    public List<string> Problems { get; } = [];
    /// <summary>Each id that more than one element of the file carries, with those elements.</summary>
    public Dictionary<string, List<(string XmlName, int Line)>> DuplicateIds { get; } = [];

    /// <summary>The process that runs: the first executable one.</summary>
    public ProcessModel? MainProcess => Processes.FirstOrDefault(p => p.IsExecutable) ?? Processes.FirstOrDefault();
}
