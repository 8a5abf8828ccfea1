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
