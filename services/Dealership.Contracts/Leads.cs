namespace Dealership.Contracts;

// MassTransit routes by full type name: never move these records to another namespace.

/// <summary>
/// An OEM system submits a lead over the bus. <paramref name="Campaign"/> names a marketing event's
/// campaign, <paramref name="ChannelName"/> an "other" channel; consent flags are null when the
/// customer was not asked.
/// </summary>
public record SubmitLead(
    string DealershipCode,
    string Source,
    string ExternalId,
    string? Name,
    string? Phone,
    string? Email,
    string? VehicleOfInterest,
    DateTimeOffset SubmittedAt,
    string? Campaign = null,
    string? ChannelName = null,
    string? Note = null,
    bool? SmsConsent = null,
    bool? PhoneConsent = null,
    string? ConsentSource = null);

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
    string? Language = null,
    // The consultant whose own contact the lead is (销售顾问掌握的潜在客户): it is his or hers, not the routing rules' to give.
    Guid? OwnerConsultantId = null);

public record LeadRejected(
    Guid DealershipId,
    string DealershipCode,
    string Source,
    string ExternalId,
    IReadOnlyList<string> Reasons,
    DateTimeOffset OccurredAt);

/// <summary>The lead's invitation ended: won (the customer came and bought, or was handed over) or lost, with the reason.</summary>
public record LeadClosed(
    Guid LeadId,
    Guid DealershipId,
    bool Won,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>A new enquiry from the same customer joined an open lead instead of opening a second one.</summary>
public record LeadMerged(
    Guid LeadId,
    Guid DealershipId,
    string Source,
    string ExternalId,
    DateTimeOffset OccurredAt);

/// <summary>
/// A lead's view (stage, consultant, timeline) changed in lead-intake, at <paramref name="Version"/>: a cue for
/// screens showing it to read it again, never the data itself.
/// </summary>
public record LeadViewChanged(
    Guid LeadId,
    Guid DealershipId,
    int Version,
    DateTimeOffset OccurredAt);
