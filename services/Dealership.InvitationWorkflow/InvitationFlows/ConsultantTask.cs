namespace Dealership.InvitationWorkflow.InvitationFlows;

public static class TaskKinds
{
    public const string FirstContact = "first-contact";
}

/// <summary>
/// A user task of a lead's flow as the consultant sees it: due time and the call guidance of the
/// step. Opened and closed with the flow's state (in the same transaction), never on its own.
/// </summary>
public class ConsultantTask
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    /// <summary>The lead's consultant: the task's owner, and the one who does it unless <see cref="Role"/> names a role.</summary>
    public Guid ConsultantId { get; set; }
    /// <summary>
    /// The role whose work the step is (its candidate group, e.g. <c>receptionist</c>): anyone of that role at the
    /// dealership takes it. Null: the consultant's own task.
    /// </summary>
    public string? Role { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? Outcome { get; set; }
    /// <summary>The flow instance and its user task (element instance key) behind this task.</summary>
    public Guid? InstanceId { get; set; }
    public long? UserTaskKey { get; set; }
    public string? ElementId { get; set; }
    /// <summary>The step's name in the diagram (the staff's Chinese) and in English (its <c>name-en</c> header).</summary>
    public string? Title { get; set; }
    public string? TitleEn { get; set; }
    /// <summary>
    /// The outcomes the step offers, comma-separated (its <c>outcomes</c> header, e.g. <c>answered,handed-over</c>); null: the
    /// outcomes of a call (reached or not, and the customer's answer).
    /// </summary>
    public string? Outcomes { get; set; }
    /// <summary>The step asks for the purpose of the customer's call (its <c>asks</c> header names <c>purpose</c>).</summary>
    public bool AsksPurpose { get; set; }
    /// <summary>Call guidance: why we call and what to offer (the step's headers), who the customer is.</summary>
    public string? Why { get; set; }
    public string? Offer { get; set; }
    public string? Steps { get; set; }
    /// <summary>The guidance in Chinese (the step's <c>-zh</c> headers), for the consultants who read it so.</summary>
    public string? WhyZh { get; set; }
    public string? OfferZh { get; set; }
    public string? StepsZh { get; set; }
    public string? CustomerName { get; set; }
    public string? CustomerPhone { get; set; }
    public string? Source { get; set; }
    public string? VehicleOfInterest { get; set; }
}

/// <summary>What invitation-workflow knows of a lead from <c>LeadAccepted</c>: the flow and the calls need it.</summary>
public class KnownLead
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public required string Source { get; set; }
    public string? CustomerName { get; set; }
    public string? CustomerPhone { get; set; }
    public string? VehicleOfInterest { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }
}

/// <summary>
/// A lead's assignment that came before its <c>LeadAccepted</c>: kept until the lead is known, then its flow starts
/// with this consultant and the row goes.
/// </summary>
public class WaitingAssignment
{
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public Guid ConsultantId { get; set; }
    public string ConsultantName { get; set; } = "";
    public string ConsultantPhone { get; set; } = "";
    public DateTimeOffset AssignedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>
/// A lead whose follow-up was ended (closed, or its customer opted out of calls), kept so that an acceptance or an
/// assignment of the lead consumed after it never starts a flow: under a backlog they can come minutes later.
/// </summary>
public class EndedLead
{
    public Guid LeadId { get; set; }
    public DateTimeOffset EndedAt { get; set; }
    public required string Reason { get; set; }
}
