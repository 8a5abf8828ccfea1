namespace Dealership.Identity.Audit;

/// <summary>What a person or a client did: who, when, what, to what, from where.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The dealership the action concerned; null for the network's own (admins' keys, sign-ins of network staff).</summary>
    public Guid? DealershipId { get; set; }
    public string Actor { get; set; } = "";
    public Guid? ActorId { get; set; }
    public string Action { get; set; } = "";
    public string? Subject { get; set; }
    public string? Detail { get; set; }
    public string? From { get; set; }
}
