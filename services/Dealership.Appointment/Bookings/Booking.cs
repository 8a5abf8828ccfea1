namespace Dealership.Appointment.Bookings;

/// <summary>A lead this service has heard of, so that a booking names a real lead of a known dealership.</summary>
public class KnownLead
{
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public required string DealershipCode { get; set; }
}

public enum BookingStatus
{
    Booked,
}

/// <summary>A customer's showroom visit.</summary>
public class Booking
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public required string Purpose { get; set; }
    public BookingStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
