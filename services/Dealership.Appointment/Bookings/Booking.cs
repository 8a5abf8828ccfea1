namespace Dealership.Appointment.Bookings;

/// <summary>A lead this service has heard of, so that a booking names a real lead of a known dealership.</summary>
public class KnownLead
{
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public required string DealershipCode { get; set; }
    /// <summary>The lead's source channel (oem, marketing-event, ...), for the reports.</summary>
    public string? Source { get; set; }
    /// <summary>The lead's consultant (LeadAssigned, LeadReassigned): whom a visit is booked with by default.</summary>
    public Guid? ConsultantId { get; set; }
    /// <summary>When the assignment <see cref="ConsultantId"/> comes from happened: an older one consumed after it changes nothing.</summary>
    public DateTimeOffset? ConsultantSince { get; set; }
}

public enum BookingStatus
{
    Booked,
    Confirmed,
    /// <summary>The customer asked for another time; the consultant reschedules.</summary>
    RescheduleRequested,
    Cancelled,
    Arrived,
    Missed,
}

/// <summary>A customer's showroom visit.</summary>
public class Booking
{
    public Guid Id { get; set; }
    public Guid LeadId { get; set; }
    public Guid DealershipId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public required string Purpose { get; set; }
    /// <summary>The car for a test drive.</summary>
    public string? Model { get; set; }
    /// <summary>How to find the showroom, sent to the customer with the confirmation.</summary>
    public string? Directions { get; set; }
    public BookingStatus Status { get; set; }
    /// <summary>workflow, consultant or reception.</summary>
    public string BookedBy { get; set; } = "consultant";
    public Guid? ConsultantId { get; set; }
    /// <summary>
    /// The consultant while the booking holds a place in the calendar, null otherwise. A unique index
    /// on (ConsultantSlot, StartsAt) is what keeps a consultant from being booked twice, also when two
    /// bookings race (ADR 0300).
    /// </summary>
    public Guid? ConsultantSlot { get; set; }
    /// <summary>reception-desk or test-drive-car.</summary>
    public required string Resource { get; set; }
    /// <summary>Which of the slot's places (1..capacity) this booking holds; null once it holds none. Unique per slot (ADR 0300).</summary>
    public int? Seat { get; set; }
    public string? Source { get; set; }
    /// <summary>The workflow step that asked for it, so a repeated request books once.</summary>
    public string? IdempotencyKey { get; set; }
    public string? ConfirmationAnswer { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? ArrivedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancelReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Concurrency token: two changes to one booking (an arrival and the no-show check) never both win.</summary>
    public int Version { get; set; }

    public bool Active => Status is BookingStatus.Booked or BookingStatus.Confirmed or BookingStatus.RescheduleRequested;

    /// <summary>Lets the slot's place and the consultant go (cancelled, missed).</summary>
    public void Release()
    {
        Seat = null;
        ConsultantSlot = null;
    }
}
