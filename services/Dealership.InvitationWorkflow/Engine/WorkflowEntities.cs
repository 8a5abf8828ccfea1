using Dealership.Hosting.Messaging;
using Dealership.Hosting.Polling;

namespace Dealership.InvitationWorkflow.Engine;

public enum DefinitionStatus { Draft, Published, Retired }

/// <summary>
/// One version of a BPMN diagram, for one dealership or (DealershipId null) the whole network. The
/// XML is stored exactly as the designer sent it. A draft may be saved over; a published or retired
/// version never changes.
/// </summary>
[SharedWhenNoDealership]
public class WorkflowDefinition
{
    public Guid Id { get; set; }
    /// <summary>The BPMN process id: the workflow's key, stable across versions.</summary>
    public required string ProcessKey { get; set; }
    public Guid? DealershipId { get; set; }
    public int Version { get; set; }
    public DefinitionStatus Status { get; set; }
    public string? Name { get; set; }
    public required string Xml { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    /// <summary>Who published it: a person's user name, or "release" for a default shipped with a release.</summary>
    public string? PublishedBy { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
    /// <summary>For a rollback: the earlier version of the same owner whose XML this one publishes again.</summary>
    public int? RestoredFromVersion { get; set; }
}

/// <summary>A running or finished instance: its engine state as JSON, saved after every step.</summary>
public class WorkflowInstanceRecord
{
    public Guid Id { get; set; }
    public Guid? DealershipId { get; set; }
    public Guid DefinitionId { get; set; }
    public required string ProcessKey { get; set; }
    public int Version { get; set; }
    /// <summary>What the instance is about, e.g. the lead id; filterable.</summary>
    public string? BusinessKey { get; set; }
    public Dealership.Workflows.Runtime.InstanceStatus Status { get; set; }
    public bool HasOpenIncident { get; set; }
    /// <summary>The elements it waits at, comma separated, for lists and filters.</summary>
    public string? WaitingAt { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public required string StateJson { get; set; }
    /// <summary>Changes on every save; a save based on an older read fails and is retried.</summary>
    public Guid ConcurrencyStamp { get; set; }
}

/// <summary>One step an instance took; appended, never changed.</summary>
public class WorkflowJournalEntry
{
    public long Id { get; set; }
    public Guid InstanceId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string ElementId { get; set; }
    public long? ElementInstanceKey { get; set; }
    public required string Outcome { get; set; }
    public string? VariablesChangedJson { get; set; }
    public string? Detail { get; set; }
}

/// <summary>
/// A timer some instance waits for (or the next fire of a timer start event), indexed by due time
/// so replicas find what is due without reading every instance. Claimed with a lease.
/// </summary>
public class WorkflowTimer : ILeasedRow
{
    public Guid Id { get; set; }
    public Guid? InstanceId { get; set; }
    public long TimerKey { get; set; }
    /// <summary>For a timer start event: the published definition and its start event.</summary>
    public Guid? DefinitionId { get; set; }
    public string? StartEventId { get; set; }
    /// <summary>For a timer start event: how many times it fired before this one.</summary>
    public int Fired { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public Guid? LockedBy { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

/// <summary>An open message subscription of an instance, indexed by message name and correlation key.</summary>
public class WorkflowMessageSubscription
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public long SubscriptionKey { get; set; }
    /// <summary>The instance's dealership (null: a network-wide instance); a message is correlated only within it.</summary>
    public Guid? DealershipId { get; set; }
    public required string MessageName { get; set; }
    public required string CorrelationKey { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
}

/// <summary>A message that found no subscription yet, kept until it expires for a catch event that opens later.</summary>
public class BufferedWorkflowMessage
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    /// <summary>The dealership the message was sent for (null: the network's); only its instances may take it.</summary>
    public Guid? DealershipId { get; set; }
    public required string MessageName { get; set; }
    public required string CorrelationKey { get; set; }
    public string? VariablesJson { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public Guid? CorrelatedInstanceId { get; set; }
}

/// <summary>Dealership codes by id, so an API key scoped to codes can be checked against rows keyed by id.</summary>
/// <summary>A dealership's code, as the identity service announces it: keys and people name dealerships by code.</summary>
public class KnownDealership
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    /// <summary>The version of the dealership's reference data this row follows; older changes are ignored.</summary>
    public long ReferenceVersion { get; set; }
}

/// <summary>A message that took effect on an instance: the same message id never takes effect there again.</summary>
public class WorkflowMessageDelivery
{
    public Guid MessageId { get; set; }
    public Guid InstanceId { get; set; }
    public DateTimeOffset DeliveredAt { get; set; }
}
