using System.Security.Claims;
using Dealership.Hosting.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dealership.Identity.People;

/// <summary>Signs the tokens every service checks (RS256, the framework's JsonWebTokenHandler).</summary>
/// <remarks>
/// A token's lifetime is read against the system clock by every service's JwtBearer handler, so it is
/// issued by the system clock too, not by the host's business clock (which tests move).
/// </remarks>
public sealed class TokenIssuer(SecurityKeyHolder key)
{
    /// <summary>A shift: a person signs in once a working day.</summary>
    public static readonly TimeSpan PersonLifetime = TimeSpan.FromHours(10);
    public static readonly TimeSpan ClientLifetime = TimeSpan.FromMinutes(15);

    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) Issue(IEnumerable<Claim> claims, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now + lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = SigningKey.Issuer,
            Audience = SigningKey.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.RsaSha256),
        });
        return (token, expires);
    }
}
