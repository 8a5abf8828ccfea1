using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Security;

/// <summary>An integration client (an OEM system, a dealership's own system) and the dealerships it may act for.</summary>
public class ApiClient
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    /// <summary>Dealership codes; <c>*</c> means every dealership.</summary>
    public List<string> Dealerships { get; set; } = [];
}

public class ApiClientOptions : AuthenticationSchemeOptions
{
    public List<ApiClient> Clients { get; set; } = [];
}

public static class DealershipClaims
{
    public const string Dealership = "dealership";
    public const string AnyDealership = "*";

    public static bool MayActFor(this ClaimsPrincipal user, string dealershipCode) =>
        user.FindAll(Dealership).Any(c => c.Value == AnyDealership || string.Equals(c.Value, dealershipCode, StringComparison.OrdinalIgnoreCase));

    /// <summary>A key of the whole network (an OEM), which may act for every dealership.</summary>
    public static bool MayActForAll(this ClaimsPrincipal user) =>
        user.FindAll(Dealership).Any(c => c.Value == AnyDealership);

    /// <summary>The answer when the key may not act for the dealership a request names.</summary>
    public static IResult NotAllowed(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for this dealership", detail: detail);
}

/// <summary>Authenticates integration clients by the <c>X-Api-Key</c> header.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiClientOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<ApiClientOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrEmpty(values.ToString()))
            return Task.FromResult(AuthenticateResult.NoResult());

        var presented = Encoding.UTF8.GetBytes(values.ToString());
        var client = Options.Clients.FirstOrDefault(c =>
            c.Key.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(c.Key), presented));
        if (client is null)
            return Task.FromResult(AuthenticateResult.Fail("The API key is not known."));

        var claims = new List<Claim> { new(ClaimTypes.Name, client.Name) };
        claims.AddRange(client.Dealerships.Select(d => new Claim(DealershipClaims.Dealership, d)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
