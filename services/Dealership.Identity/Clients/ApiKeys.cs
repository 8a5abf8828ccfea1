using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dealership.Hosting.Security;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Identity.Clients;

public static class ApiKeys
{
    /// <summary>A new key: 32 random bytes, URL-safe, with a short prefix that names it in lists.</summary>
    public static string NewKey() => "dk_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Prefix(string key) => key.Length <= 8 ? key : key[..8];

    public static async Task<ApiClient?> FindAsync(IdentityServiceDbContext db, string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key))
            return null;
        var hash = ApiKeyHash.Of(key);
        return await db.ApiClients.AsNoTracking().SingleOrDefaultAsync(c => c.KeyHash == hash && c.RevokedAt == null, cancellationToken);
    }

    public static async Task<List<Claim>> ClaimsAsync(IdentityServiceDbContext db, ApiClient client, CancellationToken cancellationToken)
    {
        var claims = new List<Claim>
        {
            new(DealershipClaims.Subject, client.Id.ToString()),
            new(DealershipClaims.Name, client.Name),
            new(DealershipClaims.Kind, DealershipClaims.ClientKind),
        };
        claims.AddRange(Split(client.Scopes).Select(s => new Claim(DealershipClaims.Scope, s)));
        var codes = Split(client.Dealerships);
        if (codes.Contains(DealershipClaims.AnyDealership))
        {
            claims.Add(new Claim(DealershipClaims.Dealership, DealershipClaims.AnyDealership));
        }
        else
        {
            var known = await db.Dealerships.AsNoTracking().Where(d => codes.Contains(d.Code)).Select(d => new { d.Id, d.Code }).ToListAsync(cancellationToken);
            claims.AddRange(known.Select(d => new Claim(DealershipClaims.Dealership, d.Id.ToString())));
            // A code the identity service does not know yet still names the dealership for code-based checks.
            claims.AddRange(codes.Select(c => new Claim(DealershipClaims.DealershipCode, c)));
        }
        // With the key's other facts, so every service that checks the key knows them (and a change reaches it within a minute).
        claims.AddRange(client.Vendors.Select(v => DealershipClaims.VendorClaim(v.Vendor, v.DealershipCode)));
        return claims;
    }

    public static string[] Split(string value) => value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>In the process that holds the identity service, keys are checked against its own table.</summary>
public sealed class DatabaseApiKeyValidator(IdentityServiceDbContext db) : IApiKeyValidator
{
    public async Task<ClaimsIdentity?> ValidateAsync(string key, CancellationToken cancellationToken)
    {
        var client = await ApiKeys.FindAsync(db, key, cancellationToken);
        return client is null
            ? null
            : new ClaimsIdentity(await ApiKeys.ClaimsAsync(db, client, cancellationToken), ApiKeyAuthenticationHandler.SchemeName, DealershipClaims.Name, DealershipClaims.Role);
    }
}
