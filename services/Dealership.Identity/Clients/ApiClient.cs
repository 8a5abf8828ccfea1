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
    /// <summary>The client's own names for its dealerships, as its documents carry them (ADF's vendor id or name).</summary>
    public List<ApiClientVendor> Vendors { get; set; } = [];
}

/// <summary>
/// A lead portal names a dealer by its own id or name; this says which of the client's dealerships that is. It only
/// finds a dealership: whether the client may send it leads is still decided by its dealerships.
/// </summary>
public class ApiClientVendor
{
    /// <summary>The vendor's id or name, matched regardless of case.</summary>
    public required string Vendor { get; set; }
    public required string DealershipCode { get; set; }
}
