using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Dealership.Hosting.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dealership.Hosting.Security;

public static class ApiKeyHash
{
    /// <summary>How a key is stored and looked up: SHA-256 in hex (a random 256-bit key needs no slow hash).</summary>
    public static string Of(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

/// <summary>Turns a presented API key into the client's identity, or null when the key is unknown or revoked.</summary>
public interface IApiKeyValidator
{
    Task<ClaimsIdentity?> ValidateAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Authenticates integration clients by the <c>X-Api-Key</c> header.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IApiKeyValidator validator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrEmpty(values.ToString()))
            return AuthenticateResult.NoResult();

        var identity = await validator.ValidateAsync(values.ToString(), Context.RequestAborted);
        if (identity is null)
            return AuthenticateResult.Fail("The API key is not known or was revoked.");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

/// <summary>
/// In a process without the identity service: exchanges the key for a client token at the identity
/// service (as OAuth's client credentials grant does) and keeps the answer briefly, so a revoked key
/// stops working within <see cref="CacheFor"/>.
/// </summary>
/// <remarks>
/// Only the identity service's verdict is kept: a token, or 401/403 for a key it does not know. Any other answer
/// (429 past the sign-in limit, a 5xx) says nothing about the key, so it fails this request and is not remembered;
/// kept, it would refuse a valid key with 401 for a minute. Requests that find no answer kept share one exchange per
/// key: when the kept answer ran out under load, each of them asking at once went past the limit of the exchange.
/// Without a verdict the request is answered 503 with Retry-After (<see cref="ServiceUnavailableException"/>): the key
/// could not be checked, so nothing is let through, but the caller is told to try again rather than shown a 500.
/// </remarks>
public sealed class IdentityServiceApiKeyValidator(HttpClient http, IConfiguration configuration, SecurityKeyHolder signingKey, TimeProvider clock) : IApiKeyValidator
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (ClaimsIdentity? Identity, DateTimeOffset Until)> _cache = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<ClaimsIdentity?>>> _exchanges = new();
    private readonly JsonWebTokenHandler _tokens = new() { MapInboundClaims = false };

    public async Task<ClaimsIdentity?> ValidateAsync(string key, CancellationToken cancellationToken)
    {
        var hash = ApiKeyHash.Of(key);
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > clock.GetUtcNow())
            return cached.Identity;

        var exchange = _exchanges.GetOrAdd(hash, _ => new Lazy<Task<ClaimsIdentity?>>(() => ExchangeAsync(key, hash)));
        try
        {
            return await exchange.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            // The next request after this one finds the answer kept, or (when it was not a verdict) asks again.
            _exchanges.TryRemove(new KeyValuePair<string, Lazy<Task<ClaimsIdentity?>>>(hash, exchange));
        }
    }

    // Not tied to the first request's cancellation: the others wait for the same exchange (HttpClient's timeout bounds it).
    private async Task<ClaimsIdentity?> ExchangeAsync(string key, string hash)
    {
        var baseUrl = configuration["Identity:Url"]
            ?? throw new InvalidOperationException("Identity:Url is not set: a service without the identity module asks the identity service to check API keys.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseUrl), "/api/auth/client-token"));
        request.Headers.Add(ApiKeyAuthenticationHandler.Header, key);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new ServiceUnavailableException("The identity service could not be reached to check the API key; try again shortly.", RetryAfter, ex);
        }
        using var _ = response;
        ClaimsIdentity? identity = null;
        if (response.IsSuccessStatusCode)
        {
            var token = await response.Content.ReadFromJsonAsync<TokenAnswer>();
            var result = await _tokens.ValidateTokenAsync(token?.AccessToken, SigningKey.ValidationParameters(signingKey.Key));
            if (result.IsValid)
                identity = new ClaimsIdentity(result.ClaimsIdentity.Claims, ApiKeyAuthenticationHandler.SchemeName, DealershipClaims.Name, DealershipClaims.Role);
        }
        else if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            throw new ServiceUnavailableException(
                $"The identity service answered {(int)response.StatusCode} while checking the API key; try again shortly.",
                response.Headers.RetryAfter?.Delta ?? RetryAfter);
        }
        _cache[hash] = (identity, clock.GetUtcNow() + CacheFor);
        return identity;
    }

    private sealed record TokenAnswer(string AccessToken);
}

/// <summary>The signing key, loaded once per process.</summary>
public sealed class SecurityKeyHolder(IConfiguration configuration)
{
    private readonly Lazy<RsaSecurityKey> _key = new(() => SigningKey.Load(configuration));

    public RsaSecurityKey Key => _key.Value;
}
