using Dealership.Contracts;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dealership.Hosting.Security;

/// <summary>Endpoint metadata: the handler writes its own, richer audit entry.</summary>
public sealed record AuditedByHandler;

/// <summary>Endpoint metadata: a POST that only computes an answer (a simulation) and changes nothing, so there is no change to audit.</summary>
public sealed record ChangesNothing;

/// <summary>
/// Every change a person or a client makes through any service's API is audited here, in one place:
/// after a successful POST, PUT, PATCH or DELETE the service publishes <see cref="ActionAudited"/>,
/// through the outbox, and the identity service keeps it. A handler on a busy path (a lead's arrival) may commit the
/// same entry (<see cref="EntryFor"/>) with its own change and say so (<see cref="Written"/>); the trail then writes none.
/// </summary>
public sealed class AuditTrail(RequestDelegate next, ILogger<AuditTrail> logger)
{
    private static readonly object WrittenKey = new();

    public async Task InvokeAsync(HttpContext http)
    {
        await next(http);
        if (http.Items.ContainsKey(WrittenKey) || EntryFor(http, http.Response.StatusCode) is not { } audited)
            return;
        try
        {
            // Through the outbox of a context of its own, so a broker that is down delays the entry instead of losing it,
            // and nothing the handler left unsaved is saved with it.
            await using var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var contextType = scope.ServiceProvider.GetRequiredService<IEnumerable<MigratedContext>>().First().ContextType;
            var db = (ServiceDbContext)scope.ServiceProvider.GetRequiredService(contextType);
            db.Publish(audited);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The change itself has committed; a lost audit line must not turn it into an error for the caller.
            logger.LogWarning(ex, "The audit entry for {Action} by {Actor} could not be published", audited.Action, audited.Actor);
        }
    }

    /// <summary>
    /// The audit entry of the request if it answers <paramref name="statusCode"/>, or null when such an answer is not audited
    /// (a read, a failure, an anonymous caller, an endpoint that audits itself or changes nothing).
    /// </summary>
    public static ActionAudited? EntryFor(HttpContext http, int statusCode)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method)
            || statusCode >= 400 || http.User.Identity?.IsAuthenticated != true)
            return null;
        var endpoint = http.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<AuditedByHandler>() is not null || endpoint.Metadata.GetMetadata<ChangesNothing>() is not null)
            return null;
        var user = http.User;
        var dealerships = user.DealershipIds();
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value;
        var subject = string.Join(" ", http.Request.RouteValues.Select(v => $"{v.Key}={v.Value}"));
        return new ActionAudited(
            dealerships.Count == 1 ? dealerships[0] : null, user.ActorName(), Guid.TryParse(user.FindFirst(DealershipClaims.Subject)?.Value, out var id) ? id : null,
            user.IsClient() ? DealershipClaims.ClientKind : DealershipClaims.PersonKind, $"{http.Request.Method} {route}",
            subject.Length == 0 ? null : subject, statusCode, http.Connection.RemoteIpAddress?.ToString(),
            http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
    }

    /// <summary>
    /// The handler committed <see cref="EntryFor"/>'s entry in the transaction of the change itself (one commit fewer on a
    /// path as busy as a lead's arrival), so the trail writes none after the answer.
    /// </summary>
    public static void Written(HttpContext http) => http.Items[WrittenKey] = true;
}

public static class AuditTrailExtensions
{
    public static TBuilder AuditedByHandler<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedByHandler());

    public static TBuilder ChangesNothing<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ChangesNothing());
}
