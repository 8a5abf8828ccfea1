using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Security;

public static class Authentication
{
    public const string Scheme = "Dealership";

    /// <summary>
    /// Every service accepts a person's signed token (JwtBearer) or an integration client's API key,
    /// and refuses everything else: the fallback policy covers every endpoint that says nothing, and
    /// the endpoint-access rule keeps keys to the endpoints opened to their scope.
    /// </summary>
    public static void AddDealershipAuthentication(this WebApplicationBuilder builder)
    {
        builder.AddDealershipCallers();
        var services = builder.Services;
        services.AddSingleton<IAuthorizationHandler, EndpointAccessRequirement>();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(StaffOrScopedClient())
            .SetFallbackPolicy(StaffOrScopedClient());
    }

    /// <summary>
    /// Who the caller is, without what the caller may do: a person's signed token or a client's API key,
    /// checked as every service checks them (the gateway's share of <see cref="AddDealershipAuthentication"/>).
    /// </summary>
    public static void AddDealershipCallers(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SecurityKeyHolder>();
        services.AddHttpClient<IdentityServiceApiKeyValidator>();
        services.TryAddSingleton<IApiKeyValidator>(sp => sp.GetRequiredService<IdentityServiceApiKeyValidator>());
        // A key that cannot be checked while the identity service is down is answered 503 with Retry-After, not 500.
        services.AddExceptionHandler<Api.UnavailableProblems>();

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o => o.MapInboundClaims = false)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SecurityKeyHolder>((o, key) => o.TokenValidationParameters = SigningKey.ValidationParameters(key.Key));
    }

    private static AuthorizationPolicy StaffOrScopedClient() => new AuthorizationPolicyBuilder(Scheme)
        .RequireAuthenticatedUser()
        .AddRequirements(new EndpointAccessRequirement())
        .Build();
}
