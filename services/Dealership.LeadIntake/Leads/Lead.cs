namespace Dealership.LeadIntake.Leads;

/// <summary>A dealership that leads may be submitted for.</summary>
public class IntakeDealership
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
}

public enum LeadStage
{
    New,
    Assigned,
    Unassigned,
    AppointmentBooked,
}

public class Lead
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public required string DealershipCode { get; set; }
    public required string Source { get; set; }
    public required string ExternalId { get; set; }
    public string? Name { get; set; }
    /// <summary>E.164.</summary>
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? VehicleOfInterest { get; set; }
    public LeadStage Stage { get; set; }
    public Guid? AssignedConsultantId { get; set; }
    public string? AssignedConsultantName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A consultant's task on the lead, as the workflow service announced it.</summary>
public class LeadTask
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public Guid ConsultantId { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One thing that happened to a lead, in words a person reads.</summary>
public class TimelineEntry
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
}
