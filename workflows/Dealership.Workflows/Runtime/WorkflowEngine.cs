using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Runtime;

/// <summary>
/// Moves the tokens of a <see cref="WorkflowInstance"/> through its <see cref="ProcessModel"/>. Every
/// public method runs the instance until it waits again (for a task, a timer, a message or an
/// incident) and leaves the new state in the instance for the host to save. One call works on one
/// instance; calls on different instances may run in parallel.
/// </summary>
public sealed partial class WorkflowEngine(ActivityRegistry activities, TimeProvider clock, IServiceProvider? services = null)
{
    private long _steps;

    /// <summary>Element activations and completions executed by this engine, for the benchmark.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    public TimeProvider Clock => clock;

    public async Task<WorkflowInstance> StartAsync(ProcessModel process, JsonObject? variables = null, string? startEventId = null, Guid? instanceId = null, CancellationToken cancellationToken = default)
    {
        var start = startEventId is null
            ? process.TopLevel.FirstOrDefault(e => e.Kind == ElementKind.StartEvent && e.EventKind == EventKind.None)
              ?? process.TopLevel.FirstOrDefault(e => e.Kind == ElementKind.StartEvent)
            : process.Element(startEventId);
        if (start is null || start.Kind != ElementKind.StartEvent || start.Parent is not null)
            throw new InvalidOperationException($"Process '{process.Id}' has no start event{(startEventId is null ? "" : $" '{startEventId}'")}.");

        var now = clock.GetUtcNow();
        var instance = new WorkflowInstance
        {
            Id = instanceId ?? Guid.NewGuid(),
            ProcessId = process.Id,
            Status = InstanceStatus.Active,
            StartedAt = now,
        };
        var run = new Run(this, process, instance, cancellationToken);
        run.Log(process.Id, null, "started", detail: start.Id);
        var ei = run.NewElement(start, null);
        // A message start's variables pass through the start event, so its output mappings apply.
        run.Enqueue(new Run.CompleteWork(ei, variables is null ? null : (JsonObject)variables.DeepClone(), null));
        await run.DrainAsync();
        return instance;
    }

    private async Task Resume(ProcessModel process, WorkflowInstance instance, CancellationToken cancellationToken, Action<Run> action)
    {
        if (instance.Status != InstanceStatus.Active)
            throw new WorkflowStateException($"Instance {instance.Id} is {instance.Status.ToString().ToLowerInvariant()}.");
        var run = new Run(this, process, instance, cancellationToken);
        action(run);
        await run.DrainAsync();
    }

    /// <summary>One call's work on one instance: a queue of steps run until the instance waits.</summary>
    private sealed partial class Run(WorkflowEngine engine, ProcessModel process, WorkflowInstance instance, CancellationToken cancellationToken)
    {
        internal abstract record Work;
        internal sealed record ActivateWork(ElementInstance Element) : Work;
        internal sealed record CompleteWork(ElementInstance Element, JsonObject? Variables, SequenceFlow? OnlyFlow) : Work;
        internal sealed record TakeFlowWork(SequenceFlow Flow, long? ScopeKey) : Work;

        private readonly Queue<Work> _queue = new();
        // Tokens on a sequence flow, not yet at their target: a scope with any is not finished.
        private readonly Dictionary<long, int> _inFlight = [];
        private readonly HashSet<long> _terminatedScopes = [];
        private const long RootScope = 0;

        private TimeProvider Clock => engine.Clock;
        private DateTimeOffset Now => Clock.GetUtcNow();

        public void Enqueue(Work work)
        {
            if (work is TakeFlowWork flow)
                _inFlight[flow.ScopeKey ?? RootScope] = _inFlight.GetValueOrDefault(flow.ScopeKey ?? RootScope) + 1;
            _queue.Enqueue(work);
        }

        public async Task DrainAsync()
        {
            while (_queue.TryDequeue(out var work))
            {
                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Increment(ref engine._steps);
                switch (work)
                {
                    case ActivateWork a when instance.Elements.Contains(a.Element):
                        await ActivateAsync(a.Element);
                        break;
                    case CompleteWork c when instance.Elements.Contains(c.Element):
                        Complete(c.Element, c.Variables, c.OnlyFlow);
                        break;
                    case TakeFlowWork t when _terminatedScopes.Contains(t.ScopeKey ?? RootScope):
                        break;
                    case TakeFlowWork t:
                        _inFlight[t.ScopeKey ?? RootScope]--;
                        if (instance.Status == InstanceStatus.Active && (t.ScopeKey is null || instance.Elements.Any(e => e.Key == t.ScopeKey)))
                            Arrive(t.Flow, t.ScopeKey);
                        break;
                }
            }
        }

        public void Log(string elementId, long? key, string outcome, JsonObject? changed = null, string? detail = null) =>
            instance.Journal.Add(new JournalEntry(Now, elementId, key, outcome, changed is { Count: > 0 } ? changed : null, detail));

        public ElementInstance ElementInstance(long key) => instance.Elements.FirstOrDefault(e => e.Key == key)
            ?? throw new WorkflowStateException($"Element instance {key} is no longer active in instance {instance.Id}.");

        public ElementInstance NewElement(FlowElement element, long? scopeKey)
        {
            var ei = new ElementInstance { Key = instance.NewKey(), ElementId = element.Id, ScopeKey = scopeKey, ActivatedAt = Now };
            instance.Elements.Add(ei);
            return ei;
        }

        private async Task ActivateAsync(ElementInstance ei)
        {
            var element = process.Element(ei.ElementId);
            ei.State = ElementState.Active;
            Log(element.Id, ei.Key, "activated");
            try
            {
                if (element.Inputs.Count > 0)
                {
                    ei.Local = [];
                    foreach (var input in element.Inputs)
                        SetPath(ei.Local, input.Target, Evaluate(input.Source, ei, $"input mapping to '{input.Target}'"));
                }

                switch (element.Kind)
                {
                    case ElementKind.StartEvent:
                    case ElementKind.BoundaryEvent:
                    case ElementKind.ParallelGateway:
                        Enqueue(new CompleteWork(ei, null, null));
                        break;
                    case ElementKind.EndEvent:
                        if (element.EventKind == EventKind.Terminate)
                        {
                            foreach (var other in instance.Elements.Where(e => e.ScopeKey == ei.ScopeKey && e != ei).ToList())
                                Terminate(other);
                            instance.JoinArrivals.RemoveAll(j => j.ScopeKey == ei.ScopeKey);
                            // Tokens still on their way inside this scope are dropped with it.
                            _terminatedScopes.Add(ei.ScopeKey ?? RootScope);
                            _inFlight[ei.ScopeKey ?? RootScope] = 0;
                            Log(element.Id, ei.Key, "terminated-scope");
                            Complete(ei, null, null);
                            break;
                        }
                        Enqueue(new CompleteWork(ei, null, null));
                        break;
                    case ElementKind.ServiceTask:
                        await ExecuteServiceTaskAsync(ei, (TaskElement)element);
                        break;
                    case ElementKind.UserTask:
                        OpenBoundaries(ei, element);
                        OpenUserTask(ei, (TaskElement)element);
                        break;
                    case ElementKind.ReceiveTask:
                        OpenBoundaries(ei, element);
                        OpenMessageWait(ei, element, element);
                        ei.State = ElementState.Waiting;
                        break;
                    case ElementKind.IntermediateCatchEvent:
                        if (element.EventKind == EventKind.Timer)
                            OpenTimer(ei, element);
                        else
                            OpenMessageWait(ei, element, element);
                        ei.State = ElementState.Waiting;
                        break;
                    case ElementKind.EventBasedGateway:
                        foreach (var flow in element.Outgoing)
                        {
                            if (flow.Target.EventKind == EventKind.Timer)
                                OpenTimer(ei, flow.Target);
                            else
                                OpenMessageWait(ei, flow.Target, flow.Target);
                        }
                        ei.State = ElementState.Waiting;
                        break;
                    case ElementKind.ExclusiveGateway:
                        ChoosePath(ei, (GatewayElement)element);
                        break;
                    case ElementKind.SubProcess:
                        OpenBoundaries(ei, element);
                        ei.State = ElementState.Waiting;
                        var start = process.StartEvents((SubProcessElement)element).First();
                        Enqueue(new ActivateWork(NewElement(start, ei.Key)));
                        break;
                    default:
                        throw new IncidentException("unsupported", $"The element type {element.XmlName} is not supported.");
                }
            }
            catch (FeelEvaluationException ex)
            {
                RemoveWaits(ei);
                RaiseIncident(ei, "expression", ex.Message, IncidentPhase.Activate, null);
            }
            catch (IncidentException ex)
            {
                RemoveWaits(ei);
                RaiseIncident(ei, ex.Kind, ex.Message, IncidentPhase.Activate, null);
            }
        }

        private void OpenBoundaries(ElementInstance ei, FlowElement element)
        {
            foreach (var boundary in element.Boundaries)
            {
                if (boundary.EventKind == EventKind.Timer)
                    OpenTimer(ei, boundary);
                else if (boundary.EventKind == EventKind.Message)
                    OpenMessageWait(ei, boundary, boundary);
            }
        }

        private void ChoosePath(ElementInstance ei, GatewayElement gateway)
        {
            foreach (var flow in gateway.Outgoing)
            {
                if (flow.Id == gateway.DefaultFlowId)
                    continue;
                if (flow.Condition is null)
                {
                    // Only a lone outgoing flow may go without a condition (the checker refuses the rest).
                    Enqueue(new CompleteWork(ei, null, flow));
                    return;
                }
                var result = EvaluateValue(flow.Condition, ei, $"condition of flow '{flow.Id}'");
                if (result is not bool b)
                    throw new IncidentException("condition", $"The condition of flow '{flow.Id}' \"{flow.Condition.Raw.Trim()}\" gave {FeelValues.Describe(result)}, not true or false.");
                if (b)
                {
                    Enqueue(new CompleteWork(ei, null, flow));
                    return;
                }
            }
            var fallback = gateway.Outgoing.FirstOrDefault(f => f.Id == gateway.DefaultFlowId)
                ?? throw new IncidentException("condition", "No condition was true and the gateway has no default flow.");
            Enqueue(new CompleteWork(ei, null, fallback));
        }

        public void Trigger(long ownerKey, FlowElement eventElement, object wait, JsonObject? variables)
        {
            var owner = ElementInstance(ownerKey);
            var ownerElement = process.Element(owner.ElementId);
            if (eventElement is BoundaryEventElement boundary)
            {
                if (boundary.CancelActivity)
                {
                    Log(owner.ElementId, owner.Key, "interrupted", detail: boundary.Id);
                    Terminate(owner);
                }
                else if (wait is TimerWait timer)
                {
                    RearmOrRemove(timer);
                }
                var ei = NewElement(boundary, owner.ScopeKey);
                Log(boundary.Id, ei.Key, "activated");
                Enqueue(new CompleteWork(ei, variables, null));
                return;
            }
            if (ownerElement.Kind == ElementKind.EventBasedGateway)
            {
                RemoveWaits(owner);
                instance.Elements.Remove(owner);
                Log(owner.ElementId, owner.Key, "completed", detail: $"{eventElement.Id} came first; the other events are withdrawn");
                var ei = NewElement(eventElement, owner.ScopeKey);
                Log(eventElement.Id, ei.Key, "activated");
                Enqueue(new CompleteWork(ei, variables, null));
                return;
            }
            RemoveWaits(owner);
            Enqueue(new CompleteWork(owner, variables, null));
        }

        private void Complete(ElementInstance ei, JsonObject? variables, SequenceFlow? onlyFlow)
        {
            var element = process.Element(ei.ElementId);
            var changed = new JsonObject();
            try
            {
                if (element.Outputs.Count > 0)
                {
                    var produced = new List<(string, JsonNode?)>();
                    foreach (var output in element.Outputs)
                        produced.Add((output.Target, Evaluate(output.Source, ei, $"output mapping to '{output.Target}'", variables)));
                    foreach (var (target, value) in produced)
                    {
                        SetPath(instance.Variables, target, value);
                        changed[target] = value?.DeepClone();
                    }
                }
                else if (variables is not null)
                {
                    foreach (var (name, value) in variables)
                    {
                        instance.Variables[name] = value?.DeepClone();
                        changed[name] = value?.DeepClone();
                    }
                }
            }
            catch (FeelEvaluationException ex)
            {
                RaiseIncident(ei, "mapping", ex.Message, IncidentPhase.Complete, variables);
                return;
            }

            RemoveWaits(ei);
            instance.Elements.Remove(ei);
            Log(element.Id, ei.Key, "completed", changed, onlyFlow is null ? null : $"took {onlyFlow.Id}");

            var flows = onlyFlow is not null ? [onlyFlow] : element.Outgoing;
            foreach (var flow in flows)
                Enqueue(new TakeFlowWork(flow, ei.ScopeKey));
            if (flows.Count == 0)
                CompleteScopeIfDone(ei.ScopeKey);
        }

        private void Arrive(SequenceFlow flow, long? scopeKey)
        {
            Log(flow.Id, null, "taken");
            var target = flow.Target;
            if (target.Kind == ElementKind.ParallelGateway && target.Incoming.Count > 1)
            {
                instance.JoinArrivals.Add(new JoinArrival(scopeKey, target.Id, flow.Id));
                var arrived = target.Incoming.Where(f => instance.JoinArrivals.Contains(new JoinArrival(scopeKey, target.Id, f.Id))).ToList();
                if (arrived.Count < target.Incoming.Count)
                {
                    Log(target.Id, null, "joining", detail: $"{arrived.Count} of {target.Incoming.Count} incoming flows arrived");
                    return;
                }
                // One token from each incoming flow; extra tokens on a flow wait for the next round.
                foreach (var f in target.Incoming)
                    instance.JoinArrivals.Remove(new JoinArrival(scopeKey, target.Id, f.Id));
            }
            Enqueue(new ActivateWork(NewElement(target, scopeKey)));
        }

        private void CompleteScopeIfDone(long? scopeKey)
        {
            if (instance.Status != InstanceStatus.Active)
                return;
            if (_inFlight.GetValueOrDefault(scopeKey ?? RootScope) > 0
                || instance.Elements.Any(e => e.ScopeKey == scopeKey)
                || instance.JoinArrivals.Any(j => j.ScopeKey == scopeKey))
                return;
            if (scopeKey is null)
            {
                instance.Status = InstanceStatus.Completed;
                instance.EndedAt = Now;
                Log(process.Id, null, "completed");
                return;
            }
            Enqueue(new CompleteWork(ElementInstance(scopeKey.Value), null, null));
        }

        private void Terminate(ElementInstance ei)
        {
            foreach (var child in instance.Elements.Where(e => e.ScopeKey == ei.Key).ToList())
                Terminate(child);
            instance.JoinArrivals.RemoveAll(j => j.ScopeKey == ei.Key);
            RemoveWaits(ei);
            foreach (var incident in instance.Incidents.Where(i => i.ElementInstanceKey == ei.Key && i.ResolvedAt is null))
                incident.ResolvedAt = Now;
            instance.Elements.Remove(ei);
            Log(ei.ElementId, ei.Key, "terminated");
        }

        private void RemoveWaits(ElementInstance ei)
        {
            instance.Timers.RemoveAll(t => t.ElementInstanceKey == ei.Key);
            instance.Messages.RemoveAll(m => m.ElementInstanceKey == ei.Key);
            instance.Jobs.RemoveAll(j => j.Key == ei.Key);
            instance.UserTasks.RemoveAll(t => t.Key == ei.Key);
        }
    }

    private IWorkflowActivity? Find(string type) => activities.Find(type, services);
}

/// <summary>A run-time problem the engine turns into an incident on the element.</summary>
internal sealed class IncidentException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;
}

/// <summary>The caller asked for something the instance's state does not allow (a job that is gone, a finished instance).</summary>
public sealed class WorkflowStateException(string message) : InvalidOperationException(message);
