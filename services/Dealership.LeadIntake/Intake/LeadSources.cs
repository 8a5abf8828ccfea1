namespace Dealership.LeadIntake.Intake;

/// <summary>The channels a lead arrives through; managers plan and measure per channel.</summary>
public static class LeadSources
{
    public const string Oem = "oem";
    public const string Dealership = "dealership";
    public const string MarketingEvent = "marketing-event";
    public const string Other = "other";
    public const string ConsultantOwn = "consultant-own";
    public const string InboundCall = "inbound-call";
    public const string WalkIn = "walk-in";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        Oem, Dealership, MarketingEvent, Other, ConsultantOwn, InboundCall, WalkIn,
    };
}
