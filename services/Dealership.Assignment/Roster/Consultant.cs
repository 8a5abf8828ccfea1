namespace Dealership.Assignment.Roster;

public enum StaffRole
{
    Consultant,
    Supervisor,
    RetailManager,
}

public enum ConsultantStatus
{
    Active,
    OnLeave,
    Left,
}

/// <summary>A weekly shift in the dealership's local time; one that ends at or before its start runs past midnight.</summary>
public sealed record Shift(DayOfWeek Day, TimeOnly Start, TimeOnly End)
{
    public bool CrossesMidnight => End <= Start;
}

/// <summary>A member of a dealership's sales staff. Only consultants are routed leads; supervisors and retail managers are alerted and manage.</summary>
public class Consultant
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public required string Name { get; set; }
    /// <summary>E.164; the consultant's new-lead alerts go here.</summary>
    public required string Phone { get; set; }
    public StaffRole Role { get; set; } = StaffRole.Consultant;
    public string? Team { get; set; }
    public Guid? SupervisorId { get; set; }
    /// <summary>Models or brands the consultant sells, matched against the lead's vehicle of interest.</summary>
    public List<string> Skills { get; set; } = [];
    public List<string> Languages { get; set; } = [];
    /// <summary>Empty: no schedule, the consultant works whenever on duty (except days off).</summary>
    public List<Shift> WorkingHours { get; set; } = [];
    /// <summary>Local dates on which the consultant does not work; a shift belongs to the date it starts on.</summary>
    public List<DateOnly> DaysOff { get; set; } = [];
    /// <summary>The switch a consultant or supervisor flips during the day (at lunch, at a customer).</summary>
    public bool OnDuty { get; set; } = true;
    public ConsultantStatus Status { get; set; } = ConsultantStatus.Active;
    /// <summary>Most open leads the consultant holds at once; null means no cap.</summary>
    public int? MaxOpenLeads { get; set; }
    public int OpenLeads { get; set; }
    public int MissedFirstContacts { get; set; }
    public DateTimeOffset? LastAssignedAt { get; set; }
    /// <summary>
    /// Concurrency token: every decision that gives this consultant a lead, and every roster edit,
    /// bumps it, so two decisions made on the same stale picture cannot both commit (ADR 0200).
    /// </summary>
    public int Version { get; set; }

    public bool UnderCap => MaxOpenLeads is not { } cap || OpenLeads < cap;

    public string Load => MaxOpenLeads is { } cap ? $"{OpenLeads}/{cap}" : $"{OpenLeads}";

    public void Touch() => Version++;
}
