using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dealership.Hosting.Security;

/// <summary>Endpoint metadata: integration clients with one of these scopes may call the endpoint.</summary>
public sealed record ClientScopeMetadata(IReadOnlyList<string> Scopes);

/// <summary>Endpoint metadata: only people in one of these roles may call the endpoint.</summary>
public sealed record StaffRoleMetadata(IReadOnlyList<string> Roles);

public static class AccessPolicyEndpointExtensions
{
    /// <summary>Opens the endpoint to integration clients whose key has one of <paramref name="scopes"/> (closed to clients otherwise).</summary>
    public static TBuilder AllowClients<TBuilder>(this TBuilder builder, params string[] scopes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ClientScopeMetadata(scopes));

    /// <summary>Only people in one of <paramref name="roles"/> may call the endpoint (admins always may).</summary>
    public static TBuilder RequireStaff<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new StaffRoleMetadata(roles));
}

/// <summary>
/// The one rule every endpoint gets without asking, as part of the default and the fallback policy:
/// an integration client may call only what an endpoint opened to its scope, and a person only
/// what the endpoint's roles (when it names some) allow. A new endpoint is closed to keys and open
/// to staff of any role, whose reads the services' dealership filters then narrow.
/// </summary>
public sealed class EndpointAccessRequirement : AuthorizationHandler<EndpointAccessRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, EndpointAccessRequirement requirement)
    {
        var endpoint = context.Resource switch
        {
            HttpContext http => http.GetEndpoint(),
            Endpoint e => e,
            _ => null,
        };
        var user = context.User;
        if (user.IsClient())
        {
            var scopes = endpoint?.Metadata.GetOrderedMetadata<ClientScopeMetadata>().SelectMany(m => m.Scopes).ToHashSet() ?? [];
            if (user.FindAll(DealershipClaims.Scope).Any(c => scopes.Contains(c.Value)))
                context.Succeed(requirement);
            return Task.CompletedTask;
        }

        // The last declaration wins, so a group's roles can be narrowed or widened on one endpoint.
        var roles = endpoint?.Metadata.GetMetadata<StaffRoleMetadata>()?.Roles;
        if (roles is null ? StaffRoles.All.Any(user.IsInRole) : user.IsInRole(StaffRoles.Admin) || roles.Any(user.IsInRole))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
