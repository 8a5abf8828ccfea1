using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Identity.Audit;

public static class AuditEndpoints
{
    public sealed record AuditView(DateTimeOffset At, Guid? DealershipId, string? DealershipCode, string Actor, Guid? ActorId, string Action, string? Subject, string? Detail, string? From);

    /// <summary>Filters of the audit list. <c>take</c>: at most 500, newest first.</summary>
    public sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, string? Action, string? Actor, int? Take);

    public static void MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/audit", async ([AsParameters] AuditQuery q, IdentityServiceDbContext db, CancellationToken cancellationToken) =>
            {
                // The dealership filter keeps a manager to his or her dealership's entries; admins read all.
                var query = db.Audit.AsNoTracking();
                if (q.From is { } from)
                    query = query.Where(a => a.At >= from);
                if (q.To is { } to)
                    query = query.Where(a => a.At < to);
                if (!string.IsNullOrWhiteSpace(q.Action))
                    query = query.Where(a => a.Action == q.Action);
                if (!string.IsNullOrWhiteSpace(q.Actor))
                    query = query.Where(a => a.Actor == q.Actor);
                var rows = await query.OrderByDescending(a => a.Id).Take(Math.Clamp(q.Take ?? 100, 1, 500)).ToListAsync(cancellationToken);
                var codes = await db.Dealerships.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Code, cancellationToken);
                return TypedResults.Ok(rows.Select(a => new AuditView(a.At, a.DealershipId, a.DealershipId is { } id ? codes.GetValueOrDefault(id) : null,
                    a.Actor, a.ActorId, a.Action, a.Subject, a.Detail, a.From)).ToList());
            })
            .WithTags("Audit")
            .RequireStaff(StaffRoles.SalesSupervisor, StaffRoles.RetailManager)
            .WithSummary("What people and clients did, newest first: sign-ins and failures, tasks, reassignments, bookings, publishing, settings and keys");
    }
}
