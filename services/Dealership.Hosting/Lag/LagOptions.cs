namespace Dealership.Hosting.Lag;

/// <summary>How far behind a service may fall before it says so, and before lead intake stops taking new work (<c>Lag:*</c>).</summary>
public class LagOptions
{
    /// <summary>Past this, <c>/health/ready</c> reports the service Degraded and the console shows it as behind.</summary>
    public TimeSpan DegradedAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Past this, lead intake answers 503 with <c>Retry-After</c> rather than accept leads it could not start within
    /// minutes. Longer than <c>Outbox:StuckAfter</c> by default, so a restart or a minute's database lock does not refuse.
    /// </summary>
    public TimeSpan RefuseLeadsAfter { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>What a refused caller is told to wait before sending again.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a message that waited counts in the consume lag after its consume began (one to two windows).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each service's oldest unsent outbox row is read for the metric and for intake's decision.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(2);
}
