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
    Guid? OwnerConsultantId = null,
    // The consent the customer stated with this lead where it changed what was on record: with the lead itself, so that no
    // service knows the lead without its consent (later changes come as ConsentChanged).
    IReadOnlyList<LeadConsent>? Consents = null,
    // True when the lead brought a customer (a phone) the dealership had never had a lead of: no consultant had the
    // customer before, so routing need not look. Null from older senders: look.
    bool? FirstLeadOfCustomer = null);

public record LeadRejected(
    Guid DealershipId,
    string DealershipCode,
    string Source,
    string ExternalId,
    IReadOnlyList<string> Reasons,
    DateTimeOffset OccurredAt);

/// <summary>
/// The lead's invitation ended: won (the customer came and bought, or was handed over) or lost, with the reason.
/// Its flow ends, its tasks and timers with it, what waits to be sent to the customer is withdrawn, and the consultant's
/// capacity is freed, whichever service or person closed it. <paramref name="ClosedBy"/> names a person or client
/// who closed it by hand (null when the flow did), <paramref name="Note"/> what they wrote.
/// </summary>
public record LeadClosed(
    Guid LeadId,
    Guid DealershipId,
    bool Won,
    string Reason,
    DateTimeOffset OccurredAt,
    string? ClosedBy = null,
    string? Note = null);

/// <summary>Why a person or a client closes a lead by hand (the flow closes with its own: arrived, no-answer, wrong-number, ...).</summary>
public static class LeadCloseReasons
{
    public const string Purchased = "purchased";
    public const string BoughtElsewhere = "bought-elsewhere";
    public const string NotInterested = "not-interested";
    public const string Duplicate = "duplicate";
    public const string Other = "other";

    public static readonly string[] Won = [Purchased];
    public static readonly string[] Lost = [BoughtElsewhere, NotInterested, Duplicate, Other];
}

/// <summary>A new enquiry from the same customer joined an open lead instead of opening a second one.</summary>
public record LeadMerged(
    Guid LeadId,
    Guid DealershipId,
    string Source,
    string ExternalId,
    DateTimeOffset OccurredAt);

/// <summary>
/// The views (stage, consultant, timeline) of one or more of the dealership's leads changed in lead-intake: a cue for
/// screens showing them to read them again, never the data itself. Told once per dealership for the changes of a
/// moment, not once per change (ADR 0536).
/// </summary>
public record LeadViewsChanged(
    Guid DealershipId,
    DateTimeOffset OccurredAt);
