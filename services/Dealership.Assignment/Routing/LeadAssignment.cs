namespace Dealership.Assignment.Routing;

public enum AssignmentState
{
    Assigned,
    Pooled,
    SupervisorQueue,
    Waiting,
    /// <summary>The lead closed: it holds no consultant's capacity and is never routed again.</summary>
    Closed,
}

/// <summary>
/// Where a lead stands with assignment; one row per lead, so a redelivered lead is never routed twice.
/// Keeps what routing needs later: the source (plans), the customer's phone (returning customers).
/// </summary>
public class LeadAssignment
{
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public string Source { get; set; } = "";
    /// <summary>E.164; masked wherever it is shown.</summary>
    public string? CustomerPhone { get; set; }
    public string? Vehicle { get; set; }
    public string? Language { get; set; }
    public AssignmentState State { get; set; }
    public Guid? ConsultantId { get; set; }
    public string? Rule { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public DateTimeOffset? WaitUntil { get; set; }
    /// <summary>Concurrency token: pool claims and shift wake-ups race on it; one wins.</summary>
    public int Version { get; set; }

    public LeadFacts Facts => new(LeadId, Source, CustomerPhone, Vehicle, Language);
}

/// <summary>One decision about a lead, by routing or by a person: the audit trail.</summary>
public class AssignmentAudit
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public Guid LeadId { get; set; }
    public required string Action { get; set; }
    public Guid? FromConsultantId { get; set; }
    public Guid? ToConsultantId { get; set; }
    public required string Reason { get; set; }
    /// <summary>"routing", or who did it (an API client, a manager).</summary>
    public required string Actor { get; set; }
    public DateTimeOffset At { get; set; }
}

public sealed record LeadFacts(Guid LeadId, string Source, string? CustomerPhone, string? Vehicle, string? Language);
