namespace Dealership.Contracts;

public record LeadAssigned(
    Guid LeadId,
    Guid DealershipId,
    Guid ConsultantId,
    string ConsultantName,
    string ConsultantPhone,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>Nobody on the roster could take the lead; a person must route it.</summary>
public record LeadUnassigned(
    Guid LeadId,
    Guid DealershipId,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>The lead moved to another consultant: by escalation, by a manager, or because its consultant left.</summary>
public record LeadReassigned(
    Guid LeadId,
    Guid DealershipId,
    Guid? FromConsultantId,
    Guid ConsultantId,
    string ConsultantName,
    string ConsultantPhone,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>
/// A month's plan figures changed in assignment (a store visit counted, targets set): a cue for screens showing
/// visits against the plan to read them again, never the figures themselves.
/// </summary>
public record PlanFiguresChanged(
    Guid DealershipId,
    string Month,
    DateTimeOffset OccurredAt);
