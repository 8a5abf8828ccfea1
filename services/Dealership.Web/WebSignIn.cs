using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Dealership.Hosting.Data;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Dealership.Web;

/// <summary>What a sign-in came to: signed in, or refused with what the person should be told.</summary>
public enum SignInOutcome { SignedIn, Refused, Locked, TooManyAttempts, Unavailable }

/// <summary>
/// The browser's session: the person signs in once with the identity service's own sign-in (over HTTP,
/// as every caller does), and the token it answers is kept inside the encrypted session cookie. The pages
/// call the services with that token, so each service checks the person again, exactly as for the API.
/// </summary>
public sealed class WebSignIn(IHttpClientFactory clients, SecurityKeyHolder signingKey, ILogger<WebSignIn> logger)
{
    public const string Scheme = "DealershipWeb";
    public const string ClientName = "identity-sign-in";
    public const string Policy = "web-person";
    public const string DealershipStaffPolicy = "web-dealership-staff";
    /// <summary>Supervisors, retail managers and admins: the funnel, the supervisor queue, the roster and the plan.</summary>
    public const string ManagersPolicy = "web-managers";
    /// <summary>The back office: managers and operations staff (imports, rejected leads, templates, routing).</summary>
    public const string BackOfficePolicy = "web-back-office";
    /// <summary>The people who sign in: <see cref="PeopleManagers"/>, as the identity service's people API allows.</summary>
    public const string PeoplePolicy = "web-people";
    public static readonly string[] PeopleManagers = [StaffRoles.RetailManager, StaffRoles.Admin];

    /// <summary>Who watches the system itself (<see cref="OperationsPolicy"/>): operations staff and the administrator.</summary>
    public static readonly string[] Operators = [StaffRoles.Operations, StaffRoles.Admin];
    /// <summary>The workflow designer: operations, retail managers and admins, whom the workflow API lets change flows.</summary>
    public const string DesignerPolicy = "web-designer";
    /// <summary>Operations staff and admins: how far behind each service is.</summary>
    public const string OperationsPolicy = "web-operations";
    /// <summary>Admins only: the dealerships and the integration keys.</summary>
    public const string AdminPolicy = "web-admin";
    public const string DeniedPath = "/denied";
    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";
    public const string CulturePath = "/culture";
    /// <summary>The person's bearer token, kept among the session's claims for the pages' API calls.</summary>
    public const string AccessTokenClaim = "access_token";
    /// <summary>The dealership network-wide staff chose to work on, kept in their session.</summary>
    public const string ChosenDealershipClaim = "chosen_dealership";
    public const string DealershipPath = "/console/dealership";

    private sealed record TokenAnswer(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);

    /// <summary>
    /// Signs the person in: asks the identity service for a token with the name and password, checks the
    /// token's signature as every service does, and writes the session cookie, which ends when the token does.
    /// <paramref name="retryAfter"/> says how long a locked account or too many attempts must wait.
    /// </summary>
    public async Task<(SignInOutcome Outcome, TimeSpan? RetryAfter)> SignInAsync(HttpContext http, string userName, string password)
    {
        var client = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token")
        {
            Content = JsonContent.Create(new { userName, password }),
        };
        // The identity service limits and audits sign-ins by the person's address, not by this server's.
        if (http.Connection.RemoteIpAddress is { } address)
            request.Headers.Add("X-Forwarded-For", address.ToString());

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, http.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            logger.LogError(e, "The identity service could not be reached for a sign-in");
            return (SignInOutcome.Unavailable, null);
        }
        using (response)
        {
            var retryAfter = response.Headers.RetryAfter?.Delta;
            switch (response.StatusCode)
            {
                case HttpStatusCode.TooManyRequests:
                    return (SignInOutcome.TooManyAttempts, retryAfter);
                // Only a locked account's refusal says when to come back.
                case HttpStatusCode.Unauthorized:
                    return retryAfter is null ? (SignInOutcome.Refused, null) : (SignInOutcome.Locked, retryAfter);
                case not HttpStatusCode.OK:
                    logger.LogError("The identity service answered {Status} to a sign-in", (int)response.StatusCode);
                    return (SignInOutcome.Unavailable, null);
            }

            var answer = await response.Content.ReadFromJsonAsync<TokenAnswer>(http.RequestAborted)
                ?? throw new InvalidOperationException("The identity service answered a sign-in without a token.");
            var checkedToken = await new JsonWebTokenHandler { MapInboundClaims = false }
                .ValidateTokenAsync(answer.AccessToken, SigningKey.ValidationParameters(signingKey.Key));
            if (!checkedToken.IsValid)
                throw new InvalidOperationException("The identity service's token does not pass this server's check of its signature.", checkedToken.Exception);

            var person = new ClaimsIdentity(
                checkedToken.ClaimsIdentity.Claims.Where(c => c.Type is not ("iss" or "aud" or "exp" or "nbf" or "iat" or "jti")),
                Scheme, DealershipClaims.Name, DealershipClaims.Role);
            person.AddClaim(new Claim(AccessTokenClaim, answer.AccessToken));
            await http.SignInAsync(Scheme, new ClaimsPrincipal(person), new AuthenticationProperties
            {
                IsPersistent = true,
                ExpiresUtc = answer.ExpiresAt,
            });
            return (SignInOutcome.SignedIn, null);
        }
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.MapPost(SignOutPath, async (HttpContext http) =>
            {
                await http.SignOutAsync(Scheme);
                return Results.LocalRedirect(SignInPath);
            })
            .AllowAnonymous()
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();

        // Network-wide staff (admin, network operations) work on one dealership at a time in the pages: the choice
        // lives in their session, so every page and every refresh of it reads the same one.
        app.MapPost(DealershipPath, async ([FromForm] string? code, [FromForm] string? returnUrl, HttpContext http) =>
            {
                var session = await http.AuthenticateAsync(Scheme);
                if (session.Principal is not { } person || session.Properties is null
                    || !IsNetworkWide(person))
                    return Results.Forbid();
                var identity = (ClaimsIdentity)person.Identity!;
                foreach (var old in identity.FindAll(ChosenDealershipClaim).ToList())
                    identity.RemoveClaim(old);
                if (!string.IsNullOrWhiteSpace(code) && code.Length <= 20 && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                    identity.AddClaim(new Claim(ChosenDealershipClaim, code.ToUpperInvariant()));
                await http.SignInAsync(Scheme, person, session.Properties);
                return Results.LocalRedirect(LocalUrl(returnUrl));
            })
            .RequireAuthorization(Policy)
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();

        // The reader's language, kept in a cookie; a GET so a plain link switches it on every page, the sign-in included.
        app.MapGet(CulturePath, (string? culture, string? returnUrl, HttpContext http) =>
            {
                var chosen = WebModule.Cultures.FirstOrDefault(c => c.Name.Equals(culture, StringComparison.OrdinalIgnoreCase)) ?? WebModule.Cultures[0];
                http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
                return Results.LocalRedirect(LocalUrl(returnUrl));
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    /// <summary>The person's own dealership, or the one network-wide staff chose to work on; null when there is none yet.</summary>
    public static string? WorkingDealership(ClaimsPrincipal user) =>
        IsNetworkWide(user) ? user.FindFirst(ChosenDealershipClaim)?.Value : user.FindFirst(DealershipClaims.DealershipCode)?.Value;

    /// <summary>Staff of the whole network (admin, network operations), who belong to no one dealership.</summary>
    public static bool IsNetworkWide(ClaimsPrincipal user) => user.FindFirst(DealershipClaims.Dealership)?.Value == DealershipClaims.AnyDealership;

    /// <summary>A return address on this site, never elsewhere (an open redirect would let a link lead away after sign-in).</summary>
    public static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";

    /// <summary>The language the person chose in the profile (Chinese unless English was chosen).</summary>
    public static ProviderCultureResult? PersonCulture(ClaimsPrincipal user) =>
        user.FindFirst("lang")?.Value is { Length: > 0 } lang ? new ProviderCultureResult(lang) : null;

    /// <summary>The services' own paths, which the pages' culture and session never touch.</summary>
    public static bool IsServiceCall(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/scalar");

    /// <summary>Where the keys that encrypt the session cookie live: <c>Web:KeysDirectory</c>, else the data folder.</summary>
    public static string KeysDirectory(IConfiguration configuration) =>
        configuration["Web:KeysDirectory"] is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : Path.Combine(ServiceDatabase.DataDirectory(configuration), "web-keys");

    internal static string FormatWait(TimeSpan wait, CultureInfo culture) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes)).ToString(culture);
}

public static class Locations
{
    /// <summary>The page the person is on, as a local address for a returnUrl (<c>/leads?stage=new</c>).</summary>
    public static string Here(this Microsoft.AspNetCore.Components.NavigationManager navigation) => "/" + navigation.ToBaseRelativePath(navigation.Uri);

    /// <summary>The sign-in page, which brings the person back to the page they are on.</summary>
    public static string SignInAndReturn(this Microsoft.AspNetCore.Components.NavigationManager navigation) =>
        $"{WebSignIn.SignInPath}?returnUrl={Uri.EscapeDataString(navigation.Here())}";
}
