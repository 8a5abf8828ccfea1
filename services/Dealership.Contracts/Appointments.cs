namespace Dealership.Contracts;

public record AppointmentBooked(
    Guid AppointmentId,
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset StartsAt,
    string Purpose,
    DateTimeOffset OccurredAt);

/// <summary>The customer of an appointment arrived at the showroom (a store visit).</summary>
public record CustomerArrived(
    Guid AppointmentId,
    Guid LeadId,
    Guid DealershipId,
    Guid? ConsultantId,
    DateTimeOffset ArrivedAt,
    DateTimeOffset OccurredAt);
