namespace Dealership.InvitationWorkflow.Engine;

public class WorkflowOptions
{
    /// <summary>
    /// The longest pause between two reads of the timer table. The poller wakes earlier when the next timer falls due, or
    /// when this replica saves a timer due before its next read; a timer saved by another replica may wait this long.
    /// </summary>
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a replica owns the due timers it claimed; another replica takes them over after that.</summary>
    public TimeSpan TimerLease { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Due timers claimed by one read; those of different instances are fired and saved together, in one transaction.</summary>
    public int TimerBatchSize { get; set; } = 200;
    /// <summary>Timers fired at once, each in its own transaction, when a batch could not be saved together.</summary>
    public int TimerFireParallelism { get; set; } = 4;
    /// <summary>How long a message that found no waiting instance is kept for one that starts waiting later.</summary>
    public TimeSpan MessageTimeToLive { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Attempts at a step whose save met a concurrent change of the same instance.</summary>
    public int ConcurrencyRetries { get; set; } = 5;
}
