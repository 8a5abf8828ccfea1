using System.Xml;
using System.Xml.Linq;
using static Dealership.Workflows.Bpmn.FindingTexts;

namespace Dealership.Workflows.Bpmn;

/// <summary>
/// Reads BPMN 2.0 XML in the Camunda 8 (Zeebe) dialect into a <see cref="BpmnDefinition"/>. It never
/// throws on content: what it cannot use is recorded for the checker, element by element. The XML
/// text is kept as it was given, so what nobody edited is stored unchanged.
/// </summary>
public static class BpmnReader
{
    public static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    public static readonly XNamespace Zeebe = "http://camunda.org/schema/zeebe/1.0";

    private static readonly Dictionary<string, ElementKind> Supported = new()
    {
        ["startEvent"] = ElementKind.StartEvent,
        ["endEvent"] = ElementKind.EndEvent,
        ["serviceTask"] = ElementKind.ServiceTask,
        ["userTask"] = ElementKind.UserTask,
        ["receiveTask"] = ElementKind.ReceiveTask,
        ["exclusiveGateway"] = ElementKind.ExclusiveGateway,
        ["parallelGateway"] = ElementKind.ParallelGateway,
        ["eventBasedGateway"] = ElementKind.EventBasedGateway,
        ["intermediateCatchEvent"] = ElementKind.IntermediateCatchEvent,
        ["boundaryEvent"] = ElementKind.BoundaryEvent,
        ["subProcess"] = ElementKind.SubProcess,
    };

    // Children of a process or sub-process that carry no behaviour: lanes, data and annotations.
    private static readonly HashSet<string> Artifacts =
    [
        "laneSet", "textAnnotation", "association", "dataObject", "dataObjectReference", "dataStoreReference", "group", "category",
    ];

    // Each level of sub-process is a level of recursion here and in the engine: a file nesting them without end
    // must not exhaust the stack.
    private const int MaxSubProcessDepth = 32;

    private static readonly XmlReaderSettings Settings = new()
    {
        // No BPMN file has a document type; refusing it means no entity is expanded (billion laughs) or fetched (XXE).
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = true,
    };

    public static BpmnDefinition Read(string xml)
    {
        var definition = new BpmnDefinition { Xml = xml };
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), Settings);
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            definition.Problems.Add(xml.Contains("<!DOCTYPE", StringComparison.Ordinal)
                ? Say("DoctypeRefused")
                : Say("NotWellFormedXml", ex.Message));
            return definition;
        }
        var root = document.Root!;
        if (root.Name != Bpmn + "definitions")
        {
            definition.Problems.Add(Say("RootNotDefinitions", root.Name.LocalName));
            return definition;
        }

        // Ids are unique across the whole file; the dictionaries below keep the first of a duplicate, and the
        // checker refuses the file on that id, so neither element silently stands in for the other.
        foreach (var holders in root.DescendantsAndSelf().Where(e => !string.IsNullOrEmpty((string?)e.Attribute("id"))).GroupBy(e => (string)e.Attribute("id")!))
        {
            if (holders.Skip(1).Any())
                definition.DuplicateIds[holders.Key] = [.. holders.Select(e => (e.Name.LocalName, Line(e)))];
        }

        foreach (var message in root.Elements(Bpmn + "message"))
        {
            var key = message.Element(Bpmn + "extensionElements")?.Element(Zeebe + "subscription")?.Attribute("correlationKey")?.Value;
            definition.Messages.TryAdd((string?)message.Attribute("id") ?? "",
                ((string?)message.Attribute("name"), key is null ? null : ZeebeValue.ReadExpression(key)));
        }

        foreach (var process in root.Elements(Bpmn + "process"))
        {
            var problems = UnreadContent.OfProcess(process);
            var model = new ProcessModel
            {
                Id = (string?)process.Attribute("id") ?? "",
                Name = (string?)process.Attribute("name"),
                IsExecutable = Bool(process, "isExecutable", false, problems),
                Line = Line(process),
            };
            model.ReadProblems.AddRange(problems);
            ReadScope(process, null, model, definition, 0);
            Link(model);
            definition.Processes.Add(model);
        }
        if (definition.Processes.Count == 0)
            definition.Problems.Add(Say("NoProcess"));
        else if (!definition.Processes.Any(p => p.IsExecutable))
            definition.Problems.Add(Say("NoExecutableProcess"));
        else if (definition.Processes.Count(p => p.IsExecutable) > 1)
            definition.Problems.Add(Say("SeveralExecutableProcesses"));
        return definition;
    }

    private static int Line(XElement e) => ((IXmlLineInfo)e).HasLineInfo() ? ((IXmlLineInfo)e).LineNumber : 0;

    private static bool Bool(XElement e, string attribute, bool otherwise, List<string> problems)
    {
        var text = (string?)e.Attribute(attribute);
        switch (text?.Trim().ToLowerInvariant())
        {
            case null:
                return otherwise;
            case "true" or "1":
                return true;
            case "false" or "0":
                return false;
            default:
                problems.Add(Say("NotABoolean", attribute, text));
                return otherwise;
        }
    }

    private static void ReadScope(XElement container, SubProcessElement? scope, ProcessModel model, BpmnDefinition definition, int depth)
    {
        foreach (var child in container.Elements())
        {
            var local = child.Name.LocalName;
            // Foreign elements and an element's own parts are refused or allowed by the container's UnreadContent check.
            if (child.Name.Namespace != Bpmn || Artifacts.Contains(local) || UnreadContent.Parts.Contains(local))
                continue;
            if (local == "sequenceFlow")
            {
                var conditionText = child.Element(Bpmn + "conditionExpression")?.Value;
                var flow = new SequenceFlow
                {
                    Id = (string?)child.Attribute("id") ?? "",
                    SourceId = (string?)child.Attribute("sourceRef") ?? "",
                    TargetId = (string?)child.Attribute("targetRef") ?? "",
                    Condition = string.IsNullOrWhiteSpace(conditionText) ? null : ZeebeValue.ReadExpression(conditionText),
                    Line = Line(child),
                };
                flow.ReadProblems.AddRange(UnreadContent.OfFlow(child));
                model.Flows.TryAdd(flow.Id, flow);
                continue;
            }

            var element = ReadElement(child, definition);
            if (!model.Elements.TryAdd(element.Id, element))
                continue;
            element.Parent = scope;
            (scope?.Children ?? model.TopLevel).Add(element);
            if (element is not SubProcessElement sub)
                continue;
            if (depth + 1 >= MaxSubProcessDepth)
                sub.ReadProblems.Add(Say("SubProcessesTooDeep", MaxSubProcessDepth));
            else
                ReadScope(child, sub, model, definition, depth + 1);
        }
    }

    private static FlowElement ReadElement(XElement e, BpmnDefinition definition)
    {
        var id = (string?)e.Attribute("id") ?? "";
        var name = (string?)e.Attribute("name");
        var local = e.Name.LocalName;
        var kind = Supported.GetValueOrDefault(local, ElementKind.Unsupported);
        var extensions = e.Element(Bpmn + "extensionElements");

        var (eventKind, timer, message, unsupportedEvent, problems) = ReadEventDefinition(e, definition);
        if (kind != ElementKind.Unsupported)
            problems.AddRange(UnreadContent.OfFlowElement(e, kind));
        if (kind == ElementKind.ReceiveTask)
        {
            message = ReadMessageRef((string?)e.Attribute("messageRef"), definition, out var problem);
            eventKind = EventKind.Message;
            if (problem is not null)
                problems.Add(problem);
        }

        FlowElement element = kind switch
        {
            ElementKind.ServiceTask or ElementKind.UserTask => ReadTask(e, id, name, kind, extensions),
            ElementKind.ExclusiveGateway => new GatewayElement { Id = id, Name = name, Kind = kind, XmlName = local, Line = Line(e), DefaultFlowId = (string?)e.Attribute("default") },
            ElementKind.BoundaryEvent => new BoundaryEventElement
            {
                Id = id, Name = name, Kind = kind, XmlName = local, Line = Line(e),
                AttachedToId = (string?)e.Attribute("attachedToRef") ?? "",
                CancelActivity = Bool(e, "cancelActivity", true, problems),
                EventKind = eventKind, Timer = timer, Message = message, UnsupportedEventDefinition = unsupportedEvent,
            },
            ElementKind.SubProcess => new SubProcessElement
            {
                Id = id, Name = name, Kind = kind, XmlName = local, Line = Line(e),
                TriggeredByEvent = Bool(e, "triggeredByEvent", false, problems),
            },
            _ => new FlowElement
            {
                Id = id, Name = name, Kind = kind, XmlName = local, Line = Line(e),
                EventKind = eventKind, Timer = timer, Message = message, UnsupportedEventDefinition = unsupportedEvent,
            },
        };
        element.ReadProblems.AddRange(problems);

        if (extensions?.Element(Zeebe + "ioMapping") is { } io)
        {
            foreach (var input in io.Elements(Zeebe + "input"))
                element.Inputs.Add(new Mapping(ZeebeValue.ReadExpression((string?)input.Attribute("source") ?? "null"), (string?)input.Attribute("target") ?? ""));
            foreach (var output in io.Elements(Zeebe + "output"))
                element.Outputs.Add(new Mapping(ZeebeValue.ReadExpression((string?)output.Attribute("source") ?? "null"), (string?)output.Attribute("target") ?? ""));
        }
        return element;
    }

    private static TaskElement ReadTask(XElement e, string id, string? name, ElementKind kind, XElement? extensions)
    {
        var taskDefinition = extensions?.Element(Zeebe + "taskDefinition");
        var assignment = extensions?.Element(Zeebe + "assignmentDefinition");
        var schedule = extensions?.Element(Zeebe + "taskSchedule");
        static ZeebeValue? Value(XElement? element, string attribute) =>
            element?.Attribute(attribute)?.Value is { Length: > 0 } v ? ZeebeValue.Read(v) : null;

        var task = new TaskElement
        {
            Id = id, Name = name, Kind = kind, XmlName = e.Name.LocalName, Line = Line(e),
            TaskType = Value(taskDefinition, "type"),
            Retries = int.TryParse((string?)taskDefinition?.Attribute("retries"), out var r) ? r : 3,
            Assignee = Value(assignment, "assignee"),
            CandidateGroups = Value(assignment, "candidateGroups"),
            DueDate = Value(schedule, "dueDate"),
            FollowUpDate = Value(schedule, "followUpDate"),
            Documentation = e.Element(Bpmn + "documentation")?.Value.Trim() is { Length: > 0 } doc ? doc : null,
        };
        foreach (var header in extensions?.Element(Zeebe + "taskHeaders")?.Elements(Zeebe + "header") ?? [])
            task.Headers[(string?)header.Attribute("key") ?? ""] = (string?)header.Attribute("value") ?? "";
        return task;
    }

    private static (EventKind, TimerDefinition?, MessageDefinition?, string?, List<string>) ReadEventDefinition(XElement e, BpmnDefinition definition)
    {
        var problems = new List<string>();
        var definitions = e.Elements().Where(c => c.Name.Namespace == Bpmn && c.Name.LocalName.EndsWith("EventDefinition")).ToList();
        if (definitions.Count == 0)
            return (EventKind.None, null, null, null, problems);
        if (definitions.Count > 1)
            return (EventKind.Unsupported, null, null, "multiple", problems);

        var d = definitions[0];
        switch (d.Name.LocalName)
        {
            case "terminateEventDefinition":
                return (EventKind.Terminate, null, null, null, problems);
            case "timerEventDefinition":
            {
                var parts = new (string Name, TimerKind Kind)[] { ("timeDuration", TimerKind.Duration), ("timeDate", TimerKind.Date), ("timeCycle", TimerKind.Cycle) };
                var found = parts.Select(p => (p.Kind, Element: d.Element(Bpmn + p.Name))).Where(p => p.Element is not null).ToList();
                if (found.Count != 1 || string.IsNullOrWhiteSpace(found[0].Element!.Value))
                {
                    problems.Add(Say("TimerNeedsOneValue"));
                    return (EventKind.Timer, null, null, null, problems);
                }
                return (EventKind.Timer, new TimerDefinition(found[0].Kind, ZeebeValue.Read(found[0].Element!.Value)), null, null, problems);
            }
            case "messageEventDefinition":
            {
                var message = ReadMessageRef((string?)d.Attribute("messageRef"), definition, out var problem);
                if (problem is not null)
                    problems.Add(problem);
                return (EventKind.Message, null, message, null, problems);
            }
            default:
                return (EventKind.Unsupported, null, null, d.Name.LocalName.Replace("EventDefinition", ""), problems);
        }
    }

    private static MessageDefinition? ReadMessageRef(string? messageRef, BpmnDefinition definition, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(messageRef))
        {
            problem = Say("NoMessageReferenced");
            return null;
        }
        if (!definition.Messages.TryGetValue(messageRef, out var message))
        {
            problem = Say("MessageNotDefined", messageRef);
            return null;
        }
        return new MessageDefinition(messageRef, message.Name, message.CorrelationKey);
    }

    private static void Link(ProcessModel model)
    {
        foreach (var flow in model.Flows.Values)
        {
            if (model.Elements.TryGetValue(flow.SourceId, out var source))
            {
                flow.Source = source;
                source.Outgoing.Add(flow);
            }
            if (model.Elements.TryGetValue(flow.TargetId, out var target))
            {
                flow.Target = target;
                target.Incoming.Add(flow);
            }
        }
        foreach (var boundary in model.Elements.Values.OfType<BoundaryEventElement>())
        {
            if (model.Elements.TryGetValue(boundary.AttachedToId, out var host))
            {
                boundary.AttachedTo = host;
                host.Boundaries.Add(boundary);
            }
        }
    }
}
