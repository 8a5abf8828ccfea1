using System.Globalization;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.InvitationWorkflow.InvitationFlows;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;

namespace Dealership.InvitationWorkflow.Simulation;

public enum PromiseResult { None, Kept, Missed, Pending }

/// <summary>An SMS a simulated flow asked for: its purpose (template), whether to the customer (the rules apply) or the consultant, and when.</summary>
public readonly record struct SimulatedSms(string Purpose, bool ForCustomer, DateTimeOffset At);

/// <summary>
/// One recorded lead replayed through a version: the engine in memory on a clock of the lead's own, the flow's activities recording
/// what they would ask for, and every wait answered as the lead was answered (or as drawn from other leads) at the recorded delay.
/// What it records is what the report counts.
/// </summary>
public sealed class SimulatedLead
{
    private readonly RecordedLead _lead;
    private readonly RecordedHistory _history;
    private readonly ProcessModel _process;
    private readonly Random _random;
    private readonly DateTimeOffset _until;
    private readonly VirtualClock _clock;
    private readonly Dictionary<(WaitKind, long), Plan> _plans = [];
    private readonly HashSet<RecordedAnswer> _used = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _attempts = [];
    private readonly HashSet<long> _seenTasks = [];
    private readonly HashSet<string> _firstContactElements;
    private long? _firstContactKey;
    private DateTimeOffset? _firstContactDue;
    private DateTimeOffset? _firstContactClosed;
    private bool _firstContactTimerFired;
    private bool _firstContactWithdrawn;

    private SimulatedLead(RecordedLead lead, RecordedHistory history, ProcessModel process, int seed, DateTimeOffset until)
    {
        _lead = lead;
        _history = history;
        _process = process;
        _random = new Random(unchecked(seed * 397 ^ StableHash(lead.LeadId)));
        _until = until;
        _clock = new VirtualClock(lead.StartedAt);
        // The first-contact promise is the step of that kind; a flow without one promises on its first task.
        _firstContactElements = process.Elements.Values.OfType<TaskElement>()
            .Where(t => t.Kind == ElementKind.UserTask && t.Headers.GetValueOrDefault("kind") == TaskKinds.FirstContact)
            .Select(t => t.Id).ToHashSet();
    }

    /// <summary>The SMS notification sends the customer for each visit booked or moved (AppointmentBookedConsumer).</summary>
    private const string AppointmentConfirmation = "appointment-confirmation";

    public string LeadId => _lead.LeadId;
    public List<string> Path { get; } = [];
    /// <summary>The sequence flows taken, in order, so that a page can draw the way as the instance page draws a real one.</summary>
    public List<string> Flows { get; } = [];
    /// <summary>SMS the flow asks for, in order: purpose (template), whether to the customer, and when.</summary>
    public List<SimulatedSms> Sms { get; } = [];
    /// <summary>Each task opened: whose (a consultant's id, or <c>role:receptionist</c>) and when.</summary>
    public List<(string Who, DateTimeOffset At)> Tasks { get; } = [];
    public int BookingsRequested { get; private set; }
    public int VisitsBooked { get; private set; }
    public int SupervisorAlerts { get; private set; }
    public (bool Won, string Reason)? Closed { get; private set; }
    public int Replayed { get; private set; }
    public int Drawn { get; private set; }
    public int WithoutRecord { get; private set; }
    public InstanceStatus Status { get; private set; }
    public bool HasIncident { get; private set; }
    public PromiseResult Promise { get; private set; }

    public static async Task<SimulatedLead> RunAsync(RecordedLead lead, RecordedHistory history, ProcessModel process, IEnumerable<string> taskTypes,
        int version, int seed, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var simulated = new SimulatedLead(lead, history, process, seed, until);
        await simulated.RunAsync(taskTypes, version, cancellationToken);
        return simulated;
    }

    private async Task RunAsync(IEnumerable<string> taskTypes, int version, CancellationToken cancellationToken)
    {
        var activities = new ActivityRegistry();
        foreach (var type in taskTypes)
            activities.Register(type, context => Act(type, context));
        var engine = new WorkflowEngine(activities, _clock);
        var variables = (JsonObject)_lead.Variables.DeepClone();
        variables["flowVersion"] = version;
        var instance = await engine.StartAsync(_process, variables, instanceId: _lead.InstanceId, cancellationToken: cancellationToken);
        Observe(instance);

        // A bound against a flow that loops on timers alone for ever.
        for (var step = 0; step < 10_000 && instance.Status == InstanceStatus.Active; step++)
        {
            var timer = instance.Timers.MinBy(t => t.DueAt);
            var plan = _plans.Values.Where(p => p is { At: not null, Done: false } && IsOpen(instance, p)).MinBy(p => p.At);
            // A timer due at the moment an answer comes fires first, as the timer poller would have run by then.
            var timerFirst = timer is not null && (plan is null || timer.DueAt <= plan.At);
            var at = timerFirst ? timer!.DueAt : plan?.At;
            // Ended from outside the flow (closed by hand, an opt-out) at the same point of the lead's life as recorded.
            if (_lead.CancelledAt is { } cancelled && (at is null || cancelled < at) && cancelled <= _until)
            {
                if (cancelled > _clock.Now)
                    _clock.Now = cancelled;
                // A first contact withdrawn with the lead was neither kept nor missed: nobody was to call any more.
                _firstContactWithdrawn = _firstContactKey is not null && _firstContactClosed is null;
                await engine.CancelAsync(_process, instance, "ended from outside the flow, as recorded", cancellationToken);
                Observe(instance);
                break;
            }
            if (at is null || at > _until)
                break;
            if (at > _clock.Now)
                _clock.Now = at.Value;
            if (timerFirst)
                await engine.FireTimerAsync(_process, instance, timer!.Key, cancellationToken);
            else
                await AnswerAsync(engine, instance, plan!, cancellationToken);
            Observe(instance);
        }

        Status = instance.Status;
        HasIncident = instance.HasOpenIncident;
        // A first step with neither a deadline timer nor a due date promises nothing.
        Promise = _firstContactKey is null || _firstContactWithdrawn || (!HasDeadlineTimer() && _firstContactDue is null) ? PromiseResult.None
            : _firstContactTimerFired ? PromiseResult.Missed
            : HasDeadlineTimer() ? (_firstContactClosed is null ? PromiseResult.Pending : PromiseResult.Kept)
            : _firstContactClosed is { } closed ? (closed <= _firstContactDue ? PromiseResult.Kept : PromiseResult.Missed)
            : _firstContactDue is { } due && due <= _until ? PromiseResult.Missed : PromiseResult.Pending;
    }

    private bool HasDeadlineTimer() =>
        _firstContactKey is not null && _process.Elements.Values.OfType<BoundaryEventElement>()
            .Any(b => b.EventKind == EventKind.Timer && _firstContactElements.Contains(b.AttachedToId));

    private async Task AnswerAsync(WorkflowEngine engine, WorkflowInstance instance, Plan plan, CancellationToken cancellationToken)
    {
        plan.Done = true;
        switch (plan.Kind)
        {
            case WaitKind.Task:
                await engine.CompleteUserTaskAsync(_process, instance, plan.Key, plan.Variables, cancellationToken);
                break;
            case WaitKind.Job:
                await engine.CompleteJobAsync(_process, instance, plan.Key, plan.Variables, cancellationToken);
                break;
            default:
                var subscription = instance.Messages.Where(m => m.ElementInstanceKey == plan.Key && m.MessageName == plan.MessageName)
                    .OrderBy(m => m.ElementId == plan.EventElementId ? 0 : 1).FirstOrDefault();
                // The version no longer waits for the message that came: nothing happens, as a message nobody waits for.
                if (subscription is null)
                    return;
                await engine.CorrelateMessageAsync(_process, instance, subscription.Key, plan.Variables, cancellationToken);
                break;
        }
        if (plan.Drawn)
            Drawn++;
        else
            Replayed++;
    }

    private static bool IsOpen(WorkflowInstance instance, Plan plan) => plan.Kind switch
    {
        WaitKind.Task => instance.UserTasks.Any(t => t.Key == plan.Key),
        WaitKind.Job => instance.Jobs.Any(j => j.Key == plan.Key),
        _ => instance.Messages.Any(m => m.ElementInstanceKey == plan.Key),
    };

    /// <summary>Takes in what the last engine call did: the path, the tasks it opened, the promise, and an answer for each new wait.</summary>
    private void Observe(WorkflowInstance instance)
    {
        foreach (var entry in instance.Journal)
        {
            if (entry.ElementInstanceKey is null)
            {
                if (entry.Outcome == "taken")
                    Flows.Add(entry.ElementId);
                continue;
            }
            if (entry.Outcome == "completed")
                Path.Add(entry.ElementId);
            else if (entry.Outcome == "message-correlated" && entry.Detail?.StartsWith("appointment-booked /", StringComparison.Ordinal) == true)
            {
                VisitsBooked++;
                // Notification confirms every booked visit to the customer by itself, whatever the flow then sends.
                Sms.Add(new SimulatedSms(AppointmentConfirmation, ForCustomer: true, _clock.Now));
            }
            else if (entry.Outcome == "message-correlated" && entry.Detail?.StartsWith("appointment-rescheduled /", StringComparison.Ordinal) == true)
                Sms.Add(new SimulatedSms(AppointmentConfirmation, ForCustomer: true, _clock.Now));
            else if (entry.Outcome == "timer-fired" && entry.ElementInstanceKey == _firstContactKey && _firstContactClosed is null
                && _process.Elements.GetValueOrDefault(entry.ElementId) is BoundaryEventElement)
                _firstContactTimerFired = true;
        }
        instance.Journal.Clear();

        if (_firstContactKey is { } first && _firstContactClosed is null && instance.UserTasks.All(t => t.Key != first))
            _firstContactClosed = _clock.Now;

        foreach (var task in instance.UserTasks.Where(t => _seenTasks.Add(t.Key)))
        {
            var element = _process.Elements.GetValueOrDefault(task.ElementId) as TaskElement;
            var who = task.Assignee ?? (task.CandidateGroups?.FirstOrDefault() is { } role ? "role:" + role : "unassigned");
            Tasks.Add((who, task.CreatedAt));
            // The consultant is told of the task by SMS where the step says so (ConsultantTaskMirror).
            if (task.Assignee is not null && element?.Headers.GetValueOrDefault("alertTemplate") is { Length: > 0 } template)
                Sms.Add(new SimulatedSms(template, ForCustomer: false, task.CreatedAt));
            if (_firstContactKey is null && (_firstContactElements.Count == 0 || _firstContactElements.Contains(task.ElementId)))
            {
                _firstContactKey = task.Key;
                _firstContactDue = task.DueAt;
                if (_firstContactElements.Count == 0)
                    _firstContactElements.Add(task.ElementId);
            }
        }

        foreach (var task in instance.UserTasks)
        {
            if (!_plans.ContainsKey((WaitKind.Task, task.Key)))
            {
                var element = _process.Elements.GetValueOrDefault(task.ElementId) as TaskElement;
                _plans[(WaitKind.Task, task.Key)] = PlanFor(WaitKind.Task, task.Key, task.ElementId, RecordedHistory.TaskKey(element, task.ElementId),
                    RecordedHistory.TaskFallbackKey(element), task.CreatedAt);
            }
        }
        foreach (var job in instance.Jobs)
        {
            if (!_plans.ContainsKey((WaitKind.Job, job.Key)))
                _plans[(WaitKind.Job, job.Key)] = PlanFor(WaitKind.Job, job.Key, job.ElementId, RecordedHistory.JobKey(job.TaskType), null, job.CreatedAt);
        }
        foreach (var group in instance.Messages.GroupBy(m => m.ElementInstanceKey))
        {
            if (_plans.ContainsKey((WaitKind.Messages, group.Key)))
                continue;
            var owner = instance.Elements.FirstOrDefault(e => e.Key == group.Key)?.ElementId ?? group.First().ElementId;
            _plans[(WaitKind.Messages, group.Key)] = PlanFor(WaitKind.Messages, group.Key, owner, RecordedHistory.MessagesKey(group.Select(m => m.MessageName)),
                null, group.Min(m => m.OpenedAt));
        }
    }

    private sealed class Plan
    {
        public required WaitKind Kind { get; init; }
        public required long Key { get; init; }
        public DateTimeOffset? At { get; init; }
        public JsonObject? Variables { get; init; }
        public string? MessageName { get; init; }
        public string? EventElementId { get; init; }
        public bool Drawn { get; init; }
        public bool Done { get; set; }
    }

    /// <summary>
    /// The answer a new wait gets: the lead's own next recorded answer at the same element, else at the same kind of step; else one drawn
    /// (seeded) from what other leads answered at that kind of step. None recorded anywhere: the wait stays open.
    /// </summary>
    private Plan PlanFor(WaitKind kind, long key, string elementId, string kindKey, string? fallbackKey, DateTimeOffset openedAt)
    {
        var attempt = _attempts.GetValueOrDefault(kindKey);
        _attempts[kindKey] = attempt + 1;
        var answer = _lead.Answers.FirstOrDefault(a => a.Kind == kind && a.ElementId == elementId && !_used.Contains(a))
            ?? _lead.Answers.FirstOrDefault(a => a.Kind == kind && a.KindKey == kindKey && !_used.Contains(a));
        var drawn = false;
        if (answer is not null)
            _used.Add(answer);
        else if (_history.Draws(kindKey, attempt, fallbackKey) is { Count: > 0 } pool)
        {
            answer = pool[_random.Next(pool.Count)];
            drawn = true;
        }
        if (answer?.Delay is not { } delay)
        {
            if (answer is null)
                WithoutRecord++;
            return new Plan { Kind = kind, Key = key };
        }
        var shift = openedAt - answer.OpenedAt;
        return new Plan
        {
            Kind = kind, Key = key, At = openedAt + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay),
            Variables = answer.Variables is null ? null : (JsonObject)Shift(answer.Variables.DeepClone(), shift)!,
            MessageName = answer.MessageName, EventElementId = answer.EventElementId, Drawn = drawn,
        };
    }

    /// <summary>
    /// Moves every moment in an answer (a visit time, a promised callback, a booked visit) by as much as the wait opened later or earlier
    /// than the recorded one: a customer who accepted a visit two days after the call accepts it two days after the simulated call.
    /// </summary>
    private static JsonNode? Shift(JsonNode? node, TimeSpan shift)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList())
                    o[name] = Shift(o[name], shift);
                return o;
            case JsonValue v when shift != TimeSpan.Zero && v.TryGetValue<string>(out var text) && text.Length >= 19 && text[10] == 'T'
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var moment):
                return JsonValue.Create((moment + shift).ToString("O", CultureInfo.InvariantCulture));
            default:
                return node;
        }
    }

    /// <summary>What a flow activity would have done, recorded; nothing is published, booked or stored.</summary>
    private ActivityResult Act(string taskType, ActivityContext context)
    {
        string? Header(string name) => context.Headers.GetValueOrDefault(name);
        switch (taskType)
        {
            case "send-sms":
                Sms.Add(new SimulatedSms(Header("template") ?? "", Header("recipient") != SmsRecipients.Consultant, _clock.Now));
                return ActivityResult.Complete();
            case "schedule-appointment":
                BookingsRequested++;
                return ActivityResult.Complete();
            case "notify-supervisor" or "alert-supervisor":
                SupervisorAlerts++;
                return ActivityResult.Complete();
            case "reassign-lead":
                // Waits for assignment's move, as the real activity does; the move is an answer like any other.
                return ActivityResult.Wait;
            case "close-lead":
                var won = bool.TryParse(Header("won"), out var w) && w;
                Closed = (won, Header("reason") ?? "");
                return ActivityResult.Complete(new JsonObject { ["closed"] = new JsonObject { ["won"] = won, ["reason"] = Header("reason") } });
            default:
                return ActivityResult.Complete();
        }
    }

    // string.GetHashCode differs per process: a seed must give the same draws on every run.
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
            hash = (hash ^ c) * 16777619u;
        return unchecked((int)hash);
    }

    /// <summary>The lead's own clock: it stands still while the engine steps and moves only to the next timer or answer.</summary>
    private sealed class VirtualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
