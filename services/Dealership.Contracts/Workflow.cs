namespace Dealership.Contracts;

public record ConsultantTaskCreated(
    Guid TaskId,
    Guid LeadId,
    Guid DealershipId,
    Guid ConsultantId,
    string Kind,
    DateTimeOffset DueAt,
    DateTimeOffset OccurredAt);

public record ConsultantTaskCompleted(
    Guid TaskId,
    Guid LeadId,
    Guid DealershipId,
    string Outcome,
    DateTimeOffset OccurredAt);

/// <summary>The consultant did not make the first contact by the deadline the workflow set.</summary>
public record FirstContactOverdue(
    Guid LeadId,
    Guid DealershipId,
    Guid ConsultantId,
    Guid TaskId,
    DateTimeOffset DueAt,
    DateTimeOffset OccurredAt);

/// <summary>
/// A step of the lead's flow is late (a promised answer not given by its time): the supervisor is to be told.
/// Unlike <see cref="FirstContactOverdue"/>, the lead stays with its consultant.
/// </summary>
public record AlertSupervisor(
    Guid LeadId,
    Guid DealershipId,
    Guid ConsultantId,
    Guid TaskId,
    DateTimeOffset DueAt,
    string Reason,
    DateTimeOffset OccurredAt);
