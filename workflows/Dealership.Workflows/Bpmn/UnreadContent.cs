using System.Xml.Linq;
using static Dealership.Workflows.Bpmn.FindingTexts;

namespace Dealership.Workflows.Bpmn;

/// <summary>
/// What an element carries beyond what <see cref="BpmnReader"/> reads: child elements, extension elements,
/// attributes. The engine would drop all of it without a word, so whatever could change how the element runs
/// (a multi-instance marker, a listener, another engine's assignee) is a reason to refuse the element. Only what
/// is known to be description or drawing passes; docs/adr/0512 lists both sides and why.
/// </summary>
internal static class UnreadContent
{
    private static readonly XNamespace Bpmn = BpmnReader.Bpmn;
    private static readonly XNamespace Zeebe = BpmnReader.Zeebe;
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    private static readonly XNamespace Camunda7 = "http://camunda.org/schema/1.0/bpmn";
    private static readonly XNamespace Signavio = "http://www.signavio.com";

    // Attributes in these namespaces colour the drawing or tell which modeller and platform drew it.
    private static readonly HashSet<XNamespace> DrawingNamespaces =
    [
        XNamespace.Xml, Xsi, "http://bpmn.io/schema/bpmn/biocolor/1.0", "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
        "http://camunda.org/schema/modeler/1.0",
    ];

    private static readonly Dictionary<XNamespace, string> OtherEngines = new()
    {
        [Camunda7] = "Camunda 7",
        ["http://activiti.org/bpmn"] = "Activiti",
        ["http://flowable.org/bpmn"] = "Flowable",
        ["http://www.jboss.org/drools"] = "jBPM",
    };

    // Camunda 7 Modeler writes these on every process; they describe the process's history and start form
    // in a Camunda 7 engine and steer nothing here. Refusing them would trap a ported diagram, since the
    // designer's Zeebe panel cannot show or remove them.
    private static readonly HashSet<string> Camunda7ProcessNotes = ["historyTimeToLive", "versionTag", "isStartableInTasklist"];

    // Zeebe extensions the reader reads (or that only describe), per element; everything else of Zeebe's is refused.
    private static readonly HashSet<string> ZeebeOnProcess = ["properties", "versionTag", "userTaskForm"];
    private static readonly HashSet<string> ZeebeOnFlow = ["properties"];
    private static readonly HashSet<string> ZeebeOnAnyElement = ["properties", "ioMapping"];
    private static readonly HashSet<string> ZeebeOnServiceTask = [.. ZeebeOnAnyElement, "taskDefinition", "taskHeaders"];
    private static readonly HashSet<string> ZeebeOnUserTask = [.. ZeebeOnAnyElement, "userTask", "assignmentDefinition", "taskSchedule", "formDefinition", "taskHeaders"];

    /// <summary>Child elements of a process or sub-process that are no flow element: <see cref="BpmnReader"/> leaves them to this check.</summary>
    public static readonly HashSet<string> Parts =
    [
        "documentation", "extensionElements", "incoming", "outgoing", "property", "dataInputAssociation", "dataOutputAssociation",
        "ioSpecification", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "eventDefinitionRef",
        "performer", "humanPerformer", "potentialOwner", "resourceRole", "rendering", "auditing", "monitoring",
        "correlationSubscription", "supports",
    ];

    // Parts with no execution meaning in the Zeebe dialect: bpmn-js draws data associations (with a placeholder
    // property) when a task is connected to a data object or store.
    private static readonly HashSet<string> DescriptiveParts = ["documentation", "incoming", "outgoing", "property", "dataInputAssociation", "dataOutputAssociation"];

    public static List<string> OfProcess(XElement process) =>
        Check(process, "process", holdsFlowElements: true, holdsEventDefinitions: false, ZeebeOnProcess);

    public static List<string> OfFlow(XElement flow)
    {
        var reasons = Check(flow, "sequenceFlow", holdsFlowElements: false, holdsEventDefinitions: false, ZeebeOnFlow, "conditionExpression");
        if (flow.Element(Bpmn + "conditionExpression")?.Attribute("language")?.Value is { Length: > 0 } language
            && !language.Contains("feel", StringComparison.OrdinalIgnoreCase))
            reasons.Add(Say("ConditionNotFeel", language));
        return reasons;
    }

    public static List<string> OfFlowElement(XElement element, ElementKind kind) => Check(element, element.Name.LocalName,
        holdsFlowElements: kind == ElementKind.SubProcess,
        // The reader reads event definitions of every element, but only an event acts on them: a timer inside a task
        // or a gateway would never fire.
        holdsEventDefinitions: kind is ElementKind.StartEvent or ElementKind.EndEvent or ElementKind.IntermediateCatchEvent or ElementKind.BoundaryEvent,
        kind switch { ElementKind.ServiceTask => ZeebeOnServiceTask, ElementKind.UserTask => ZeebeOnUserTask, _ => ZeebeOnAnyElement });

    private static List<string> Check(XElement e, string owner, bool holdsFlowElements, bool holdsEventDefinitions, HashSet<string> zeebeAllowed, params string[] alsoRead)
    {
        var reasons = new List<string>();
        CheckAttributes(e, owner, reasons);
        foreach (var child in e.Elements())
        {
            if (child.Name.Namespace != Bpmn)
            {
                reasons.Add(Say("ForeignOutsideExtensions", Describe(child)));
                continue;
            }
            var local = child.Name.LocalName;
            if (holdsEventDefinitions && local.EndsWith("EventDefinition", StringComparison.Ordinal))
                continue;
            // A container's flow elements, flows and artifacts are read (or refused) one by one by the reader.
            if (holdsFlowElements && !Parts.Contains(local))
                continue;
            if (DescriptiveParts.Contains(local) || alsoRead.Contains(local))
                continue;
            if (local == "extensionElements")
            {
                CheckExtensions(child, owner, zeebeAllowed, reasons);
                continue;
            }
            reasons.Add(local switch
            {
                "multiInstanceLoopCharacteristics" =>
                    Say((string?)child.Attribute("isSequential") is "true" ? "SequentialMultiInstance" : "ParallelMultiInstance"),
                "standardLoopCharacteristics" => Say("LoopMarker"),
                "ioSpecification" => Say("IoSpecificationNotRead"),
                "eventDefinitionRef" => Say("EventDefinitionRefNotRead"),
                "performer" or "humanPerformer" or "potentialOwner" or "resourceRole" => Say("PerformerNotRead", local),
                _ => Say("ChildNotSupported", local),
            });
        }
        return reasons;
    }

    private static void CheckExtensions(XElement extensions, string owner, HashSet<string> zeebeAllowed, List<string> reasons)
    {
        foreach (var extension in extensions.Elements())
        {
            var ns = extension.Name.Namespace;
            var local = extension.Name.LocalName;
            if (ns == Zeebe)
            {
                if (zeebeAllowed.Contains(local))
                    continue;
                reasons.Add(local switch
                {
                    "executionListeners" => Say("ExecutionListenersNeverCalled"),
                    "taskListeners" => Say("TaskListenersNeverCalled"),
                    _ => Say("ZeebeExtensionNotSupported", local, ElementWords(owner)),
                });
            }
            else if (ns == Signavio && local == "signavioMetaData")
            {
                // Signavio's colours and notes on every element of its exports.
            }
            else if (OtherEngines.TryGetValue(ns, out var engine))
            {
                reasons.Add(Say("OtherEngineElement", Describe(extension), engine));
            }
            else
            {
                reasons.Add(Say("UnknownExtension", Describe(extension)));
            }
        }
    }

    private static void CheckAttributes(XElement e, string owner, List<string> reasons)
    {
        foreach (var attribute in e.Attributes())
        {
            if (attribute.IsNamespaceDeclaration)
                continue;
            var ns = attribute.Name.Namespace;
            var local = attribute.Name.LocalName;
            var value = attribute.Value.Trim();
            if (ns == XNamespace.None)
            {
                if (BpmnAttributeProblem(e, owner, local, value) is { } problem)
                    reasons.Add(problem);
                continue;
            }
            if (DrawingNamespaces.Contains(ns)
                || (ns == Zeebe && local.StartsWith("modelerTemplate", StringComparison.Ordinal))
                || (ns == Camunda7 && owner == "process" && Camunda7ProcessNotes.Contains(local)))
                continue;
            reasons.Add(OtherEngines.TryGetValue(ns, out var engine)
                ? Say("OtherEngineAttribute", Describe(attribute, e), engine)
                : Say("UnknownAttribute", Describe(attribute, e)));
        }
    }

    private static string? BpmnAttributeProblem(XElement e, string owner, string name, string value) => name switch
    {
        "isForCompensation" when value == "true" => Say("CompensationNotSupported"),
        "startQuantity" or "completionQuantity" when value != "1" => Say("QuantityNotOne", name, value),
        "default" when owner != "exclusiveGateway" => Say("DefaultFlowNotHonoured", value, ElementWords(owner)),
        "instantiate" when value == "true" => Say("InstantiateNotSupported"),
        "eventGatewayType" when value == "Parallel" => Say("ParallelEventGatewayNotSupported"),
        _ => null,
    };

    private static string Describe(XElement e) => $"{Prefix(e.Name.Namespace, e)}{e.Name.LocalName}";

    private static string Describe(XAttribute a, XElement owner) => $"{Prefix(a.Name.Namespace, owner)}{a.Name.LocalName}";

    private static string Prefix(XNamespace ns, XElement scope) =>
        ns == XNamespace.None ? "" : $"{scope.GetPrefixOfNamespace(ns) ?? ns.NamespaceName}:";
}
