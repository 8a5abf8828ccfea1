using System.Text.Json.Serialization;

namespace Dealership.LeadIntake.Leads;

/// <summary>A dealership that leads may be submitted for, with its intake rules.</summary>
public class IntakeDealership
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    /// <summary>Region assumed for phone numbers written without a country code.</summary>
    public string PhoneRegion { get; set; } = "CN";
    /// <summary>An inactive dealership takes no new leads.</summary>
    public bool Active { get; set; } = true;
    /// <summary>The version of the identity service's reference data this row follows; older changes are ignored.</summary>
    public long ReferenceVersion { get; set; }
    /// <summary>Merge a new arrival into the customer's open lead (same phone number) instead of opening a second lead.</summary>
    public bool MergeOnPhone { get; set; } = true;
    /// <summary>How old an open lead may be and still take in a new enquiry; older ones are left alone and a new lead opens.</summary>
    public int MergeWindowDays { get; set; } = 90;
}

public enum LeadStage
{
    New,
    Assigned,
    Unassigned,
    AppointmentBooked,
    Won,
    Lost,
}

/// <summary>The steps of the funnel after the lead arrives, in order.</summary>
public enum Milestone
{
    Reached,
    Invited,
    Booked,
    Arrived,
}

public class Lead
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public required string DealershipCode { get; set; }
    public Guid? CustomerId { get; set; }
    /// <summary>The channel of the first arrival; later enquiries are listed with their own.</summary>
    public required string Source { get; set; }
    public required string ExternalId { get; set; }
    /// <summary>The marketing event's campaign, or the name of the "other" channel.</summary>
    public string? SourceDetail { get; set; }
    public string? Name { get; set; }
    /// <summary>E.164.</summary>
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? VehicleOfInterest { get; set; }
    /// <summary>How soon the customer means to buy, as last said: a merged enquiry that says it again replaces it.</summary>
    public PurchaseTimeframe? Timeframe { get; set; }
    public PostalAddress? Address { get; set; }
    /// <summary>How the customer wants to be contacted: phone, email, sms, or the sender's own word.</summary>
    public string? PreferredContact { get; set; }
    /// <summary>When the customer wants to be called: morning, afternoon, evening, day, nopreference, or the sender's own words.</summary>
    public string? PreferredContactTime { get; set; }
    public LeadStage Stage { get; set; }
    public Guid? AssignedConsultantId { get; set; }
    public string? AssignedConsultantName { get; set; }
    /// <summary>
    /// When the assignment event the consultant (or the lack of one) comes from happened: an older event consumed after it
    /// (a retried or second-replica delivery) goes on the timeline and leaves the consultant alone.
    /// </summary>
    public DateTimeOffset? ConsultantChangedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>
    /// Events of several services update the lead concurrently; a save that lost the race fails on this
    /// and is retried on the fresh row instead of overwriting it.
    /// </summary>
    public int Version { get; set; }

    // The funnel (销售漏斗) counts how far each lead got. A milestone is when the lead first got there, and a later
    // one implies the earlier ones: a customer who walked in after booking by SMS was still reached and invited.

    /// <summary>First assignment to a consultant: the start of the first-follow-up-within-24-hours clock.</summary>
    public DateTimeOffset? FirstAssignedAt { get; set; }
    /// <summary>The consultant the lead was first assigned to, who owed the first follow-up.</summary>
    public Guid? FirstConsultantId { get; set; }
    public string? FirstConsultantName { get; set; }
    /// <summary>The first call logged on the lead, whatever came of it: the first follow-up.</summary>
    public DateTimeOffset? FirstCallAt { get; set; }
    /// <summary>A call reached the customer.</summary>
    public DateTimeOffset? ReachedAt { get; set; }
    /// <summary>The customer was invited to the showroom and answered (accepted, declined, undecided or callback).</summary>
    public DateTimeOffset? InvitedAt { get; set; }
    public DateTimeOffset? BookedAt { get; set; }
    public DateTimeOffset? ArrivedAt { get; set; }
    /// <summary>Why the lead was closed as lost (战败原因).</summary>
    public string? LostReason { get; set; }

    public bool IsOpen => Stage is not (LeadStage.Won or LeadStage.Lost);
}

/// <summary>
/// One arrival of a lead through a channel. The first arrival opens the lead; later ones from the
/// same customer are merged into it. (dealership, source, external id) identifies an arrival, so the
/// same one sent twice is recognised.
/// </summary>
public class Enquiry
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public required string Source { get; set; }
    public required string ExternalId { get; set; }
    public string? SourceDetail { get; set; }
    public string? VehicleOfInterest { get; set; }
    /// <summary>The customer's comments.</summary>
    public string? Note { get; set; }
    public PurchaseTimeframe? Timeframe { get; set; }
    /// <summary>Every vehicle the arrival names, in its order: those the customer wants and the one to trade in.</summary>
    public List<LeadVehicle> Vehicles { get; set; } = [];
    /// <summary>Who sent it: the API client, the import, the person who logged it.</summary>
    public required string SubmittedBy { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>When the customer means to buy: the sender's words (两周内, "within 30 days") and, where given, the window of dates.</summary>
public class PurchaseTimeframe
{
    public string? Description { get; set; }
    public DateOnly? EarliestDate { get; set; }
    public DateOnly? LatestDate { get; set; }

    public PurchaseTimeframe Copy() => (PurchaseTimeframe)MemberwiseClone();
}

/// <summary>The customer's address as the sender wrote it.</summary>
public class PostalAddress
{
    /// <summary>The street lines, one per line.</summary>
    public string? Street { get; set; }
    public string? City { get; set; }
    /// <summary>Province or state (ADF's regioncode).</summary>
    public string? Region { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }
}

/// <summary>A vehicle an enquiry names: one the customer wants (to buy, lease, test-drive) or one to trade in.</summary>
public class LeadVehicle
{
    public const string Buy = "buy";
    public const string TradeIn = "trade-in";

    /// <summary>Where the enquiry named it, from 0 (set by <see cref="Intake.LeadSubmission.Validate"/>).</summary>
    [JsonIgnore]
    public int Position { get; set; }

    /// <summary>buy, lease, test-drive, trade-in, sell, or the sender's own word.</summary>
    public string Interest { get; set; } = Buy;
    /// <summary>new or used.</summary>
    public string? Status { get; set; }
    public int? Year { get; set; }
    public string? Make { get; set; }
    public string? Model { get; set; }
    public string? Trim { get; set; }
    public string? Vin { get; set; }
    public int? Odometer { get; set; }
    /// <summary>km or mi.</summary>
    public string? OdometerUnits { get; set; }
    public string? Condition { get; set; }
    public string? Comments { get; set; }

    /// <summary>Year, make, model and trim, as a vehicle of interest is written on the lead (2026 Volkswagen ID.4 CROZZ Pro).</summary>
    public string? Describe()
    {
        var parts = new[] { Year?.ToString(System.Globalization.CultureInfo.InvariantCulture), Make, Model, Trim }.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }
}

/// <summary>A consultant's task on the lead, as the workflow service announced it.</summary>
public class LeadTask
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public Guid ConsultantId { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One thing that happened to a lead, in words a person reads.</summary>
public class TimelineEntry
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    /// <summary>The facts the entry is made of, as JSON (<see cref="TimelineFacts"/>); null on entries older than them.</summary>
    public string? Facts { get; set; }
}
