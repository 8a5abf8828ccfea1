using Dealership.Hosting.Polling;

namespace Dealership.Notification.Sms;

/// <summary>The customer behind a lead, as lead-intake announced it: who a customer SMS goes to.</summary>
public class CustomerContact
{
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public string? Name { get; set; }
    /// <summary>E.164, or null when the lead came without a phone number.</summary>
    public string? Phone { get; set; }
    /// <summary>When the lead closed; what still waits to go to the customer is withdrawn from then on.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    public bool ClosedWon { get; set; }
    public string? CloseReason { get; set; }
}

public static class VisitStates
{
    public const string Booked = "booked";
    public const string Cancelled = "cancelled";
    public const string Arrived = "arrived";
    public const string Missed = "missed";
}

/// <summary>Where a booked visit stands, as the appointment service announced it: what an SMS about it is checked against.</summary>
public class KnownVisit
{
    public Guid AppointmentId { get; set; }
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public string State { get; set; } = VisitStates.Booked;
    public DateTimeOffset ChangedAt { get; set; }
}

public enum SmsStatus
{
    /// <summary>Passed the rules; the sender hands it to the carrier at <see cref="SmsMessage.SendAt"/>.</summary>
    Queued,
    /// <summary>Waits for the next allowed time (quiet hours, the daily spending cap), or for a value its text lacks.</summary>
    Held,
    /// <summary>The carrier accepted it; its delivery receipt has not come yet.</summary>
    Sent,
    /// <summary>Delivered to the handset (a carrier's receipt, or taken by the development sink).</summary>
    Delivered,
    /// <summary>The carrier reported it could not deliver it.</summary>
    Undelivered,
    /// <summary>Never sent: no consent, the weekly cap, an opt-out.</summary>
    Refused,
    /// <summary>The carrier refused it or kept failing.</summary>
    Failed,
    /// <summary>Never sent: it waited, and the lead or the visit it speaks of changed so that it no longer applies, or its text never got a value it lacked.</summary>
    Withdrawn,
}

/// <summary>One SMS, from the request through the rules to the carrier's receipt.</summary>
public class SmsMessage : ILeasedRow
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public Guid LeadId { get; set; }
    public required string Recipient { get; set; }
    public required string Phone { get; set; }
    public required string Template { get; set; }
    public string Language { get; set; } = SmsLanguages.Chinese;
    public required string Text { get; set; }
    /// <summary>
    /// The request's values (JSON) while the text lacks one: it is written again from them when the value may have come.
    /// Null for a text that is complete.
    /// </summary>
    public string? Parameters { get; set; }
    /// <summary>The business reason (lead, template, workflow step): one SMS per key, whatever is redelivered or retried.</summary>
    public required string IdempotencyKey { get; set; }
    /// <summary>The visit the text speaks of, and the time it names, so that a cancelled or moved visit withdraws it.</summary>
    public Guid? AppointmentId { get; set; }
    public DateTimeOffset? VisitAt { get; set; }
    public SmsStatus Status { get; set; }
    /// <summary>Why it is held, refused or failed, in words shown on the lead's timeline.</summary>
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the sender may hand it to the carrier.</summary>
    public DateTimeOffset SendAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? CarrierMessageId { get; set; }
    /// <summary>What the carrier charges, in fen (0.01 yuan), counted against the daily spending cap.</summary>
    public int CostFen { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>The W3C trace context of the request, so the send continues the lead's trace.</summary>
    public string? TraceParent { get; set; }
    public Guid? LockedBy { get; set; }

    public bool ForCustomer => Recipient == Dealership.Contracts.SmsRecipients.Customer;
}
