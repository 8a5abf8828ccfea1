namespace Dealership.Contracts;

// MassTransit routes by full type name: never move these records to another namespace.

/// <summary>An OEM system submits a lead over the bus.</summary>
public record SubmitLead(
    string DealershipCode,
    string Source,
    string ExternalId,
    string? Name,
    string? Phone,
    string? Email,
    string? VehicleOfInterest,
    DateTimeOffset SubmittedAt);

public record LeadAccepted(
    Guid LeadId,
    Guid DealershipId,
    string DealershipCode,
    string Source,
    string ExternalId,
    string? CustomerName,
    string? CustomerPhone,
    DateTimeOffset OccurredAt,
    // Lead attributes routing matches consultants' skills against; optional so older senders still fit.
    string? VehicleOfInterest = null,
    string? Language = null);

public record LeadRejected(
    Guid DealershipId,
    string DealershipCode,
    string Source,
    string ExternalId,
    IReadOnlyList<string> Reasons,
    DateTimeOffset OccurredAt);

public record LeadMerged(
    Guid LeadId,
    Guid DealershipId,
    string Source,
    string ExternalId,
    DateTimeOffset OccurredAt);
