namespace Dealership.Notification.Sms;

/// <summary>The customer behind a lead, as lead-intake announced it: who a customer SMS goes to.</summary>
public class CustomerContact
{
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public string? Name { get; set; }
    /// <summary>E.164, or null when the lead came without a phone number.</summary>
    public string? Phone { get; set; }
}

public enum SmsStatus
{
    /// <summary>Taken by the development sink: stored and listed, never sent to a carrier.</summary>
    Delivered,
}

public class SmsMessage
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public Guid LeadId { get; set; }
    public required string Recipient { get; set; }
    public required string Phone { get; set; }
    public required string Template { get; set; }
    public required string Text { get; set; }
    public required string IdempotencyKey { get; set; }
    public SmsStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
