using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dealership.Hosting.Security;
using Dealership.Identity.Dealerships;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
        return await FindByHashAsync(db, ApiKeyHash.Of(key), cancellationToken);
    }

    /// <summary>The client whose key has this hash, unless revoked.</summary>
    public static Task<ApiClient?> FindByHashAsync(IdentityServiceDbContext db, string hash, CancellationToken cancellationToken) =>
        db.ApiClients.AsNoTracking().SingleOrDefaultAsync(c => c.KeyHash == hash && c.RevokedAt == null, cancellationToken);

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

/// <summary>
/// In the process that holds the identity service, keys are checked against its own table, and a known key's claims are
/// kept for as long as other processes keep theirs (<see cref="IdentityServiceApiKeyValidator.CacheFor"/>): reading them
/// for every request took 1.7 % of the embedded host's CPU under load, every lead an OEM system posts paying for it.
/// A change to a client or a dealership saved in this process forgets them at once (<see cref="ApiKeyVerdictsReset"/>).
/// </summary>
public sealed class DatabaseApiKeyValidator(IdentityServiceDbContext db, ApiKeyVerdicts verdicts) : IApiKeyValidator
{
    public async Task<ClaimsIdentity?> ValidateAsync(string key, CancellationToken cancellationToken)
    {
        var hash = ApiKeyHash.Of(key);
        if (verdicts.TryGet(hash) is not { } claims)
        {
            var generation = verdicts.Generation;
            var client = await ApiKeys.FindByHashAsync(db, hash, cancellationToken);
            // An unknown key is not kept: keys anyone makes up would fill the memory.
            if (client is null)
                return null;
            claims = await ApiKeys.ClaimsAsync(db, client, cancellationToken);
            verdicts.Keep(hash, claims, generation);
        }
        // A new identity for each request (it copies the claims): what a request adds to its identity stays its own.
        return new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.SchemeName, DealershipClaims.Name, DealershipClaims.Role);
    }
}

/// <summary>The claims of the keys this process checked lately, by the key's hash.</summary>
public sealed class ApiKeyVerdicts(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (IReadOnlyList<Claim> Claims, DateTimeOffset Until)> _kept = new();
    private long _generation;

    /// <summary>Taken before the table is read, and given to <see cref="Keep"/> with what was read.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public IReadOnlyList<Claim>? TryGet(string hash) =>
        _kept.TryGetValue(hash, out var kept) && kept.Until > clock.GetUtcNow() ? kept.Claims : null;

    public void Keep(string hash, IReadOnlyList<Claim> claims, long generation)
    {
        _kept[hash] = (claims, clock.GetUtcNow() + IdentityServiceApiKeyValidator.CacheFor);
        // Forgotten since the table was read: what was read may be from before the change, so it is not kept. Checked
        // after storing, so a Forget between the read and the store removes it either here or in its own Clear.
        if (Interlocked.Read(ref _generation) != generation)
            _kept.TryRemove(hash, out _);
        // Expired ones go when the set grows: a client's key is replaced rather than checked again after a rotation.
        if (_kept.Count > 1_000)
        {
            var now = clock.GetUtcNow();
            foreach (var (expired, _) in _kept.Where(k => k.Value.Until <= now))
                _kept.TryRemove(expired, out _);
        }
    }

    public void Forget()
    {
        Interlocked.Increment(ref _generation);
        _kept.Clear();
    }
}

/// <summary>
/// Forgets the kept claims when a save changes a client, its vendors or a dealership (whose id a key's claims name):
/// before the save, so nothing read after it is kept from the old state, and after it, so nothing read before it stays.
/// </summary>
public sealed class ApiKeyVerdictsReset(ApiKeyVerdicts verdicts) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Saving(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Saving(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Saved(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return Task.CompletedTask;
    }

    private void Saving(DbContext? context)
    {
        if (context is not IdentityServiceDbContext db)
            return;
        db.ChangesApiKeys = db.ChangeTracker.Entries().Any(e => e.Entity is ApiClient or ApiClientVendor or DealershipRecord
            && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted);
        if (db.ChangesApiKeys)
            verdicts.Forget();
    }

    // A save inside a wider transaction commits later: none is (the identity service saves each change on its own).
    private void Saved(DbContext? context)
    {
        if (context is IdentityServiceDbContext { ChangesApiKeys: true } db)
        {
            db.ChangesApiKeys = false;
            verdicts.Forget();
        }
    }
}
