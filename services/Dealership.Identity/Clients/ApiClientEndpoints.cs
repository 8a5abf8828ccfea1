using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.Identity.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Identity.Clients;

public static class ApiClientEndpoints
{
    public sealed record ClientView(Guid Id, string Name, string KeyPrefix, IReadOnlyList<string> Scopes, IReadOnlyList<string> Dealerships,
        DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy, IReadOnlyList<VendorMapping> Vendors);
    /// <summary>The client's documents name the dealership <c>dealershipCode</c> as <c>vendor</c> (an ADF vendor's id or name).</summary>
    public sealed record VendorMapping(string? Vendor, string? DealershipCode);
    /// <summary>Every vendor id or name the client's documents use, each with the dealership it is; replaces the ones before.</summary>
    public sealed record VendorMap(List<VendorMapping>? Vendors);

    public const int MaxVendors = 200;
    public const int MaxVendorLength = 200;
    /// <summary>A new client. <c>scopes</c>: leads:submit, workflows:manage. <c>dealerships</c>: codes, or "*" for the whole network.</summary>
    public sealed record NewClient(string? Name, List<string>? Scopes, List<string>? Dealerships);
    /// <summary>The key is shown here once and never again: only its hash is kept.</summary>
    public sealed record CreatedClient(ClientView Client, string Key);

    public static void MapApiClientEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/api-clients").WithTags("Integration clients").AuditedByHandler().RequireStaff(StaffRoles.Admin);
        group.MapGet("/", async (IdentityServiceDbContext db, CancellationToken cancellationToken) =>
                TypedResults.Ok((await db.ApiClients.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken)).Select(View).ToList()))
            .WithSummary("Integration clients and their keys' prefixes, scopes and dealerships (admins)");
        group.MapPost("/", CreateAsync)
            .WithSummary("Create an integration client; the answer holds its API key, shown once (admins)")
            .WithRequestExample(new NewClient("Car maker lead portal", [ClientScopes.SubmitLeads], ["DEMO01"]));
        group.MapPut("/{id:guid}/vendors", SetVendorsAsync)
            .WithSummary("Set which of a client's dealerships each vendor id or name in its ADF documents is (admins)")
            .WithDescription("A prospect whose request names no dealershipCode goes to the dealership its <vendor>'s id or name is mapped to here. "
                + "Only dealerships the client may act for can be mapped. Services that check keys learn the change within a minute.")
            .WithRequestExample(new VendorMap([new("AP-SH-0042", "DEMO01"), new("上汽大众演示上海店", "DEMO01")]));
        group.MapPost("/{id:guid}/revoke", RevokeAsync)
            .WithSummary("Revoke a client's key: it stops working at once here, within a minute in every service (admins)");
    }

    private static async Task<Results<Created<CreatedClient>, ValidationProblem>> CreateAsync(
        NewClient input, HttpContext http, IdentityServiceDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name))
            errors["name"] = ["The client's name is required."];
        var scopes = input.Scopes ?? [];
        if (scopes.Count == 0 || scopes.Any(s => !ClientScopes.All.Contains(s)))
            errors["scopes"] = [$"One or more of: {string.Join(", ", ClientScopes.All)}."];
        var dealerships = (input.Dealerships ?? []).Select(d => d.Trim().ToUpperInvariant()).Distinct().ToList();
        if (dealerships.Count == 0)
            errors["dealerships"] = ["Dealership codes, or * for the whole network."];
        else
        {
            var known = await db.Dealerships.Where(d => dealerships.Contains(d.Code)).Select(d => d.Code).ToListAsync(cancellationToken);
            var unknown = dealerships.Where(d => d != DealershipClaims.AnyDealership && !known.Contains(d)).ToList();
            if (unknown.Count > 0)
                errors["dealerships"] = [$"Unknown dealership(s): {string.Join(", ", unknown)}."];
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var key = ApiKeys.NewKey();
        var client = new ApiClient
        {
            Id = Guid.NewGuid(), Name = input.Name!.Trim(), KeyHash = ApiKeyHash.Of(key), KeyPrefix = ApiKeys.Prefix(key),
            Scopes = string.Join(' ', scopes.Distinct()), Dealerships = string.Join(' ', dealerships),
            CreatedAt = clock.GetUtcNow(), CreatedBy = http.User.ActorName(),
        };
        db.ApiClients.Add(client);
        db.Record(http, "api-key-created", null, client.Name, $"scopes {client.Scopes}; dealerships {client.Dealerships}; key {client.KeyPrefix}…");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/api-clients/{client.Id}", new CreatedClient(View(client), key));
    }

    private static async Task<Results<Ok<ClientView>, NotFoundProblem>> RevokeAsync(
        Guid id, HttpContext http, IdentityServiceDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var client = await db.ApiClients.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (client is null)
            return Problems.NotFound("integration client", id);
        if (client.RevokedAt is null)
        {
            client.RevokedAt = clock.GetUtcNow();
            client.RevokedBy = http.User.ActorName();
            db.Record(http, "api-key-revoked", null, client.Name, $"key {client.KeyPrefix}…");
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Ok(View(client));
    }

    private static async Task<Results<Ok<ClientView>, ValidationProblem, NotFoundProblem>> SetVendorsAsync(
        Guid id, VendorMap input, HttpContext http, IdentityServiceDbContext db, CancellationToken cancellationToken)
    {
        var client = await db.ApiClients.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (client is null)
            return Problems.NotFound("integration client", id);
        var given = input.Vendors ?? [];
        if (given.Count > MaxVendors)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["vendors"] = [$"At most {MaxVendors} vendors per client; {given.Count} were sent."] });

        var allowed = ApiKeys.Split(client.Dealerships);
        var anyDealership = allowed.Contains(DealershipClaims.AnyDealership);
        var named = given.Select(v => v?.DealershipCode?.Trim().ToUpperInvariant()).OfType<string>().Distinct().ToList();
        var known = await db.Dealerships.Where(d => named.Contains(d.Code)).Select(d => d.Code).ToListAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var vendors = new List<ApiClientVendor>();
        for (var i = 0; i < given.Count; i++)
        {
            var vendor = given[i]?.Vendor?.Trim();
            var code = given[i]?.DealershipCode?.Trim().ToUpperInvariant();
            if (string.IsNullOrEmpty(vendor) || vendor.Length > MaxVendorLength)
                errors[$"vendors[{i}].vendor"] = [$"The vendor's id or name, 1 to {MaxVendorLength} characters."];
            else if (vendors.Any(v => string.Equals(v.Vendor, vendor, StringComparison.OrdinalIgnoreCase)))
                errors[$"vendors[{i}].vendor"] = [$"'{vendor}' is mapped twice: a vendor is one dealership."];
            // Only a dealership the key is for: the map finds a dealership, it never opens one.
            if (string.IsNullOrEmpty(code) || !known.Contains(code))
                errors[$"vendors[{i}].dealershipCode"] = [$"'{code}' is not a dealership."];
            else if (!anyDealership && !allowed.Contains(code))
                errors[$"vendors[{i}].dealershipCode"] = [$"{client.Name} does not act for dealership {code} (only {string.Join(", ", allowed)})."];
            if (!string.IsNullOrEmpty(vendor) && !string.IsNullOrEmpty(code))
                vendors.Add(new ApiClientVendor { Vendor = vendor, DealershipCode = code });
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        client.Vendors = vendors;
        db.Record(http, "api-key-vendors-changed", null, client.Name,
            Text.Truncate(vendors.Count == 0 ? "none" : string.Join("; ", vendors.Select(v => $"{v.Vendor} → {v.DealershipCode}")), 2000));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(View(client));
    }

    private static ClientView View(ApiClient c) => new(c.Id, c.Name, c.KeyPrefix, ApiKeys.Split(c.Scopes), ApiKeys.Split(c.Dealerships),
        c.CreatedAt, c.CreatedBy, c.RevokedAt, c.RevokedBy, [.. c.Vendors.Select(v => new VendorMapping(v.Vendor, v.DealershipCode))]);
}
