using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.Identity.Audit;
using Dealership.Identity.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Identity.People;

public static class SignInEndpoints
{
    public sealed record SignIn(string UserName, string Password);
    public sealed record TokenAnswer(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);
    public sealed record Me(Guid? Id, string Name, string Kind, IReadOnlyList<string> Roles, IReadOnlyList<string> Dealerships,
        IReadOnlyList<string> DealershipCodes, Guid? ConsultantId, IReadOnlyList<string> Scopes, string? Language);

    public const string SignInRateLimit = "sign-in";

    public static void MapSignInEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth").WithTags("Sign-in").AuditedByHandler();
        auth.MapPost("/token", SignInAsync)
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimit)
            .WithSummary("Sign in with a user name and password; answers a bearer token for every service (10 hours)")
            .WithRequestExample(new SignIn("manager", "Demo@2026"), "A person's user name and password (the demo's people all have Demo@2026).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/client-token", ClientTokenAsync)
            .AllowAnonymous()
            .RequireRateLimiting(SignInRateLimit)
            .WithSummary("Exchange an integration client's API key (X-Api-Key) for a bearer token (15 minutes)")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new Me(
                user.PersonId(), user.ActorName(), user.IsClient() ? DealershipClaims.ClientKind : DealershipClaims.PersonKind,
                [.. user.FindAll(DealershipClaims.Role).Select(c => c.Value)], [.. user.FindAll(DealershipClaims.Dealership).Select(c => c.Value)],
                [.. user.FindAll(DealershipClaims.DealershipCode).Select(c => c.Value)], user.ConsultantId(),
                [.. user.FindAll(DealershipClaims.Scope).Select(c => c.Value)], user.FindFirst("lang")?.Value)))
            .AllowClients(ClientScopes.All)
            .WithSummary("Who the caller is: name, roles, dealerships, consultant, scopes");
    }

    private static async Task<Results<Ok<TokenAnswer>, ProblemHttpResult>> SignInAsync(
        SignIn body, HttpContext http, IdentityServiceDbContext db, UserManager<Person> users, TokenIssuer issuer, TimeProvider clock)
    {
        // No one is signed in yet: the sign-in reads people of every dealership.
        db.Scope = CallerScope.Service;
        var person = string.IsNullOrWhiteSpace(body.UserName) ? null : await users.FindByNameAsync(body.UserName.Trim());
        if (person is null)
        {
            db.Record(http, "sign-in-failed", null, body.UserName, "unknown user name", actor: body.UserName ?? "");
            await db.SaveChangesAsync(http.RequestAborted);
            return Refused();
        }
        if (await users.IsLockedOutAsync(person))
        {
            db.Record(http, "sign-in-refused-locked", person.DealershipId, person.UserName, actor: person.UserName, actorId: person.Id);
            await db.SaveChangesAsync(http.RequestAborted);
            var until = await users.GetLockoutEndDateAsync(person);
            var seconds = Math.Max(1, (int)Math.Ceiling(((until ?? clock.GetUtcNow()) - clock.GetUtcNow()).TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Account locked",
                detail: $"Too many failed sign-ins: try again in {Math.Ceiling(seconds / 60.0)} minutes, or ask an administrator to unlock the account.");
        }
        if (!await users.CheckPasswordAsync(person, body.Password ?? ""))
        {
            await users.AccessFailedAsync(person);
            db.Record(http, "sign-in-failed", person.DealershipId, person.UserName, "wrong password", actor: person.UserName, actorId: person.Id);
            await db.SaveChangesAsync(http.RequestAborted);
            return Refused();
        }
        await users.ResetAccessFailedCountAsync(person);

        var claims = new List<Claim>
        {
            new(DealershipClaims.Subject, person.Id.ToString()),
            new(DealershipClaims.Name, person.DisplayName.Length > 0 ? person.DisplayName : person.UserName!),
            new(DealershipClaims.Kind, DealershipClaims.PersonKind),
            new("lang", person.Language),
        };
        var roles = await users.GetRolesAsync(person);
        claims.AddRange(roles.Select(r => new Claim(DealershipClaims.Role, r)));
        if (person.DealershipId is { } dealershipId)
        {
            claims.Add(new Claim(DealershipClaims.Dealership, dealershipId.ToString()));
            var code = await db.Dealerships.Where(d => d.Id == dealershipId).Select(d => d.Code).SingleOrDefaultAsync(http.RequestAborted);
            if (code is not null)
                claims.Add(new Claim(DealershipClaims.DealershipCode, code));
        }
        else
        {
            claims.Add(new Claim(DealershipClaims.Dealership, DealershipClaims.AnyDealership));
        }
        if (person.ConsultantId is { } consultantId)
            claims.Add(new Claim(DealershipClaims.Consultant, consultantId.ToString()));

        db.Record(http, "signed-in", person.DealershipId, person.UserName, actor: person.UserName, actorId: person.Id);
        await db.SaveChangesAsync(http.RequestAborted);
        var (token, expires) = issuer.Issue(claims, TokenIssuer.PersonLifetime);
        return TypedResults.Ok(new TokenAnswer(token, "Bearer", expires));
    }

    private static async Task<Results<Ok<TokenAnswer>, ProblemHttpResult>> ClientTokenAsync(
        HttpContext http, IdentityServiceDbContext db, TokenIssuer issuer)
    {
        var key = http.Request.Headers[ApiKeyAuthenticationHandler.Header].ToString();
        var client = await ApiKeys.FindAsync(db, key, http.RequestAborted);
        if (client is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unknown API key", detail: "The API key is not known or was revoked.");
        var claims = await ApiKeys.ClaimsAsync(db, client, http.RequestAborted);
        var (token, expires) = issuer.Issue(claims, TokenIssuer.ClientLifetime);
        return TypedResults.Ok(new TokenAnswer(token, "Bearer", expires));
    }

    // One answer for an unknown name and a wrong password, so a caller cannot learn which names exist.
    private static ProblemHttpResult Refused() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in refused", detail: "The user name or the password is wrong.");
}
