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
        DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy);
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

    private static ClientView View(ApiClient c) => new(c.Id, c.Name, c.KeyPrefix, ApiKeys.Split(c.Scopes), ApiKeys.Split(c.Dealerships),
        c.CreatedAt, c.CreatedBy, c.RevokedAt, c.RevokedBy);
}
