using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Runtime;

/// <summary>The instance as it would run on the target version, or why it cannot; the instance given is never changed.</summary>
public sealed record MigrationResult(WorkflowInstance? Migrated, IReadOnlyList<string> Problems);

/// <summary>
/// Moves a running instance onto another version of its process, the way Camunda 8 migrates: a plan maps elements by id
/// (source id to target id), every element the instance is at must be mapped to an element of the same type in the same
/// scope, and the instance's state is kept as it is. A waiting user task keeps its key (so the consultant's task stays the
/// same), a timer its due time, a message wait its correlation key. Of the events attached to an element (boundary events,
/// or the events after an event-based gateway), those the plan maps are kept, those it does not are withdrawn, and those
/// the target adds are opened as if the element had just been entered.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>What is wrong with the plan whatever the instance: ids neither version has.</summary>
    public static IReadOnlyList<string> CheckPlan(ProcessModel source, ProcessModel target, IReadOnlyDictionary<string, string> mappings)
    {
        var problems = new List<string>();
        foreach (var (from, to) in mappings)
        {
            if (!source.Elements.ContainsKey(from))
                problems.Add($"The source version has no element '{from}'.");
            if (!target.Elements.ContainsKey(to))
                problems.Add($"The target version has no element '{to}' (mapped from '{from}').");
        }
        return problems;
    }

    public MigrationResult Migrate(ProcessModel source, ProcessModel target, WorkflowInstance instance, IReadOnlyDictionary<string, string> mappings,
        string description, CancellationToken cancellationToken = default)
    {
        if (instance.Status != InstanceStatus.Active)
            return new MigrationResult(null, [$"The instance is {instance.Status.ToString().ToLowerInvariant()}."]);
        var copy = WorkflowInstance.FromJson(instance.ToJson());
        var run = new Run(this, target, copy, cancellationToken);
        var problems = run.Migrate(source, mappings);
        if (problems.Count > 0)
            return new MigrationResult(null, problems);
        copy.ProcessId = target.Id;
        run.Log(target.Id, null, "migrated", detail: description);
        return new MigrationResult(copy, []);
    }

    private sealed partial class Run
    {
        public List<string> Migrate(ProcessModel source, IReadOnlyDictionary<string, string> mappings)
        {
            var problems = new List<string>();
            // Scopes first, so that a child is checked against where its sub-process went.
            foreach (var ei in instance.Elements.OrderBy(e => e.Key).ToList())
            {
                var from = source.Elements.GetValueOrDefault(ei.ElementId);
                if (from is null)
                {
                    problems.Add($"'{ei.ElementId}' is not an element of the source version.");
                    continue;
                }
                if (!mappings.TryGetValue(from.Id, out var toId))
                {
                    problems.Add($"'{from.Id}' ({BpmnDiff.TypeOf(from)}) is active and the plan does not map it.");
                    continue;
                }
                if (process.Elements.GetValueOrDefault(toId) is not { } to)
                {
                    problems.Add($"'{from.Id}' is mapped to '{toId}', which the target version does not have.");
                    continue;
                }
                if (BpmnDiff.TypeOf(from) != BpmnDiff.TypeOf(to))
                {
                    problems.Add($"'{from.Id}' is a {BpmnDiff.TypeOf(from)} and cannot become '{to.Id}', a {BpmnDiff.TypeOf(to)}.");
                    continue;
                }
                var expectedParent = from.Parent is null ? null : mappings.GetValueOrDefault(from.Parent.Id);
                if (to.Parent?.Id != expectedParent)
                {
                    problems.Add($"'{from.Id}' would move to another scope: '{to.Id}' is in {(to.Parent is null ? "the process" : $"'{to.Parent.Id}'")}, "
                        + $"not in {(expectedParent is null ? "the process" : $"'{expectedParent}'")}.");
                    continue;
                }
                MoveCatchEvents(ei, from, to, mappings, problems);
                foreach (var task in instance.UserTasks.Where(t => t.Key == ei.Key))
                    task.ElementId = to.Id;
                foreach (var job in instance.Jobs.Where(j => j.Key == ei.Key))
                {
                    job.ElementId = to.Id;
                    if (to is TaskElement { TaskType.StaticText: { Length: > 0 } type })
                        job.TaskType = type;
                }
                foreach (var incident in instance.Incidents.Where(i => i.ElementInstanceKey == ei.Key && i.ResolvedAt is null))
                    incident.ElementId = to.Id;
                if (from.Id != to.Id)
                    Log(to.Id, ei.Key, "migrated", detail: $"from '{from.Id}'");
                ei.ElementId = to.Id;
            }

            foreach (var arrival in instance.JoinArrivals.ToList())
            {
                if (!mappings.TryGetValue(arrival.GatewayId, out var gatewayId))
                    problems.Add($"'{arrival.GatewayId}' has a token waiting to join and the plan does not map it.");
                else if (process.Elements.GetValueOrDefault(gatewayId) is not { Kind: ElementKind.ParallelGateway } gateway)
                    problems.Add($"'{arrival.GatewayId}' has a token waiting to join and is mapped to '{gatewayId}', which is not a parallel gateway.");
                else if (gateway.Incoming.All(f => f.Id != arrival.FlowId))
                    problems.Add($"'{arrival.GatewayId}' has a token that arrived on '{arrival.FlowId}', which does not lead into '{gatewayId}' in the target version.");
                else
                {
                    instance.JoinArrivals.Remove(arrival);
                    instance.JoinArrivals.Add(arrival with { GatewayId = gatewayId });
                }
            }
            return problems;
        }

        /// <summary>The events an element instance waits for besides itself: its boundary events, or an event-based gateway's events.</summary>
        private static IEnumerable<FlowElement> CatchEventsOf(FlowElement element) =>
            element.Kind == ElementKind.EventBasedGateway ? element.Outgoing.Select(f => f.Target) : element.Boundaries;

        private void MoveCatchEvents(ElementInstance ei, FlowElement from, FlowElement to, IReadOnlyDictionary<string, string> mappings, List<string> problems)
        {
            var targets = CatchEventsOf(to).ToDictionary(e => e.Id);
            var kept = new HashSet<string>();
            void Move(string elementId, Action<string> retarget, Action withdraw)
            {
                // The element's own wait (a timer or message catch event, a receive task) goes with the element.
                if (elementId == from.Id)
                {
                    retarget(to.Id);
                    return;
                }
                if (!mappings.TryGetValue(elementId, out var targetId))
                {
                    withdraw();
                    Log(elementId, ei.Key, "withdrawn", detail: "not in the migration plan");
                    return;
                }
                if (!targets.TryGetValue(targetId, out var target))
                {
                    problems.Add($"'{elementId}' is mapped to '{targetId}', which is not an event of '{to.Id}' in the target version.");
                    return;
                }
                var sourceEvent = CatchEventsOf(from).FirstOrDefault(e => e.Id == elementId);
                if (sourceEvent is null || BpmnDiff.TypeOf(sourceEvent) != BpmnDiff.TypeOf(target) || (sourceEvent as BoundaryEventElement)?.CancelActivity != (target as BoundaryEventElement)?.CancelActivity)
                {
                    problems.Add($"'{elementId}' ({(sourceEvent is null ? "unknown" : Describe(sourceEvent))}) cannot become '{targetId}' ({Describe(target)}).");
                    return;
                }
                kept.Add(targetId);
                retarget(targetId);
            }

            foreach (var timer in instance.Timers.Where(t => t.ElementInstanceKey == ei.Key).ToList())
                Move(timer.ElementId, id => timer.ElementId = id, () => instance.Timers.Remove(timer));
            foreach (var wait in instance.Messages.Where(m => m.ElementInstanceKey == ei.Key).ToList())
            {
                Move(wait.ElementId, id =>
                {
                    wait.ElementId = id;
                    // The correlation key stays as it was evaluated; the name is the one the element waits for now.
                    if (process.Elements[id].Message?.Name is { } name)
                        wait.MessageName = name;
                }, () => instance.Messages.Remove(wait));
            }

            // An element in an incident opens its events again when it is retried.
            if (ei.State != ElementState.Waiting)
                return;
            foreach (var added in targets.Values.Where(e => !kept.Contains(e.Id)))
            {
                try
                {
                    if (added.EventKind == EventKind.Timer)
                        OpenTimer(ei, added);
                    else if (added.EventKind == EventKind.Message)
                        OpenMessageWait(ei, added, added);
                }
                catch (Exception ex) when (ex is FeelEvaluationException or IncidentException)
                {
                    problems.Add($"'{added.Id}', new on '{to.Id}', cannot be opened: {ex.Message}");
                }
            }
        }

        private static string Describe(FlowElement e) =>
            e is BoundaryEventElement b ? $"{BpmnDiff.TypeOf(e)}, {(b.CancelActivity ? "interrupting" : "non-interrupting")}" : BpmnDiff.TypeOf(e);
    }
}
