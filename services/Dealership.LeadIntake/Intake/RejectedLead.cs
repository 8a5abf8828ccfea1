namespace Dealership.LeadIntake.Intake;

public enum RejectionStatus
{
    Open,
    Resubmitted,
    Dismissed,
}

/// <summary>A submission that could not be used, kept with what was sent so a person can fix and resubmit it.</summary>
public class RejectedLead
{
    public Guid Id { get; set; }
    /// <summary>Empty when the dealership was not known.</summary>
    public Guid DealershipId { get; set; }
    public string? DealershipCode { get; set; }
    /// <summary>How it came: http, http-batch, adf, csv, bus, raw-json, inbound-call, own-contact.</summary>
    public required string Channel { get; set; }
    public string? Source { get; set; }
    public string? ExternalId { get; set; }
    /// <summary>Reasons as "field: message" lines.</summary>
    public required string Reasons { get; set; }
    public required string RawPayload { get; set; }
    public required string SubmittedBy { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public RejectionStatus Status { get; set; }
    public Guid? ResubmittedAsLeadId { get; set; }
}
