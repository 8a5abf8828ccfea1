namespace Dealership.InvitationWorkflow.Engine;

public class WorkflowOptions
{
    /// <summary>How often the timer table is read for due timers when the last read found less than a batch.</summary>
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a replica owns the due timers it claimed; another replica takes them over after that.</summary>
    public TimeSpan TimerLease { get; set; } = TimeSpan.FromSeconds(30);
    public int TimerBatchSize { get; set; } = 200;
    /// <summary>Timers of different instances fired at once by one replica.</summary>
    public int TimerFireParallelism { get; set; } = 4;
    /// <summary>How long a message that found no waiting instance is kept for one that starts waiting later.</summary>
    public TimeSpan MessageTimeToLive { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Attempts at a step whose save met a concurrent change of the same instance.</summary>
    public int ConcurrencyRetries { get; set; } = 5;
}
