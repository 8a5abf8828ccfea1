using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;

namespace Dealership.InvitationWorkflow.Simulation;

/// <summary>A person's task in a play: the outcomes it offers (its <c>outcomes</c> header, else a call's).</summary>
public sealed record PlayTask(long Key, string ElementId, string? Name, IReadOnlyList<string> Outcomes, DateTimeOffset? DueAt);

public sealed record PlayTimer(long Key, string ElementId, DateTimeOffset DueAt);

public sealed record PlayMessage(long Key, string ElementId, string MessageName);

public sealed record PlayJob(long Key, string ElementId, string TaskType);

/// <summary>
/// Something the play did: <c>started</c>, <c>task</c> (detail: the outcome chosen), <c>timer</c>, <c>message</c> (its name), <c>job</c>,
/// <c>sms</c> (the template the flow would send), <c>booking</c>, <c>supervisor</c>, <c>closed-won</c>/<c>closed-lost</c> (the reason),
/// <c>incident</c> (the engine's message), <c>ended</c>.
/// </summary>
public sealed record PlayEvent(DateTimeOffset At, string ElementId, string What, string? Detail);

/// <summary>
/// One instance of a version stepped by hand, in memory: where its tokens are, what it waits for and what it did. <c>state</c> is the whole
/// play, to send back with the next step: nothing is kept on the server.
/// </summary>
public sealed record PlayView(
    string ProcessKey, string Version, string Status, DateTimeOffset StartedAt, DateTimeOffset At,
    IReadOnlyList<string> Completed, IReadOnlyList<string> Taken, IReadOnlyList<string> WaitingAt,
    IReadOnlyList<PlayTask> Tasks, IReadOnlyList<PlayTimer> Timers, IReadOnlyList<PlayMessage> Messages, IReadOnlyList<PlayJob> Jobs,
    IReadOnlyList<string> Incidents, IReadOnlyList<PlayEvent> Events, string State);

/// <summary>Why a step was refused: the key of the caller's words (<see cref="SimulationTexts"/>) and their arguments.</summary>
public sealed class PlayRefusal(string field, string textKey, params object?[] args) : Exception(textKey)
{
    public string Field { get; } = field;
    public string TextKey { get; } = textKey;
    public object?[] Args { get; } = args;
}

/// <summary>
/// Play mode: the real engine over one instance of a version (a draft too), in memory, on a clock that moves only when the person advances
/// it. Activities record what they would do, as in the simulation; a person answers each wait. The state travels with each request
/// (ADR 0518), so that no row is written and any replica can take the next step.
/// </summary>
public sealed class FlowPlay
{
    private static readonly string[] Contacts = ["no-answer", "wrong-number"];

    /// <summary>The play's state as it travels: the instance, the clock and what happened so far.</summary>
    private sealed record State(Guid DefinitionId, JsonNode Instance, DateTimeOffset At, List<string> Completed, List<string> Taken, List<PlayEvent> Events);

    private static readonly JsonSerializerOptions Json = WorkflowInstance.JsonOptions;

    private readonly ProcessModel _process;
    private readonly PlayClock _clock;
    private readonly WorkflowEngine _engine;
    private readonly State _state;
    private WorkflowInstance _instance = null!;

    private FlowPlay(ProcessModel process, IEnumerable<string> taskTypes, State state)
    {
        _process = process;
        _state = state;
        _clock = new PlayClock(state.At);
        var activities = new ActivityRegistry();
        foreach (var type in taskTypes)
            activities.Register(type, context => Act(type, context));
        _engine = new WorkflowEngine(activities, _clock);
    }

    /// <summary>Starts an instance at <paramref name="now"/> with the variables a lead's flow starts with, for a made-up lead.</summary>
    public static async Task<FlowPlay> StartAsync(Guid definitionId, ProcessModel process, IEnumerable<string> taskTypes, int version, Guid? dealershipId,
        bool chinese, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var play = new FlowPlay(process, taskTypes, new State(definitionId, new JsonObject(), now, [], [], []));
        var variables = new JsonObject
        {
            ["leadId"] = Guid.NewGuid().ToString(),
            ["dealershipId"] = dealershipId?.ToString(),
            ["source"] = process.Id == "inbound-call" ? "inbound-call" : "oem",
            ["customerName"] = chinese ? "试运行客户" : "Play customer",
            ["vehicleOfInterest"] = null,
            // Assignees are read from consultantId: a play's tasks are the consultant's, named as such.
            ["consultantId"] = "play-consultant",
            ["consultantName"] = chinese ? "销售顾问" : "Sales consultant",
            ["assignedAt"] = now.ToString("O"),
            ["noAnswerCount"] = 0,
            ["flowVersion"] = version,
        };
        play._instance = await play._engine.StartAsync(process, variables, cancellationToken: cancellationToken);
        play.Note(process.Id, "started", null);
        play.Observe([]);
        return play;
    }

    /// <summary>The play a state sent back by the client describes; refused when it is unreadable or of another version.</summary>
    public static FlowPlay Resume(string? encoded, Guid definitionId, ProcessModel process, IEnumerable<string> taskTypes)
    {
        State? state;
        WorkflowInstance instance;
        try
        {
            state = JsonSerializer.Deserialize<State>(Encoding.UTF8.GetString(Convert.FromBase64String(encoded ?? "")), Json);
            instance = state?.Instance.Deserialize<WorkflowInstance>(Json) ?? throw new JsonException();
        }
        catch (Exception e) when (e is FormatException or JsonException or NotSupportedException or ArgumentException)
        {
            throw new PlayRefusal("state", "PlayStateUnreadable");
        }
        // The draft was saved again (or another version named): its elements may no longer be those the play stands on.
        if (state!.DefinitionId != definitionId || instance.ProcessId != process.Id)
            throw new PlayRefusal("state", "PlayOtherVersion");
        return new FlowPlay(process, taskTypes, state) { _instance = instance };
    }

    /// <summary>Completes a person's task with one of the outcomes it offers, as the console's "log a call" would.</summary>
    public async Task CompleteTaskAsync(long key, string? outcome, CancellationToken cancellationToken)
    {
        EnsureActive();
        var task = _instance.UserTasks.FirstOrDefault(t => t.Key == key) ?? throw new PlayRefusal("key", "PlayNoSuchWait");
        var offered = Outcomes(task.ElementId);
        if (outcome is null || !offered.Contains(outcome))
            throw new PlayRefusal("outcome", "PlayBadOutcome", outcome ?? "", string.Join(", ", offered));
        var now = _clock.GetUtcNow();
        var (contact, answer) = Contacts.Contains(outcome) ? (outcome, (string?)null) : ("reached", outcome);
        // A visit or a callback needs a time: the day after tomorrow, or tomorrow, at the moment of the play.
        var variables = new JsonObject
        {
            ["contact"] = contact, ["answer"] = answer, ["outcome"] = outcome,
            ["visitAt"] = answer == "accepted" ? now.AddDays(2).ToString("O") : null,
            ["callbackAt"] = answer == "callback" ? now.AddDays(1).ToString("O") : null,
        };
        Note(task.ElementId, "task", outcome);
        await StepAsync(() => _engine.CompleteUserTaskAsync(_process, _instance, key, variables, cancellationToken));
    }

    /// <summary>Moves the clock to the next timer and fires every timer due by then, as the timer poller would.</summary>
    public async Task AdvanceClockAsync(CancellationToken cancellationToken)
    {
        EnsureActive();
        var next = _instance.Timers.MinBy(t => t.DueAt) ?? throw new PlayRefusal("step", "PlayNoTimer");
        if (next.DueAt > _clock.Now)
            _clock.Now = next.DueAt;
        foreach (var timer in _instance.Timers.Where(t => t.DueAt <= _clock.Now).OrderBy(t => t.DueAt).ToList())
            Note(timer.ElementId, "timer", null);
        await StepAsync(() => _engine.FireDueTimersAsync(_process, _instance, cancellationToken));
    }

    /// <summary>Delivers the message a wait expects, with what the other services send with it (a booked visit's time, an arrival).</summary>
    public async Task DeliverMessageAsync(long key, CancellationToken cancellationToken)
    {
        EnsureActive();
        var wait = _instance.Messages.FirstOrDefault(m => m.Key == key) ?? throw new PlayRefusal("key", "PlayNoSuchWait");
        var now = _clock.GetUtcNow();
        var visit = _instance.Variables["visitAt"]?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, out var at) && at > now ? at : now.AddDays(2);
        JsonObject? variables = wait.MessageName switch
        {
            "appointment-booked" or "appointment-rescheduled" => new JsonObject
            {
                ["appointment"] = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["startsAt"] = visit.ToString("O"), ["purpose"] = "visit" },
            },
            "appointment-refused" => new JsonObject { ["bookingRefused"] = "full" },
            "customer-arrived" => new JsonObject { ["arrivedAt"] = now.ToString("O") },
            "appointment-missed" => new JsonObject { ["missedAt"] = now.ToString("O") },
            "appointment-cancelled" => new JsonObject { ["cancelledAt"] = now.ToString("O") },
            _ => null,
        };
        Note(wait.ElementId, "message", wait.MessageName);
        await StepAsync(() => _engine.CorrelateMessageAsync(_process, _instance, key, variables, cancellationToken));
    }

    /// <summary>Completes a step left to another service (a reassignment), as that service's answer would.</summary>
    public async Task CompleteJobAsync(long key, CancellationToken cancellationToken)
    {
        EnsureActive();
        var job = _instance.Jobs.FirstOrDefault(j => j.Key == key) ?? throw new PlayRefusal("key", "PlayNoSuchWait");
        Note(job.ElementId, "job", job.TaskType);
        await StepAsync(() => _engine.CompleteJobAsync(_process, _instance, key, null, cancellationToken));
    }

    private void EnsureActive()
    {
        if (_instance.Status != InstanceStatus.Active)
            throw new PlayRefusal("step", "PlayEnded");
    }

    private async Task StepAsync(Func<Task> step)
    {
        var tasksBefore = _instance.UserTasks.Select(t => t.Key).ToHashSet();
        try
        {
            await step();
        }
        catch (WorkflowStateException)
        {
            throw new PlayRefusal("key", "PlayNoSuchWait");
        }
        Observe(tasksBefore);
    }

    public PlayView View(string processKey, string version)
    {
        var encoded = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(
            _state with { Instance = JsonSerializer.SerializeToNode(_instance, Json)!, At = _clock.Now }, Json));
        var waiting = _instance.Elements.Where(e => e.State != ElementState.Active).Select(e => e.ElementId).Distinct().ToList();
        return new PlayView(
            processKey, version, _instance.Status.ToString().ToLowerInvariant(), _instance.StartedAt, _clock.Now,
            _state.Completed.Distinct().ToList(), _state.Taken.Distinct().ToList(), waiting,
            _instance.UserTasks.Select(t => new PlayTask(t.Key, t.ElementId, t.Name, Outcomes(t.ElementId), t.DueAt)).ToList(),
            _instance.Timers.OrderBy(t => t.DueAt).Select(t => new PlayTimer(t.Key, t.ElementId, t.DueAt)).ToList(),
            _instance.Messages.Select(m => new PlayMessage(m.Key, m.ElementId, m.MessageName)).ToList(),
            _instance.Jobs.Select(j => new PlayJob(j.Key, j.ElementId, j.TaskType)).ToList(),
            _instance.Incidents.Where(i => i.ResolvedAt is null).Select(i => i.ElementId).ToList(),
            _state.Events, encoded);
    }

    private IReadOnlyList<string> Outcomes(string elementId) =>
        (_process.Elements.GetValueOrDefault(elementId) as TaskElement)?.Headers.GetValueOrDefault("outcomes") is { Length: > 0 } own
            ? own.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : InvitationFlows.TaskEndpoints.CallOutcomes;

    /// <summary>Takes in what the engine did: the way the token came, the consultant's SMS for a new task, and where it ended or failed.</summary>
    private void Observe(HashSet<long> tasksBefore)
    {
        foreach (var entry in _instance.Journal)
        {
            if (entry.Outcome == "taken")
                _state.Taken.Add(entry.ElementId);
            else if (entry.Outcome == "completed" && entry.ElementInstanceKey is not null)
                _state.Completed.Add(entry.ElementId);
            else if (entry.Outcome == "incident")
                Note(entry.ElementId, "incident", entry.Detail);
        }
        _instance.Journal.Clear();
        // The consultant is told of the task by SMS where the step says so (ConsultantTaskMirror), as the simulation counts it.
        foreach (var task in _instance.UserTasks.Where(t => !tasksBefore.Contains(t.Key) && t.Assignee is not null))
        {
            if ((_process.Elements.GetValueOrDefault(task.ElementId) as TaskElement)?.Headers.GetValueOrDefault("alertTemplate") is { Length: > 0 } template)
                Note(task.ElementId, "sms", template);
        }
        if (_instance.Status != InstanceStatus.Active && _state.Events.LastOrDefault()?.What != "ended")
            Note(_process.Id, "ended", _instance.Status.ToString().ToLowerInvariant());
    }

    private void Note(string elementId, string what, string? detail) => _state.Events.Add(new PlayEvent(_clock.Now, elementId, what, detail));

    /// <summary>What a flow activity would have done, noted; nothing is published, booked or stored (as in <see cref="SimulatedLead"/>).</summary>
    private ActivityResult Act(string taskType, ActivityContext context)
    {
        string? Header(string name) => context.Headers.GetValueOrDefault(name);
        switch (taskType)
        {
            case "send-sms":
                Note(context.ElementId, "sms", Header("template"));
                return ActivityResult.Complete();
            case "schedule-appointment":
                Note(context.ElementId, "booking", null);
                return ActivityResult.Complete();
            case "notify-supervisor" or "alert-supervisor":
                Note(context.ElementId, "supervisor", Header("reason"));
                return ActivityResult.Complete();
            case "reassign-lead":
                // Waits for assignment's move, as the real activity does: the person completes it.
                return ActivityResult.Wait;
            case "close-lead":
                var won = bool.TryParse(Header("won"), out var w) && w;
                Note(context.ElementId, won ? "closed-won" : "closed-lost", Header("reason"));
                return ActivityResult.Complete(new JsonObject { ["closed"] = new JsonObject { ["won"] = won, ["reason"] = Header("reason") } });
            default:
                return ActivityResult.Complete();
        }
    }

    /// <summary>The play's clock: it stands still while the engine steps and moves only when the person advances it.</summary>
    private sealed class PlayClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
