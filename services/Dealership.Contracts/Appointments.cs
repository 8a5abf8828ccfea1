namespace Dealership.Contracts;

/// <summary>
/// A visit was booked. The trailing fields came later (hence their defaults): the consultant it is
/// booked with, who booked it (workflow, consultant, reception), the car for a test drive and the
/// directions the customer is sent.
/// </summary>
public record AppointmentBooked(
    Guid AppointmentId,
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset StartsAt,
    string Purpose,
    DateTimeOffset OccurredAt,
    Guid? ConsultantId = null,
    string? BookedBy = null,
    string? Model = null,
    string? Directions = null);

/// <summary>The receptionist checked the customer in: the invitation succeeded and the showroom takes over.</summary>
public record CustomerArrived(Guid AppointmentId, Guid LeadId, Guid DealershipId, Guid? ConsultantId, DateTimeOffset ArrivedAt, DateTimeOffset OccurredAt);
