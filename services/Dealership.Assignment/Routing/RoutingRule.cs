namespace Dealership.Assignment.Routing;

/// <summary>One way of finding a consultant; a rule tries its steps in order until one decides.</summary>
public enum RoutingStep
{
    /// <summary>The returning customer's previous consultant (same phone number), if available.</summary>
    PreviousConsultant,
    /// <summary>An available consultant who sells the vehicle of interest and speaks the customer's language.</summary>
    SkillMatch,
    /// <summary>The available consultant who was given a lead longest ago.</summary>
    RoundRobin,
    /// <summary>The available consultant holding the fewest open leads.</summary>
    LeastLoaded,
    /// <summary>The dealership's open pool: the first consultant to claim the lead gets it.</summary>
    Pool,
    /// <summary>The supervisor queue: a person routes the lead. Also where every rule ends when nobody qualifies.</summary>
    SupervisorQueue,
}

public enum OutsideHoursPolicy
{
    /// <summary>A lead that arrives while nobody works waits for the next shift.</summary>
    WaitForNextShift,
    /// <summary>It goes to whoever has the on-duty switch on, working hours or not.</summary>
    WhoeverIsOnDuty,
}

public enum EscalationPolicy
{
    /// <summary>A missed first contact moves the lead to another consultant by the routing rules.</summary>
    Reassign,
    Pool,
    SupervisorQueue,
}

/// <summary>A dealership's routing settings; one row per dealership the service knows.</summary>
public class RoutingSettings
{
    public Guid DealershipId { get; set; }
    public required string DealershipCode { get; set; }
    /// <summary>The dealership's IANA time zone, as the identity service announces it; working hours and plan months are in it.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>The version of the dealership's reference data these settings follow; older changes are ignored.</summary>
    public long ReferenceVersion { get; set; }
    public OutsideHoursPolicy OutsideHours { get; set; } = OutsideHoursPolicy.WaitForNextShift;
    public EscalationPolicy OnFirstContactOverdue { get; set; } = EscalationPolicy.Reassign;
}

/// <summary>
/// A routing rule: which leads it takes (by source channel and lead attributes; empty matches all),
/// which consultants it considers (a team, or all), and the steps it tries. Rules are tried by priority.
/// </summary>
public class RoutingRule
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public int Priority { get; set; }
    public required string Name { get; set; }
    public List<string> Sources { get; set; } = [];
    /// <summary>The lead's vehicle of interest contains this text (case-insensitive).</summary>
    public string? VehicleContains { get; set; }
    public string? Language { get; set; }
    /// <summary>Only this team's consultants are candidates.</summary>
    public string? Team { get; set; }
    public List<RoutingStep> Steps { get; set; } = [];

    /// <summary>Used when no rule of the dealership matches.</summary>
    public static RoutingRule Default { get; } = new()
    {
        Name = "default",
        Priority = int.MaxValue,
        Steps = [RoutingStep.PreviousConsultant, RoutingStep.SkillMatch, RoutingStep.RoundRobin, RoutingStep.SupervisorQueue],
    };

    public bool Matches(LeadFacts lead) =>
        (Sources.Count == 0 || Sources.Contains(lead.Source, StringComparer.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(VehicleContains) || (lead.Vehicle?.Contains(VehicleContains, StringComparison.OrdinalIgnoreCase) ?? false))
        && (string.IsNullOrEmpty(Language) || string.Equals(Language, lead.Language, StringComparison.OrdinalIgnoreCase));
}
