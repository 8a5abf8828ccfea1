namespace Dealership.InvitationWorkflow.Tasks;

public static class TaskKinds
{
    public const string FirstContact = "first-contact";
}

/// <summary>
/// Something a consultant must do for a lead by a due time. A plain record until the BPMN engine
/// drives the invitation flows.
/// </summary>
public class ConsultantTask
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public Guid ConsultantId { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? Outcome { get; set; }
}
