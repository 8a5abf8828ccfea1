namespace Dealership.Contracts;

// MassTransit routes by full type name: never move these records to another namespace.

/// <summary>
/// The consultant recorded a call of a flow's task: <paramref name="Contact"/> is <c>reached</c>,
/// <c>no-answer</c> or <c>wrong-number</c>; when reached, <paramref name="Answer"/> is
/// <c>accepted</c>, <c>declined</c>, <c>undecided</c> or <c>callback</c> (then <paramref name="CallbackAt"/>).
/// </summary>
public record ConsultantCallLogged(
    Guid TaskId,
    Guid LeadId,
    Guid DealershipId,
    Guid ConsultantId,
    string Kind,
    string Contact,
    string? Answer,
    DateTimeOffset? CallbackAt,
    DateTimeOffset? VisitAt,
    string? Note,
    DateTimeOffset OccurredAt);

/// <summary>An open task of the lead moved to another consultant with the lead.</summary>
public record ConsultantTaskReassigned(
    Guid TaskId,
    Guid LeadId,
    Guid DealershipId,
    Guid ConsultantId,
    DateTimeOffset OccurredAt);

/// <summary>A flow's <c>publish-event</c> step: a named milestone of the lead's flow (e.g. <c>call-not-answered</c>).</summary>
public record InvitationFlowEvent(
    Guid LeadId,
    Guid DealershipId,
    string ProcessKey,
    int Version,
    string ElementId,
    string Name,
    DateTimeOffset OccurredAt);
