using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Dealership.Workflows.Runtime;

public enum InstanceStatus { Active, Completed, Cancelled }

public enum ElementState { Active, Waiting, Incident }

/// <summary>
/// The whole state of one running process: plain data, serialised as JSON by the host after every
/// step. The engine mutates it; nothing else should.
/// </summary>
public sealed class WorkflowInstance
{
    public Guid Id { get; set; }
    public required string ProcessId { get; set; }
    public InstanceStatus Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public JsonObject Variables { get; set; } = [];
    public long NextKey { get; set; } = 1;

    public List<ElementInstance> Elements { get; set; } = [];
    /// <summary>Tokens that reached a parallel join and wait for its other incoming flows.</summary>
    public List<JoinArrival> JoinArrivals { get; set; } = [];
    public List<TimerWait> Timers { get; set; } = [];
    public List<MessageWait> Messages { get; set; } = [];
    public List<JobWait> Jobs { get; set; } = [];
    public List<UserTaskWait> UserTasks { get; set; } = [];
    public List<Incident> Incidents { get; set; } = [];

    /// <summary>
    /// Steps taken since the host last drained them. Not part of the serialised state: the host
    /// appends them to its journal table, so the state stays small however long an instance runs.
    /// </summary>
    [JsonIgnore]
    public List<JournalEntry> Journal { get; } = [];

    [JsonIgnore]
    public bool HasOpenIncident => Incidents.Any(i => i.ResolvedAt is null);

    internal long NewKey() => NextKey++;

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static WorkflowInstance FromJson(string json) =>
        JsonSerializer.Deserialize<WorkflowInstance>(json, JsonOptions) ?? throw new InvalidOperationException("Empty instance state.");
}

public sealed class ElementInstance
{
    public long Key { get; set; }
    public required string ElementId { get; set; }
    /// <summary>The sub-process instance this element runs in; null at process level.</summary>
    public long? ScopeKey { get; set; }
    public ElementState State { get; set; }
    public DateTimeOffset ActivatedAt { get; set; }
    /// <summary>Variables of this element only: the results of its input mappings.</summary>
    public JsonObject? Local { get; set; }
}

public sealed record JoinArrival(long? ScopeKey, string GatewayId, string FlowId);

public sealed class TimerWait
{
    public long Key { get; set; }
    public long ElementInstanceKey { get; set; }
    /// <summary>The event that fires: a catch event, a boundary event, or an event after an event-based gateway.</summary>
    public required string ElementId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    /// <summary>For a repeating non-interrupting boundary timer: fires left after this one (null: for ever).</summary>
    public int? RemainingRepetitions { get; set; }
    public TimeSpan? Interval { get; set; }
}

public sealed class MessageWait
{
    public long Key { get; set; }
    public long ElementInstanceKey { get; set; }
    public required string ElementId { get; set; }
    public required string MessageName { get; set; }
    public required string CorrelationKey { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
}

/// <summary>A service task whose activity left it to be completed from outside.</summary>
public sealed class JobWait
{
    public long Key { get; set; }
    public required string ElementId { get; set; }
    public required string TaskType { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A user task: a person completes it, with output variables.</summary>
public sealed class UserTaskWait
{
    public long Key { get; set; }
    public required string ElementId { get; set; }
    public string? Name { get; set; }
    public string? Assignee { get; set; }
    public List<string>? CandidateGroups { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset? FollowUpAt { get; set; }
    public JsonObject? Inputs { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum IncidentPhase { Activate, Complete }

public sealed class Incident
{
    public long Key { get; set; }
    public long ElementInstanceKey { get; set; }
    public required string ElementId { get; set; }
    /// <summary>expression, condition, no-activity, activity-failed, mapping.</summary>
    public required string Kind { get; set; }
    public required string Message { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public IncidentPhase Phase { get; set; }
    /// <summary>The variables the failed completion carried, used again when it is retried.</summary>
    public JsonObject? PendingVariables { get; set; }
}

public sealed record JournalEntry(
    DateTimeOffset At,
    string ElementId,
    long? ElementInstanceKey,
    string Outcome,
    JsonObject? VariablesChanged = null,
    string? Detail = null);
