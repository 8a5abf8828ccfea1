using System.Security.Claims;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Identity.Audit;

public static class AuditLog
{
    /// <summary>Stages an audit entry in the identity service's own changes, so it commits with them.</summary>
    public static void Record(this IdentityServiceDbContext db, HttpContext http, string action, Guid? dealershipId, string? subject, string? detail = null, string? actor = null, Guid? actorId = null)
    {
        var user = http.User;
        db.Audit.Add(new AuditEntry
        {
            At = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
            DealershipId = dealershipId,
            Actor = actor ?? (user.Identity?.IsAuthenticated == true ? user.ActorName() : "anonymous"),
            ActorId = actorId ?? user.PersonId(),
            Action = action,
            Subject = subject,
            Detail = detail,
            From = http.Connection.RemoteIpAddress?.ToString(),
        });
    }
}
