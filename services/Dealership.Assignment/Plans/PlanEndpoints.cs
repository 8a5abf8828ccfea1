using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Plans;

public static class PlanEndpoints
{
    public record TargetRequest(Guid ConsultantId, string? Source, int Visits);
    public record PlanRequest(string? DealershipCode, string? Month, List<TargetRequest>? Targets);

    public record SourceFigure(string Source, int Target, int Actual);
    public record Figures(int Target, int Actual, IReadOnlyList<SourceFigure> BySource);
    public record ConsultantFigures(Guid ConsultantId, string Name, string? Team, int Target, int Actual, IReadOnlyList<SourceFigure> BySource);
    public record TeamFigures(string Team, int Target, int Actual, IReadOnlyList<SourceFigure> BySource);
    public record PlanView(Guid DealershipId, string DealershipCode, string Month, Figures Dealership, IReadOnlyList<TeamFigures> Teams, IReadOnlyList<ConsultantFigures> Consultants);

    public static void MapPlanEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/plans").WithTags("Plans").RequireAuthorization();
        group.MapPut("/", PutAsync).RequireStaff(StaffRoles.Managers).WithSummary("Set monthly store-visit targets per consultant and source channel (the cells given are replaced)")
            .WithRequestExample(new PlanRequest("DEMO01", "2026-12",
            [
                new(Guid.Parse("0c0a0000-0000-4000-8000-000000000001"), "oem", 20),
                new(Guid.Parse("0c0a0000-0000-4000-8000-000000000001"), "marketing-event", 8),
                new(Guid.Parse("0c0a0000-0000-4000-8000-000000000002"), "oem", 18),
            ]), "Visit targets of the month (yyyy-MM) per consultant and source channel; cells not named keep their targets.");
        group.MapGet("/", GetAsync).WithSummary("Plan against actual store visits so far, per consultant, team and dealership, by source channel");
    }

    private static bool ValidMonth(string? month) =>
        month is not null && DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static async Task<Results<Ok<PlanView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> PutAsync(
        PlanRequest body, ClaimsPrincipal user, AssignmentDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.DealershipCode))
            return Problems.Invalid("dealershipCode", "The dealership is required.");
        var code = body.DealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.DealershipAsync(code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        var dealershipId = dealership.DealershipId;
        var errors = new Dictionary<string, string[]>();
        if (!ValidMonth(body.Month))
            errors["month"] = ["The month is required as yyyy-MM."];
        var targets = body.Targets ?? [];
        var consultants = await db.Consultants.AsNoTracking().Where(c => c.DealershipId == dealershipId).Select(c => c.Id).ToListAsync(cancellationToken);
        for (var i = 0; i < targets.Count; i++)
        {
            if (!consultants.Contains(targets[i].ConsultantId))
                errors[$"targets[{i}].consultantId"] = ["Not a member of the dealership's roster."];
            if (string.IsNullOrWhiteSpace(targets[i].Source))
                errors[$"targets[{i}].source"] = ["The source channel is required."];
            if (targets[i].Visits < 0)
                errors[$"targets[{i}].visits"] = ["A target cannot be negative."];
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var month = body.Month!;
        var existing = await db.Plans.Where(p => p.DealershipId == dealershipId && p.Month == month).ToListAsync(cancellationToken);
        foreach (var t in targets)
        {
            var source = t.Source!.Trim().ToLowerInvariant();
            var row = existing.FirstOrDefault(p => p.ConsultantId == t.ConsultantId && p.Source == source);
            if (row is null)
            {
                row = new VisitTarget { Id = MassTransit.NewId.NextGuid(), DealershipId = dealershipId, ConsultantId = t.ConsultantId, Month = month, Source = source };
                db.Plans.Add(row);
                existing.Add(row);
            }
            row.Visits = t.Visits;
        }
        db.Publish(new PlanFiguresChanged(dealershipId, month, clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await FiguresAsync(db, dealership, month, cancellationToken));
    }

    private static async Task<Results<Ok<PlanView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> GetAsync(
        [Description("The dealership's code, e.g. DEMO01.")] string dealershipCode,
        [Description("The month as yyyy-MM; this month in the dealership's time zone unless said.")] string? month,
        ClaimsPrincipal user, AssignmentDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var code = dealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.DealershipAsync(code, cancellationToken) is not { } settings)
            return Problems.NotFound("dealership", code);
        if (month is not null && !ValidMonth(month))
            return Problems.Invalid("month", "The month is yyyy-MM.");
        month ??= TimeZoneInfo.ConvertTime(clock.GetUtcNow(), WorkingTime.Zone(settings.TimeZone)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        return TypedResults.Ok(await FiguresAsync(db, settings, month, cancellationToken));
    }

    private static async Task<PlanView> FiguresAsync(AssignmentDbContext db, RoutingSettings settings, string month, CancellationToken cancellationToken)
    {
        var dealershipId = settings.DealershipId;
        var targets = await db.Plans.AsNoTracking().Where(p => p.DealershipId == dealershipId && p.Month == month)
            .Select(p => new { p.ConsultantId, p.Source, p.Visits }).ToListAsync(cancellationToken);
        var actuals = await db.Visits.AsNoTracking().Where(v => v.DealershipId == dealershipId && v.Month == month)
            .GroupBy(v => new { v.ConsultantId, v.Source })
            .Select(g => new { g.Key.ConsultantId, g.Key.Source, Count = g.Count() }).ToListAsync(cancellationToken);
        var roster = await db.Consultants.AsNoTracking().Where(c => c.DealershipId == dealershipId)
            .Select(c => new { c.Id, c.Name, c.Team, c.Role }).ToListAsync(cancellationToken);

        // One cell per consultant and source, whether it has a target, an actual or both.
        var cells = targets.Select(t => (Consultant: (Guid?)t.ConsultantId, t.Source, Target: t.Visits, Actual: 0))
            .Concat(actuals.Select(a => (Consultant: a.ConsultantId, a.Source, Target: 0, Actual: a.Count)))
            .GroupBy(c => (c.Consultant, c.Source))
            .Select(g => (g.Key.Consultant, g.Key.Source, Target: g.Sum(c => c.Target), Actual: g.Sum(c => c.Actual)))
            .ToList();

        static List<SourceFigure> BySource(IEnumerable<(Guid? Consultant, string Source, int Target, int Actual)> cells) =>
            cells.GroupBy(c => c.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SourceFigure(g.Key, g.Sum(c => c.Target), g.Sum(c => c.Actual))).ToList();

        var teamOf = roster.ToDictionary(c => c.Id, c => c.Team);
        var consultants = roster.Where(c => c.Role == StaffRole.Consultant || cells.Any(x => x.Consultant == c.Id))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c =>
            {
                var mine = cells.Where(x => x.Consultant == c.Id).ToList();
                return new ConsultantFigures(c.Id, c.Name, c.Team, mine.Sum(x => x.Target), mine.Sum(x => x.Actual), BySource(mine));
            }).ToList();
        var teams = cells.Where(c => c.Consultant is { } id && teamOf.GetValueOrDefault(id) is not null)
            .GroupBy(c => teamOf[c.Consultant!.Value]!)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TeamFigures(g.Key, g.Sum(c => c.Target), g.Sum(c => c.Actual), BySource(g))).ToList();
        var dealership = new Figures(cells.Sum(c => c.Target), cells.Sum(c => c.Actual), BySource(cells));
        return new PlanView(dealershipId, settings.DealershipCode, month, dealership, teams, consultants);
    }
}
