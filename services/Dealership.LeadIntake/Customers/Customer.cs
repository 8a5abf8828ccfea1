namespace Dealership.LeadIntake.Customers;

/// <summary>A person a dealership knows by phone number; the unit of de-duplication and of consent.</summary>
public class Customer
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    /// <summary>E.164; unique per dealership.</summary>
    public required string Phone { get; set; }
    public string? Name { get; set; }
    /// <summary>The lead new enquiries merge into while it is open.</summary>
    public Guid? OpenLeadId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Two arrivals for the same customer at once: one of them fails on this and is retried as a merge.</summary>
    public int Version { get; set; }
}

/// <summary>Whether the customer may be contacted on a channel, where and when that was said.</summary>
public class ConsentRecord
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public Guid CustomerId { get; set; }
    /// <summary><c>sms</c> or <c>phone</c>.</summary>
    public required string Channel { get; set; }
    public bool Granted { get; set; }
    /// <summary>Where it was given or withdrawn: the form, the call, the import, the SMS reply.</summary>
    public required string Source { get; set; }
    public Guid? LeadId { get; set; }
    public DateTimeOffset At { get; set; }
}
