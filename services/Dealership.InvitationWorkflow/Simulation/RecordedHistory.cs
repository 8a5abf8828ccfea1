using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Simulation;

/// <summary>What a flow waits for: a person's task, a service task left to complete from outside, or a message (the other services' answer).</summary>
public enum WaitKind { Task, Job, Messages }

/// <summary>
/// One wait of a recorded flow and how it ended: answered after <see cref="Delay"/> with <see cref="Variables"/> (for messages, the message that
/// came), or not answered at all (<see cref="Delay"/> null: withdrawn, interrupted, or still open when the history was read).
/// </summary>
/// <param name="KindKey">The kind of step, to match it in another version: a task's <c>kind</c> header, a job's task type, a wait's message names.</param>
/// <param name="FallbackKey">For a task: the outcomes it offers (a call's, or its own list), to draw from when no step of its kind was recorded.</param>
/// <param name="Attempt">How many steps of this kind the lead had before this one (0: the first), for rates per attempt.</param>
public sealed record RecordedAnswer(
    WaitKind Kind, string ElementId, string KindKey, string? FallbackKey, int Attempt, DateTimeOffset OpenedAt, TimeSpan? Delay,
    JsonObject? Variables, string? MessageName, string? EventElementId);

/// <summary>
/// A lead's recorded flow: when it started, with which variables, and every answer it got; <see cref="CancelledAt"/> when it was ended from
/// outside the flow (the lead closed by hand, the customer opted out of calls).
/// </summary>
public sealed record RecordedLead(string LeadId, Guid InstanceId, DateTimeOffset StartedAt, JsonObject Variables, IReadOnlyList<RecordedAnswer> Answers,
    DateTimeOffset? CancelledAt = null);

/// <summary>
/// The history a simulation replays, read from what the service itself keeps of its flows: the instances of a workflow that a dealership
/// started in a period, each instance's journal and the version it ran. Answers are pooled by kind of step, so that a step the lead never
/// reached can be drawn from what other leads answered at that kind of step.
/// </summary>
public sealed class RecordedHistory
{
    private readonly Dictionary<string, List<RecordedAnswer>> _pools = [];

    public RecordedHistory(IReadOnlyList<RecordedLead> leads)
    {
        Leads = leads;
        foreach (var answer in leads.SelectMany(l => l.Answers))
        {
            Pool(answer.KindKey).Add(answer);
            Pool($"{answer.KindKey}#{answer.Attempt}").Add(answer);
            if (answer.FallbackKey is not null)
                Pool(answer.FallbackKey).Add(answer);
        }
    }

    public IReadOnlyList<RecordedLead> Leads { get; }

    private List<RecordedAnswer> Pool(string key) => _pools.TryGetValue(key, out var pool) ? pool : _pools[key] = [];

    /// <summary>What other leads answered at this kind of step: at the same attempt, else at any, else at any step offering the same outcomes.</summary>
    public IReadOnlyList<RecordedAnswer>? Draws(string kindKey, int attempt, string? fallbackKey) =>
        _pools.GetValueOrDefault($"{kindKey}#{attempt}") ?? _pools.GetValueOrDefault(kindKey) ?? (fallbackKey is null ? null : _pools.GetValueOrDefault(fallbackKey));

    public static string TaskKey(TaskElement? task, string elementId) => "task:" + (task?.Headers.GetValueOrDefault("kind") ?? elementId);

    public static string? TaskFallbackKey(TaskElement? task) => "outcomes:" + (task?.Headers.GetValueOrDefault("outcomes") ?? "call");

    public static string JobKey(string taskType) => "job:" + taskType;

    public static string MessagesKey(IEnumerable<string> names) => "messages:" + string.Join(",", names.Distinct().Order(StringComparer.Ordinal));

    /// <summary>
    /// The instances of <paramref name="processKey"/> the dealership started in [from, to) that carry a lead, with their journals. Read
    /// through the dealership filter like every other query of the service; nothing is written.
    /// </summary>
    public static async Task<RecordedHistory> LoadAsync(InvitationWorkflowDbContext db, ProcessModelCache models, string processKey, Guid dealershipId,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var instances = await db.WorkflowInstances.AsNoTracking()
            .Where(i => i.ProcessKey == processKey && i.DealershipId == dealershipId && i.BusinessKey != null && i.StartedAt >= from && i.StartedAt < to)
            .Select(i => new { i.Id, i.BusinessKey, i.DefinitionId, i.StartedAt })
            .ToListAsync(cancellationToken);
        var definitionIds = instances.Select(i => i.DefinitionId).Distinct().ToList();
        var definitions = await db.WorkflowDefinitions.AsNoTracking().Where(d => definitionIds.Contains(d.Id)).ToListAsync(cancellationToken);
        var processes = definitions.ToDictionary(d => d.Id, models.Get);

        var journals = new Dictionary<Guid, List<JournalEntry>>();
        foreach (var chunk in instances.Select(i => i.Id).Chunk(500))
        {
            var rows = await db.WorkflowJournal.AsNoTracking().Where(j => chunk.Contains(j.InstanceId)).OrderBy(j => j.Id).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                if (!journals.TryGetValue(row.InstanceId, out var list))
                    journals[row.InstanceId] = list = [];
                list.Add(new JournalEntry(row.At, row.ElementId, row.ElementInstanceKey, row.Outcome,
                    row.VariablesChangedJson is null ? null : JsonNode.Parse(row.VariablesChangedJson) as JsonObject, row.Detail));
            }
        }
        var leads = instances
            .OrderBy(i => i.StartedAt).ThenBy(i => i.BusinessKey, StringComparer.Ordinal)
            .Select(i => Parse(i.BusinessKey!, i.Id, i.StartedAt, processes[i.DefinitionId], journals.GetValueOrDefault(i.Id) ?? []))
            .ToList();
        return new RecordedHistory(leads);
    }

    private sealed class OpenWait(WaitKind kind, string elementId, DateTimeOffset openedAt)
    {
        public WaitKind Kind { get; } = kind;
        public string ElementId { get; } = elementId;
        public DateTimeOffset OpenedAt { get; } = openedAt;
        public List<string> Names { get; } = [];
        public string? TaskType { get; init; }
    }

    /// <summary>Reads a lead's waits and their answers from an instance's journal (the engine's entries, as the service stores them).</summary>
    public static RecordedLead Parse(string leadId, Guid instanceId, DateTimeOffset startedAt, ProcessModel process, IReadOnlyList<JournalEntry> journal)
    {
        var elementOfKey = new Dictionary<long, string>();
        var open = new Dictionary<(WaitKind, long), OpenWait>();
        var answers = new List<RecordedAnswer>();
        JsonObject? variables = null;
        DateTimeOffset? cancelledAt = null;

        void Close((WaitKind Kind, long Key) id, DateTimeOffset? at, JsonObject? answered, string? message = null, string? eventElement = null)
        {
            if (!open.Remove(id, out var wait))
                return;
            var element = process.Elements.GetValueOrDefault(wait.ElementId) as TaskElement;
            var (kindKey, fallback) = wait.Kind switch
            {
                WaitKind.Task => (TaskKey(element, wait.ElementId), TaskFallbackKey(element)),
                WaitKind.Job => (JobKey(wait.TaskType!), null),
                _ => (MessagesKey(wait.Names), (string?)null),
            };
            answers.Add(new RecordedAnswer(wait.Kind, wait.ElementId, kindKey, fallback, 0, wait.OpenedAt, at is null ? null : at - wait.OpenedAt,
                answered, message, eventElement));
        }

        for (var i = 0; i < journal.Count; i++)
        {
            var e = journal[i];
            if (e.ElementInstanceKey is not { } key)
            {
                if (e.Outcome == "cancelled")
                    cancelledAt ??= e.At;
                continue;
            }
            switch (e.Outcome)
            {
                case "activated":
                    elementOfKey[key] = e.ElementId;
                    break;
                case "waiting" when e.Detail == "user task":
                    open[(WaitKind.Task, key)] = new OpenWait(WaitKind.Task, e.ElementId, e.At);
                    break;
                case "waiting" when e.Detail?.StartsWith("job ", StringComparison.Ordinal) == true:
                    open[(WaitKind.Job, key)] = new OpenWait(WaitKind.Job, e.ElementId, e.At) { TaskType = e.Detail[4..] };
                    break;
                case "message-awaited":
                    if (!open.TryGetValue((WaitKind.Messages, key), out var group))
                        open[(WaitKind.Messages, key)] = group = new OpenWait(WaitKind.Messages, elementOfKey.GetValueOrDefault(key, e.ElementId), e.At);
                    group.Names.Add(MessageName(e.Detail));
                    break;
                case "message-correlated":
                    // The message's variables are what the event element completed with, an entry or two further on.
                    var carried = journal.Skip(i + 1).Take(20).FirstOrDefault(n => n.Outcome == "completed" && n.ElementId == e.ElementId)?.VariablesChanged;
                    Close((WaitKind.Messages, key), e.At, carried, MessageName(e.Detail), e.ElementId);
                    break;
                case "completed":
                    if (variables is null && process.Elements.GetValueOrDefault(e.ElementId)?.Kind == ElementKind.StartEvent)
                        variables = e.VariablesChanged is null ? [] : (JsonObject)e.VariablesChanged.DeepClone();
                    Close((WaitKind.Task, key), e.At, e.VariablesChanged);
                    Close((WaitKind.Job, key), e.At, e.VariablesChanged);
                    Close((WaitKind.Messages, key), null, null);
                    break;
                case "terminated":
                    Close((WaitKind.Task, key), null, null);
                    Close((WaitKind.Job, key), null, null);
                    Close((WaitKind.Messages, key), null, null);
                    break;
            }
        }
        foreach (var id in open.Keys.ToList())
            Close(id, null, null);

        // Attempts count the lead's steps of one kind in the order they opened.
        var numbered = answers.OrderBy(a => a.OpenedAt).GroupBy(a => a.KindKey)
            .SelectMany(g => g.Select((a, n) => a with { Attempt = n }))
            .OrderBy(a => a.OpenedAt)
            .ToList();
        return new RecordedLead(leadId, instanceId, startedAt, variables ?? [], numbered, cancelledAt);
    }

    // The engine writes "name / correlation key".
    private static string MessageName(string? detail) => detail?.Split(" / ", 2)[0] ?? "";
}
