using System.ComponentModel;
using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.Assignment.Roster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

public static class RoutingRuleEndpoints
{
    public record RuleView(string Name, List<string> Sources, string? VehicleContains, string? Language, string? Team, List<RoutingStep> Steps);
    public record RoutingView(Guid DealershipId, string DealershipCode, string TimeZone, OutsideHoursPolicy OutsideHours, EscalationPolicy OnFirstContactOverdue, List<RuleView> Rules);
    public record RoutingRequest(string? TimeZone, OutsideHoursPolicy? OutsideHours, EscalationPolicy? OnFirstContactOverdue, List<RuleView>? Rules);

    public static void MapRoutingRuleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/routing-rules").WithTags("Routing rules").RequireAuthorization()
            .RequireStaff(StaffRoles.Operations, StaffRoles.RetailManager, StaffRoles.SalesSupervisor);
        group.MapGet("/", GetAsync).WithSummary("The dealership's routing settings and rules, in the order they are tried");
        group.MapPut("/", PutAsync).WithSummary("Replace the dealership's routing settings and rules; rules are tried in the order given")
            .WithRequestExample(Example, "Rules are tried top down; each tries its steps in order until one finds a consultant.");
    }

    private static readonly RoutingRequest Example = new("Asia/Shanghai", OutsideHoursPolicy.WaitForNextShift, EscalationPolicy.Reassign,
    [
        new("Returning customers", [], null, null, null, [RoutingStep.PreviousConsultant]),
        new("New-energy models to team A", [], "ID.", null, "A组", [RoutingStep.SkillMatch, RoutingStep.LeastLoaded]),
        new("Everyone else", [], null, null, null, [RoutingStep.RoundRobin, RoutingStep.Pool]),
    ]);

    private static async Task<Results<Ok<RoutingView>, ForbiddenProblem, NotFoundProblem>> GetAsync(
        [Description("The dealership's code, e.g. DEMO01.")] string dealershipCode, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        var code = dealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        return await db.DealershipAsync(code, cancellationToken) is { } settings
            ? TypedResults.Ok(await ViewAsync(db, settings, cancellationToken))
            : Problems.NotFound("dealership", code);
    }

    private static async Task<RoutingView> ViewAsync(AssignmentDbContext db, RoutingSettings settings, CancellationToken cancellationToken)
    {
        var rules = await db.Rules.AsNoTracking().Where(r => r.DealershipId == settings.DealershipId).OrderBy(r => r.Priority).ToListAsync(cancellationToken);
        return new RoutingView(settings.DealershipId, settings.DealershipCode, settings.TimeZone, settings.OutsideHours, settings.OnFirstContactOverdue,
            rules.Select(r => new RuleView(r.Name, r.Sources, r.VehicleContains, r.Language, r.Team, r.Steps)).ToList());
    }

    private static async Task<Results<Ok<RoutingView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> PutAsync(
        [Description("The dealership's code, e.g. DEMO01.")] string dealershipCode, RoutingRequest body, ClaimsPrincipal user, AssignmentDbContext db,
        CancellationToken cancellationToken)
    {
        var code = dealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.DealershipAsync(code, cancellationToken) is not { } found)
            return Problems.NotFound("dealership", code);
        var dealershipId = found.DealershipId;
        var errors = new Dictionary<string, string[]>();
        if (body.TimeZone is not null && !WorkingTime.IsValidZone(body.TimeZone))
            errors["timeZone"] = [$"'{body.TimeZone}' is not a time zone; use an IANA id such as Asia/Shanghai."];
        var rules = body.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(rules[i].Name))
                errors[$"rules[{i}].name"] = ["Each rule needs a name: it is shown in every decision it makes."];
            if (rules[i].Steps is not { Count: > 0 })
                errors[$"rules[{i}].steps"] = ["Each rule needs at least one step."];
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var settings = await db.Settings.SingleAsync(s => s.DealershipId == dealershipId, cancellationToken);
        settings.TimeZone = body.TimeZone ?? settings.TimeZone;
        settings.OutsideHours = body.OutsideHours ?? settings.OutsideHours;
        settings.OnFirstContactOverdue = body.OnFirstContactOverdue ?? settings.OnFirstContactOverdue;
        db.Rules.RemoveRange(await db.Rules.Where(r => r.DealershipId == dealershipId).ToListAsync(cancellationToken));
        db.Rules.AddRange(rules.Select((r, i) => new RoutingRule
        {
            Id = MassTransit.NewId.NextGuid(), DealershipId = dealershipId, Priority = i, Name = r.Name.Trim(),
            Sources = r.Sources?.Select(s => s.Trim().ToLowerInvariant()).ToList() ?? [],
            VehicleContains = string.IsNullOrWhiteSpace(r.VehicleContains) ? null : r.VehicleContains.Trim(),
            Language = string.IsNullOrWhiteSpace(r.Language) ? null : r.Language.Trim(),
            Team = string.IsNullOrWhiteSpace(r.Team) ? null : r.Team.Trim(),
            Steps = r.Steps,
        }));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await ViewAsync(db, settings, cancellationToken));
    }
}
