namespace Dealership.Contracts;

/// <summary>Routing put the lead in the dealership's open pool; the first consultant to claim it gets it.</summary>
public record LeadPooled(
    Guid LeadId,
    Guid DealershipId,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>The lead arrived while nobody works; it is routed when the next shift starts.</summary>
public record LeadAwaitingShift(
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset WaitUntil,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>A supervisor is told about a lead whose first contact is overdue (and where the lead went).</summary>
public record SupervisorAlerted(
    Guid LeadId,
    Guid DealershipId,
    Guid? SupervisorId,
    string? SupervisorName,
    string? SupervisorPhone,
    string Reason,
    DateTimeOffset OccurredAt);
