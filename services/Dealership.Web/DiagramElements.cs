using System.Xml.Linq;

namespace Dealership.Web;

/// <summary>A flow element of a diagram: its name, and in English the task's own English name where the diagram gives one.</summary>
public sealed record DiagramElement(string Id, string? Name, string Type, string? EnglishName = null);

public sealed record DiagramFlow(string Id, string? Name, string SourceId, string TargetId);

/// <summary>
/// What the instance pages read of a version's BPMN XML: the names a person knows the steps by (the service answers ids),
/// and the ids a migration plan maps by.
/// </summary>
public sealed class DiagramElements
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace Zeebe = "http://camunda.org/schema/zeebe/1.0";

    public string ProcessId { get; private init; } = "";
    public string? ProcessName { get; private init; }
    public Dictionary<string, DiagramElement> Elements { get; } = [];
    public Dictionary<string, DiagramFlow> Flows { get; } = [];

    public static DiagramElements Read(string xml)
    {
        var processes = XDocument.Parse(xml).Root?.Elements(Bpmn + "process").ToList() ?? [];
        var process = processes.FirstOrDefault(p => (string?)p.Attribute("isExecutable") == "true") ?? processes.FirstOrDefault();
        var diagram = new DiagramElements { ProcessId = (string?)process?.Attribute("id") ?? "", ProcessName = (string?)process?.Attribute("name") };
        if (process is not null)
            diagram.ReadScope(process);
        return diagram;
    }

    private void ReadScope(XElement scope)
    {
        foreach (var child in scope.Elements().Where(e => e.Name.Namespace == Bpmn && e.Attribute("id") is not null))
        {
            var id = (string)child.Attribute("id")!;
            var type = child.Name.LocalName;
            if (type == "sequenceFlow")
                Flows[id] = new DiagramFlow(id, Named(child), (string?)child.Attribute("sourceRef") ?? "", (string?)child.Attribute("targetRef") ?? "");
            else if (IsFlowNode(type))
            {
                var english = child.Element(Bpmn + "extensionElements")?.Element(Zeebe + "taskHeaders")?.Elements(Zeebe + "header")
                    .FirstOrDefault(h => (string?)h.Attribute("key") == "name-en")?.Attribute("value")?.Value;
                Elements[id] = new DiagramElement(id, Named(child), type, english);
                if (type == "subProcess")
                    ReadScope(child);
            }
        }
    }

    // What the engine runs as a step; annotations, lanes and data objects are not, and a plan naming them would be refused.
    private static bool IsFlowNode(string type) =>
        type.EndsWith("Event") || type.EndsWith("Gateway") || type.EndsWith("Task") || type is "task" or "subProcess" or "callActivity";

    private static string? Named(XElement element) =>
        ((string?)element.Attribute("name"))?.ReplaceLineEndings(" ").Trim() is { Length: > 0 } name ? name : null;

    /// <summary>
    /// What a person calls an element, a flow or the process: its name, a flow's ends, an unnamed element by what
    /// <paramref name="unnamed"/> says of its type (a gateway is rarely named), or the id when the diagram has no such thing.
    /// </summary>
    public string Words(string id, bool chinese, Func<string, string>? unnamed = null)
    {
        if (Elements.TryGetValue(id, out var element))
            return (chinese ? null : element.EnglishName) ?? element.Name ?? unnamed?.Invoke(element.Type) ?? id;
        if (Flows.TryGetValue(id, out var flow))
            return flow.Name ?? $"{Words(flow.SourceId, chinese, unnamed)} → {Words(flow.TargetId, chinese, unnamed)}";
        return id == ProcessId ? ProcessName ?? id : id;
    }

    /// <summary>
    /// A migration plan as Camunda's Operate proposes it: every element of this version that the target has under the same id
    /// maps to it; the service then refuses, per instance, what cannot move (another type, another scope, an element it is at and the target lacks).
    /// </summary>
    public Dictionary<string, string> SameIdsIn(DiagramElements target) =>
        Elements.Keys.Where(target.Elements.ContainsKey).ToDictionary(id => id, id => id);
}
