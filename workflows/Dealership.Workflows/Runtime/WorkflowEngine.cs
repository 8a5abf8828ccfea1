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

    /// <summary>Completes a service task whose activity chose to wait.</summary>
    public Task CompleteJobAsync(ProcessModel process, WorkflowInstance instance, long jobKey, JsonObject? variables = null, CancellationToken cancellationToken = default)
    {
        var job = instance.Jobs.FirstOrDefault(j => j.Key == jobKey)
            ?? throw new WorkflowStateException($"There is no open job {jobKey} in instance {instance.Id}.");
        return Resume(process, instance, cancellationToken, run => run.Enqueue(new Run.CompleteWork(run.ElementInstance(job.Key), variables, null)));
    }

    /// <summary>Reports a service task that failed outside: the instance gets an incident on it.</summary>
    public Task FailJobAsync(ProcessModel process, WorkflowInstance instance, long jobKey, string reason, CancellationToken cancellationToken = default)
    {
        var job = instance.Jobs.FirstOrDefault(j => j.Key == jobKey)
            ?? throw new WorkflowStateException($"There is no open job {jobKey} in instance {instance.Id}.");
        return Resume(process, instance, cancellationToken, run =>
        {
            instance.Jobs.Remove(job);
            run.RaiseIncident(run.ElementInstance(job.Key), "activity-failed", reason, IncidentPhase.Activate, null);
        });
    }

    public Task CompleteUserTaskAsync(ProcessModel process, WorkflowInstance instance, long taskKey, JsonObject? variables = null, CancellationToken cancellationToken = default)
    {
        var task = instance.UserTasks.FirstOrDefault(t => t.Key == taskKey)
            ?? throw new WorkflowStateException($"There is no open user task {taskKey} in instance {instance.Id}.");
        return Resume(process, instance, cancellationToken, run => run.Enqueue(new Run.CompleteWork(run.ElementInstance(task.Key), variables, null)));
    }

    /// <summary>
    /// Fires a timer that is due. Returns false, changing nothing, when the timer no longer exists
    /// (already fired, or withdrawn) or is not yet due: a timer never fires early.
    /// </summary>
    public async Task<bool> FireTimerAsync(ProcessModel process, WorkflowInstance instance, long timerKey, CancellationToken cancellationToken = default)
    {
        var timer = instance.Timers.FirstOrDefault(t => t.Key == timerKey);
        if (timer is null || timer.DueAt > clock.GetUtcNow() || instance.Status != InstanceStatus.Active)
            return false;
        await Resume(process, instance, cancellationToken, run =>
        {
            run.Log(timer.ElementId, timer.ElementInstanceKey, "timer-fired", detail: $"due {FeelValues.FormatDateTime(timer.DueAt)}");
            run.Trigger(timer.ElementInstanceKey, process.Element(timer.ElementId), timer, null);
        });
        return true;
    }

    /// <summary>Fires every timer of the instance that is due now; returns how many fired.</summary>
    public async Task<int> FireDueTimersAsync(ProcessModel process, WorkflowInstance instance, CancellationToken cancellationToken = default)
    {
        var fired = 0;
        while (instance.Timers.Where(t => t.DueAt <= clock.GetUtcNow()).OrderBy(t => t.DueAt).FirstOrDefault() is { } due)
        {
            if (!await FireTimerAsync(process, instance, due.Key, cancellationToken))
                break;
            fired++;
        }
        return fired;
    }

    /// <summary>Delivers a message to one of the instance's open subscriptions; false when it is gone.</summary>
    public async Task<bool> CorrelateMessageAsync(ProcessModel process, WorkflowInstance instance, long subscriptionKey, JsonObject? variables = null, CancellationToken cancellationToken = default)
    {
        var wait = instance.Messages.FirstOrDefault(m => m.Key == subscriptionKey);
        if (wait is null || instance.Status != InstanceStatus.Active)
            return false;
        await Resume(process, instance, cancellationToken, run =>
        {
            run.Log(wait.ElementId, wait.ElementInstanceKey, "message-correlated", detail: $"{wait.MessageName} / {wait.CorrelationKey}");
            run.Trigger(wait.ElementInstanceKey, process.Element(wait.ElementId), wait, variables);
        });
        return true;
    }

    /// <summary>Finds the open subscription a message with this name and key would take.</summary>
    public static MessageWait? FindSubscription(WorkflowInstance instance, string messageName, string correlationKey) =>
        instance.Messages.Where(m => m.MessageName == messageName && m.CorrelationKey == correlationKey).OrderBy(m => m.Key).FirstOrDefault();

    /// <summary>Sets process variables, for example to fix the cause of an incident before retrying it.</summary>
    public Task SetVariablesAsync(ProcessModel process, WorkflowInstance instance, JsonObject variables, CancellationToken cancellationToken = default) =>
        Resume(process, instance, cancellationToken, run => run.MergeVariables(process.Id, null, variables));

    public Task RetryIncidentAsync(ProcessModel process, WorkflowInstance instance, long incidentKey, CancellationToken cancellationToken = default)
    {
        var incident = instance.Incidents.FirstOrDefault(i => i.Key == incidentKey && i.ResolvedAt is null)
            ?? throw new WorkflowStateException($"There is no open incident {incidentKey} in instance {instance.Id}.");
        return Resume(process, instance, cancellationToken, run => run.Retry(incident));
    }

    public Task CancelAsync(ProcessModel process, WorkflowInstance instance, string reason = "cancelled", CancellationToken cancellationToken = default) =>
        Resume(process, instance, cancellationToken, run => run.Cancel(reason));

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

        private Func<string, JsonNode?> Lookup(ElementInstance? ei, JsonObject? first = null)
        {
            // Innermost first: the values just produced, the element's own locals, its sub-processes' locals, the process.
            var chain = new List<JsonObject>();
            if (first is not null)
                chain.Add(first);
            for (var scope = ei; scope is not null; scope = scope.ScopeKey is { } k ? instance.Elements.FirstOrDefault(e => e.Key == k) : null)
            {
                if (scope.Local is not null)
                    chain.Add(scope.Local);
            }
            chain.Add(instance.Variables);
            return name =>
            {
                foreach (var vars in chain)
                {
                    if (vars.TryGetPropertyValue(name, out var node))
                        return node;
                }
                return null;
            };
        }

        private JsonObject VariablesFor(ElementInstance ei)
        {
            var merged = (JsonObject)instance.Variables.DeepClone();
            var locals = new List<JsonObject>();
            for (var scope = ei; scope is not null; scope = scope.ScopeKey is { } k ? instance.Elements.FirstOrDefault(e => e.Key == k) : null)
            {
                if (scope.Local is not null)
                    locals.Insert(0, scope.Local);
            }
            foreach (var local in locals)
            {
                foreach (var (name, value) in local)
                    merged[name] = value?.DeepClone();
            }
            return merged;
        }

        private static void SetPath(JsonObject target, string path, JsonNode? value)
        {
            var parts = path.Split('.');
            var node = target;
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject child)
                {
                    child = [];
                    node[part] = child;
                }
                node = child;
            }
            node[parts[^1]] = value;
        }

        public void MergeVariables(string elementId, long? key, JsonObject variables)
        {
            var changed = new JsonObject();
            foreach (var (name, value) in variables)
            {
                instance.Variables[name] = value?.DeepClone();
                changed[name] = value?.DeepClone();
            }
            Log(elementId, key, "variables-set", changed);
        }

        public void RaiseIncident(ElementInstance ei, string kind, string message, IncidentPhase phase, JsonObject? pending)
        {
            ei.State = ElementState.Incident;
            var incident = new Incident
            {
                Key = instance.NewKey(),
                ElementInstanceKey = ei.Key,
                ElementId = ei.ElementId,
                Kind = kind,
                Message = message,
                CreatedAt = Now,
                Phase = phase,
                PendingVariables = pending is null ? null : (JsonObject)pending.DeepClone(),
            };
            instance.Incidents.Add(incident);
            Log(ei.ElementId, ei.Key, "incident", detail: $"{kind}: {message}");
        }

        public void Retry(Incident incident)
        {
            incident.ResolvedAt = Now;
            var ei = instance.Elements.FirstOrDefault(e => e.Key == incident.ElementInstanceKey);
            Log(incident.ElementId, incident.ElementInstanceKey, "incident-retried", detail: incident.Message);
            if (ei is null)
                return;
            ei.State = ElementState.Active;
            if (incident.Phase == IncidentPhase.Activate)
            {
                RemoveWaits(ei);
                Enqueue(new ActivateWork(ei));
            }
            else
            {
                Enqueue(new CompleteWork(ei, incident.PendingVariables, null));
            }
        }

        public void Cancel(string reason)
        {
            foreach (var ei in instance.Elements.Where(e => e.ScopeKey is null).ToList())
                Terminate(ei);
            instance.JoinArrivals.Clear();
            instance.Status = InstanceStatus.Cancelled;
            instance.EndedAt = Now;
            Log(process.Id, null, "cancelled", detail: reason);
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

        private JsonNode? Evaluate(ZeebeValue value, ElementInstance ei, string what, JsonObject? first = null)
        {
            try
            {
                return FeelValues.ToJson(value.Evaluate(Lookup(ei, first), Clock));
            }
            catch (FeelEvaluationException ex)
            {
                throw new FeelEvaluationException($"The {what} \"{value.Raw.Trim()}\" failed: {ex.Message}");
            }
        }

        private object? EvaluateValue(ZeebeValue value, ElementInstance ei, string what)
        {
            try
            {
                return value.Evaluate(Lookup(ei), Clock);
            }
            catch (FeelEvaluationException ex)
            {
                throw new FeelEvaluationException($"The {what} \"{value.Raw.Trim()}\" failed: {ex.Message}");
            }
        }

        private async Task ExecuteServiceTaskAsync(ElementInstance ei, TaskElement task)
        {
            var type = task.TaskType is null ? null : EvaluateValue(task.TaskType, ei, "task type") as string;
            if (string.IsNullOrEmpty(type))
                throw new IncidentException("no-activity", "The service task has no task type.");
            var activity = engine.Find(type)
                ?? throw new IncidentException("no-activity", $"No registered activity implements the task type '{type}'.");
            OpenBoundaries(ei, task);

            ActivityResult result;
            try
            {
                var context = new ActivityContext(instance.Id, process.Id, task.Id, ei.Key, type, task.Headers, VariablesFor(ei), Clock);
                result = await activity.ExecuteAsync(context, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Boundary events stay armed: a timeout may still take the instance elsewhere.
                RaiseIncident(ei, "activity-failed", $"The activity '{type}' failed: {ex.Message}", IncidentPhase.Activate, null);
                return;
            }
            if (result is ActivityResult.Completed completed)
            {
                Enqueue(new CompleteWork(ei, completed.Variables, null));
                return;
            }
            ei.State = ElementState.Waiting;
            instance.Jobs.Add(new JobWait { Key = ei.Key, ElementId = task.Id, TaskType = type, CreatedAt = Now });
            Log(task.Id, ei.Key, "waiting", detail: $"job {type}");
        }

        private void OpenUserTask(ElementInstance ei, TaskElement task)
        {
            string? Text(ZeebeValue? v, string what) => v is null ? null : EvaluateValue(v, ei, what) switch
            {
                null => null,
                string s => s,
                var other => FeelValues.ToJson(other)?.ToJsonString(),
            };
            DateTimeOffset? Date(ZeebeValue? v, string what)
            {
                if (v is null)
                    return null;
                var value = EvaluateValue(v, ei, what);
                if (value is null)
                    return null;
                if (FeelValues.TryAsDateTime(value, out var d) || (value is string s && FeelValues.TryParseDateTime(s, out d)))
                    return d;
                throw new IncidentException("expression", $"The {what} \"{v.Raw}\" gave {FeelValues.Describe(value)}, not a date and time.");
            }

            var groups = task.CandidateGroups is null ? null : EvaluateValue(task.CandidateGroups, ei, "candidate groups") switch
            {
                null => null,
                string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
                IList<object?> list => list.Select(i => i?.ToString() ?? "").ToList(),
                var other => throw new IncidentException("expression", $"The candidate groups gave {FeelValues.Describe(other)}, not a list."),
            };
            instance.UserTasks.Add(new UserTaskWait
            {
                Key = ei.Key,
                ElementId = task.Id,
                Name = task.Name,
                Assignee = Text(task.Assignee, "assignee"),
                CandidateGroups = groups,
                DueAt = Date(task.DueDate, "due date"),
                FollowUpAt = Date(task.FollowUpDate, "follow-up date"),
                Inputs = ei.Local is null ? null : (JsonObject)ei.Local.DeepClone(),
                CreatedAt = Now,
            });
            ei.State = ElementState.Waiting;
            Log(task.Id, ei.Key, "waiting", detail: "user task");
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

        private void OpenTimer(ElementInstance owner, FlowElement eventElement)
        {
            var timer = eventElement.Timer ?? throw new IncidentException("unsupported", $"'{eventElement.Id}' has no timer definition.");
            var value = EvaluateValue(timer.Value, owner, "timer");
            var now = Now;
            var wait = new TimerWait { Key = instance.NewKey(), ElementInstanceKey = owner.Key, ElementId = eventElement.Id };
            switch (timer.Kind)
            {
                case TimerKind.Duration:
                    wait.DueAt = now + value switch
                    {
                        TimeSpan t => t,
                        string s when FeelValues.TryParseDuration(s, out var t, out _) => t,
                        _ => throw new IncidentException("expression", $"The timer \"{timer.Value.Raw.Trim()}\" gave {FeelValues.Describe(value)}, not a duration."),
                    };
                    break;
                case TimerKind.Date:
                    wait.DueAt = value is not null && FeelValues.TryAsDateTime(value, out var d) ? d
                        : value is string text && FeelValues.TryParseDateTime(text, out d) ? d
                        : throw new IncidentException("expression", $"The timer \"{timer.Value.Raw.Trim()}\" gave {FeelValues.Describe(value)}, not a date and time.");
                    break;
                default:
                    if (value is not string cycleText || !TimerValues.TryReadCycle(cycleText, out var cycle, out var error))
                        throw new IncidentException("expression", $"The timer \"{timer.Value.Raw.Trim()}\" gave {FeelValues.Describe(value)}, not a cycle such as R3/PT1H.");
                    wait.DueAt = cycle!.Start is { } first && first > now ? first : now + cycle.Interval;
                    wait.Interval = cycle.Interval;
                    wait.RemainingRepetitions = cycle.Repetitions - 1;
                    break;
            }
            instance.Timers.Add(wait);
            Log(eventElement.Id, owner.Key, "timer-scheduled", detail: $"due {FeelValues.FormatDateTime(wait.DueAt)}");
        }

        private void OpenMessageWait(ElementInstance owner, FlowElement eventElement, FlowElement messageElement)
        {
            var message = messageElement.Message ?? throw new IncidentException("unsupported", $"'{eventElement.Id}' has no message.");
            var key = message.CorrelationKey is null ? null : EvaluateValue(message.CorrelationKey, owner, "correlation key") switch
            {
                null => null,
                string s => s,
                decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture),
                var other => throw new IncidentException("expression", $"The correlation key gave {FeelValues.Describe(other)}; it must be a string or a number."),
            };
            if (key is null)
                throw new IncidentException("expression", $"The correlation key \"{message.CorrelationKey?.Raw.Trim()}\" of message '{message.Name}' is null.");
            instance.Messages.Add(new MessageWait
            {
                Key = instance.NewKey(), ElementInstanceKey = owner.Key, ElementId = eventElement.Id,
                MessageName = message.Name!, CorrelationKey = key, OpenedAt = Now,
            });
            Log(eventElement.Id, owner.Key, "message-awaited", detail: $"{message.Name} / {key}");
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

        private void RearmOrRemove(TimerWait timer)
        {
            if (timer.Interval is not { } interval || timer.RemainingRepetitions is 0)
            {
                instance.Timers.Remove(timer);
                return;
            }
            // After downtime a cycle fires once, late, then keeps its rhythm from now: no burst of missed fires.
            var next = timer.DueAt + interval;
            timer.DueAt = next > Now ? next : Now + interval;
            if (timer.RemainingRepetitions is { } left)
                timer.RemainingRepetitions = left - 1;
            timer.Key = instance.NewKey();
            Log(timer.ElementId, timer.ElementInstanceKey, "timer-scheduled", detail: $"due {FeelValues.FormatDateTime(timer.DueAt)}");
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
