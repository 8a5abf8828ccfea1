using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Dealership.Hosting.Security;

/// <summary>
/// The claims every service reads from a caller's token, whoever issued it: a person signed in,
/// or an integration client that presented its API key. Short JWT names, unmapped.
/// </summary>
public static class DealershipClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    /// <summary>A dealership's id the caller acts for; <see cref="AnyDealership"/> for the whole network.</summary>
    public const string Dealership = "dealership";
    /// <summary>The same dealership's code, for the endpoints that name a dealership by its code.</summary>
    public const string DealershipCode = "dealership_code";
    /// <summary>The roster's consultant this person is.</summary>
    public const string Consultant = "consultant";
    /// <summary>What an integration client may do (<see cref="ClientScopes"/>).</summary>
    public const string Scope = "scope";
    /// <summary>
    /// One of an integration client's names for a dealership, as <c>CODE name</c>: the vendor id or name its documents
    /// carry (an ADF prospect's <c>&lt;vendor&gt;</c>), for the dealership of that code. Set by an admin per client.
    /// </summary>
    public const string VendorDealership = "vendor_dealership";
    /// <summary><c>person</c> or <c>client</c>.</summary>
    public const string Kind = "kind";
    public const string AnyDealership = "*";

    public const string PersonKind = "person";
    public const string ClientKind = "client";

    public static bool MayActFor(this ClaimsPrincipal user, string dealershipCode) =>
        user.MayActForAll() || user.FindAll(DealershipCode).Any(c => string.Equals(c.Value, dealershipCode, StringComparison.OrdinalIgnoreCase));

    public static bool MayActFor(this ClaimsPrincipal user, Guid dealershipId) =>
        user.MayActForAll() || user.FindAll(Dealership).Any(c => Guid.TryParse(c.Value, out var id) && id == dealershipId);

    /// <summary>A caller of the whole network (an admin, network operations, an OEM's key), which may act for every dealership.</summary>
    public static bool MayActForAll(this ClaimsPrincipal user) =>
        user.FindAll(Dealership).Any(c => c.Value == AnyDealership);

    public static IReadOnlyList<Guid> DealershipIds(this ClaimsPrincipal user) =>
        user.FindAll(Dealership).Select(c => Guid.TryParse(c.Value, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();

    /// <summary>The claim that says a client's documents name the dealership <paramref name="code"/> as <paramref name="vendor"/>.</summary>
    public static Claim VendorClaim(string vendor, string code) => new(VendorDealership, $"{code} {vendor}");

    /// <summary>The caller's vendor ids and names, each with the code of its dealership; matched regardless of case.</summary>
    public static IReadOnlyDictionary<string, string> VendorDealerships(this ClaimsPrincipal user)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var claim in user.FindAll(VendorDealership))
        {
            // Codes are letters and digits, so the first space ends the code; the vendor's name may hold more.
            var space = claim.Value.IndexOf(' ');
            if (space > 0)
                map.TryAdd(claim.Value[(space + 1)..], claim.Value[..space]);
        }
        return map;
    }

    public static bool IsClient(this ClaimsPrincipal user) => user.FindFirst(Kind)?.Value == ClientKind;

    public static Guid? ConsultantId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(Consultant)?.Value, out var id) ? id : null;

    public static Guid? PersonId(this ClaimsPrincipal user) =>
        !user.IsClient() && Guid.TryParse(user.FindFirst(Subject)?.Value, out var id) ? id : null;

    /// <summary>Who acted, as the audit and the lead's timeline name them: the person's or the client's name.</summary>
    public static string ActorName(this ClaimsPrincipal user) => user.FindFirst(Name)?.Value ?? user.Identity?.Name ?? "unknown";

    /// <summary>
    /// A consultant and nothing more: reads and changes only his or her own leads and tasks.
    /// Every other staff role sees the whole of its dealerships.
    /// </summary>
    public static bool IsOnlyConsultant(this ClaimsPrincipal user) =>
        user.IsInRole(StaffRoles.Consultant) && !StaffRoles.DealershipWide.Any(user.IsInRole);
}

/// <summary>The people of the source process, as roles (DESIGN section 5).</summary>
public static class StaffRoles
{
    public const string Consultant = "consultant";
    public const string Receptionist = "receptionist";
    public const string SalesSupervisor = "sales-supervisor";
    public const string RetailManager = "retail-manager";
    public const string Operations = "operations";
    public const string Admin = "admin";

    public static readonly string[] All = [Consultant, Receptionist, SalesSupervisor, RetailManager, Operations, Admin];

    /// <summary>Roles that read the whole of their dealerships, not only their own leads.</summary>
    public static readonly string[] DealershipWide = [Receptionist, SalesSupervisor, RetailManager, Operations, Admin];

    /// <summary>Roles that manage a dealership's people, plans, routing and settings.</summary>
    public static readonly string[] Managers = [SalesSupervisor, RetailManager, Admin];

    /// <summary>Roles that change flows, templates and routing.</summary>
    public static readonly string[] Configurers = [Operations, RetailManager, Admin];

    /// <summary>Roles that belong to exactly one dealership; operations may have the whole network, admin always has.</summary>
    public static bool BelongsToOneDealership(string role) => role is Consultant or Receptionist or SalesSupervisor or RetailManager;
}

/// <summary>What an integration client's key may be used for.</summary>
public static class ClientScopes
{
    public const string SubmitLeads = "leads:submit";
    public const string ManageWorkflows = "workflows:manage";

    public static readonly string[] All = [SubmitLeads, ManageWorkflows];
}
