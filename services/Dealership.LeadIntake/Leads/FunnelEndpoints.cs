using System.ComponentModel;
using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Leads;

/// <summary>
/// The sales funnel (销售漏斗) of a period, as the morning meeting reads it: how many leads each source channel
/// brought and how far they got, who followed up within 24 hours, and why leads were lost. Lead-intake holds
/// every lead's story (the other services' events), so it answers without asking them.
/// </summary>
public static class FunnelEndpoints
{
    public static readonly TimeSpan FirstFollowUpDeadline = TimeSpan.FromHours(24);

    public record FunnelQuery(
        [property: Description("The dealership's code, e.g. DEMO01.")] string DealershipCode,
        [property: Description("Leads created at or after this time, e.g. the first of the month at midnight in the dealership's time zone.")] DateTimeOffset From,
        [property: Description("Leads created before this time.")] DateTimeOffset To);

    /// <summary>Leads that arrived, and how many of them got at least this far.</summary>
    public record FunnelRow(string Source, int Leads, int Reached, int Invited, int Booked, int Arrived);

    /// <summary>
    /// The first follow-up of the leads first assigned to a consultant: within 24 hours of the assignment, late
    /// (called after it, or not called and the 24 hours are over), or still within its 24 hours.
    /// </summary>
    public record FirstFollowUpRow(Guid ConsultantId, string Name, int Assigned, int WithinDeadline, int Late, int Waiting);

    public record LostRow(string Reason, int Leads);

    public record FunnelView(string DealershipCode, DateTimeOffset From, DateTimeOffset To, FunnelRow Total, IReadOnlyList<FunnelRow> BySource,
        IReadOnlyList<FirstFollowUpRow> FirstFollowUp, IReadOnlyList<LostRow> Lost);

    public static void MapFunnelEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup("/api/leads/funnel").WithTags("Reports").RequireAuthorization().RequireStaff(StaffRoles.Managers)
            .MapGet("/", GetAsync)
            .WithSummary("The funnel of the leads created in a period: per source channel, leads reached, invited, booked and arrived; first follow-up within 24 hours per consultant; lost leads by reason");

    private sealed record Row(string Source, Guid? FirstConsultantId, string? FirstConsultantName, DateTimeOffset? FirstAssignedAt, DateTimeOffset? FirstCallAt,
        DateTimeOffset? ReachedAt, DateTimeOffset? InvitedAt, DateTimeOffset? BookedAt, DateTimeOffset? ArrivedAt, LeadStage Stage, string? LostReason);

    private static async Task<Results<Ok<FunnelView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> GetAsync(
        [AsParameters] FunnelQuery q, ClaimsPrincipal user, LeadIntakeDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var code = q.DealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.Dealerships.AsNoTracking().SingleOrDefaultAsync(d => d.Code == code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        if (q.To <= q.From || q.To - q.From > TimeSpan.FromDays(366))
            return Problems.Invalid("to", "Give a period of at most a year, to after from.");

        // A month of one dealership's leads is a few thousand small rows; the 24-hour comparison is done here
        // because SQLite keeps times in a form it cannot subtract.
        var rows = await db.Leads.AsNoTracking()
            .Where(l => l.DealershipId == dealership.Id && l.CreatedAt >= q.From && l.CreatedAt < q.To)
            .Select(l => new Row(l.Source, l.FirstConsultantId, l.FirstConsultantName, l.FirstAssignedAt, l.FirstCallAt,
                l.ReachedAt, l.InvitedAt, l.BookedAt, l.ArrivedAt, l.Stage, l.LostReason))
            .ToListAsync(cancellationToken);

        static FunnelRow Count(string source, IEnumerable<Row> leads)
        {
            var list = leads.ToList();
            return new FunnelRow(source, list.Count, list.Count(l => l.ReachedAt != null), list.Count(l => l.InvitedAt != null),
                list.Count(l => l.BookedAt != null), list.Count(l => l.ArrivedAt != null));
        }

        var now = clock.GetUtcNow();
        var followUps = rows
            .Where(l => l.FirstConsultantId != null && l.FirstAssignedAt != null)
            .GroupBy(l => l.FirstConsultantId!.Value)
            .Select(g =>
            {
                var within = g.Count(l => l.FirstCallAt - l.FirstAssignedAt <= FirstFollowUpDeadline);
                var waiting = g.Count(l => l.FirstCallAt is null && now - l.FirstAssignedAt < FirstFollowUpDeadline);
                return new FirstFollowUpRow(g.Key, g.Select(l => l.FirstConsultantName).Last(n => n is not null)!, g.Count(), within, g.Count() - within - waiting, waiting);
            })
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        var lost = rows
            .Where(l => l.Stage == LeadStage.Lost)
            .GroupBy(l => string.IsNullOrWhiteSpace(l.LostReason) ? "" : l.LostReason.Trim())
            .Select(g => new LostRow(g.Key, g.Count()))
            .OrderByDescending(r => r.Leads).ThenBy(r => r.Reason, StringComparer.Ordinal)
            .ToList();

        return TypedResults.Ok(new FunnelView(dealership.Code, q.From, q.To, Count("", rows),
            [.. rows.GroupBy(l => l.Source).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Count(g.Key, g))],
            followUps, lost));
    }
}
