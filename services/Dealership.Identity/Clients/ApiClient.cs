namespace Dealership.Identity.Clients;

/// <summary>
/// An integration client (an OEM system, a lead portal). Its key is shown once when created; only
/// its SHA-256 is kept (a random 256-bit key needs no slow hash), with a prefix to tell keys apart.
/// </summary>
public class ApiClient
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string KeyHash { get; set; } = "";
    public string KeyPrefix { get; set; } = "";
    /// <summary>Space-separated scopes (leads:submit, workflows:manage).</summary>
    public string Scopes { get; set; } = "";
    /// <summary>Space-separated dealership codes, or * for every dealership.</summary>
    public string Dealerships { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    /// <summary>Set for clients written in configuration, which are kept in step with it on each start.</summary>
    public bool FromConfiguration { get; set; }
}
