namespace Dealership.Assignment.Routing;

public class Consultant
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public required string Name { get; set; }
    /// <summary>E.164; the consultant's new-lead alerts go here.</summary>
    public required string Phone { get; set; }
    public bool OnDuty { get; set; } = true;
    public DateTimeOffset? LastAssignedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>Who a lead went to and why; one row per lead, so a redelivered lead is never assigned twice.</summary>
public class LeadAssignment
{
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public Guid? ConsultantId { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
}
