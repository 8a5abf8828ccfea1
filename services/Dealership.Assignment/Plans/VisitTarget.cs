namespace Dealership.Assignment.Plans;

/// <summary>A consultant's monthly target of store visits from one source channel (process section 1.1).</summary>
public class VisitTarget
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public Guid ConsultantId { get; set; }
    /// <summary>yyyy-MM, in the dealership's time zone.</summary>
    public required string Month { get; set; }
    public required string Source { get; set; }
    public int Visits { get; set; }
}

/// <summary>
/// A customer's arrival at the showroom, credited to a consultant and the lead's source channel
/// in the month (dealership time) it happened: the "actual" of the plan.
/// </summary>
public class StoreVisit
{
    public Guid AppointmentId { get; set; }
    public Guid DealershipId { get; set; }
    public Guid LeadId { get; set; }
    public Guid? ConsultantId { get; set; }
    public required string Source { get; set; }
    public required string Month { get; set; }
    public DateTimeOffset ArrivedAt { get; set; }
}
