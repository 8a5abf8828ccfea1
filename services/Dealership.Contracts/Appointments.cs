namespace Dealership.Contracts;

public record AppointmentBooked(
    Guid AppointmentId,
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset StartsAt,
    string Purpose,
    DateTimeOffset OccurredAt);
