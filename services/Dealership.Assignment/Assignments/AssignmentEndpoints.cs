using Dealership.Hosting.Data;
using System.ComponentModel;
using System.Security.Claims;
using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Assignments;

public static class AssignmentEndpoints
{
    public record AuditView(DateTimeOffset At, string Action, Guid? FromConsultantId, Guid? ToConsultantId, string Actor, string Reason);
    public record AssignmentView(
        Guid LeadId, Guid DealershipId, string DealershipCode, string Source, string? CustomerPhone, string? Vehicle, AssignmentState State, Guid? ConsultantId,
        string? Rule, string Reason, DateTimeOffset DecidedAt, DateTimeOffset? AssignedAt, DateTimeOffset? WaitUntil);
    public record AssignmentDetail(AssignmentView Assignment, IReadOnlyList<AuditView> History);
    public record ClaimRequest(Guid ConsultantId);
    public record ReassignRequest(Guid? ConsultantId, string? Reason);
    public record BulkReassignRequest(string? DealershipCode, List<Guid>? LeadIds, Guid? ConsultantId, string? Reason);
    public record ReassignmentResult(Guid LeadId, string Outcome, Guid? ConsultantId, string Reason);

    /// <summary>Which of a dealership's leads to list.</summary>
    public record AssignmentQuery(
        [property: Description("The dealership's code, e.g. DEMO01.")] string DealershipCode,
        [property: Description("assigned, pooled (the open pool), supervisorQueue, waiting (for a shift) or closed.")] AssignmentState? State,
        [property: Description("Only the leads of this consultant.")] Guid? ConsultantId);

    // Li Qiang, a consultant of the demo dealership.
    private static readonly Guid ExampleConsultant = Guid.Parse("0c0a0000-0000-4000-8000-000000000002");

    public static void MapAssignmentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/assignments").WithTags("Assignments").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("Leads by state: the open pool, the supervisor queue, those waiting for a shift, or a consultant's");
        group.MapGet("/{leadId:guid}", GetAsync).WithSummary("Where a lead stands and every decision about it (audit trail)");
        group.MapPost("/{leadId:guid}/claim", ClaimAsync).WithSummary("A consultant claims a lead from the open pool; the first claim wins")
            .WithRequestExample(new ClaimRequest(ExampleConsultant));
        group.MapPost("/{leadId:guid}/reassign", ReassignOneAsync).RequireStaff(StaffRoles.Managers).WithSummary("A manager moves one lead: to a named consultant, or by the routing rules")
            .WithRequestExample(new ReassignRequest(ExampleConsultant, "王芳休假，李强接手"), "Leave consultantId out to let the routing rules choose.");
        group.MapPost("/reassign", ReassignManyAsync).RequireStaff(StaffRoles.Managers).WithSummary("A manager moves many leads at once, in one transaction")
            .WithRequestExample(new BulkReassignRequest("DEMO01", [Guid.Parse("3f2b8c1e-0000-4000-8000-000000000001"), Guid.Parse("3f2b8c1e-0000-4000-8000-000000000002")],
                ExampleConsultant, "李强负责 ID. 系列车展线索"), "Leave consultantId out to let the routing rules choose for each lead.");
    }

    public static string Outcome(DecisionKind kind) => kind switch
    {
        DecisionKind.Assign => "reassigned",
        DecisionKind.Pool => "pooled",
        DecisionKind.SupervisorQueue => "supervisorQueue",
        _ => "waiting",
    };

    private static AssignmentView View(LeadAssignment a, RoutingSettings dealership) => new(
        a.LeadId, a.DealershipId, dealership.DealershipCode, a.Source, PhoneMask.Mask(a.CustomerPhone), a.Vehicle, a.State, a.ConsultantId, a.Rule, a.Reason,
        a.DecidedAt, a.AssignedAt, a.WaitUntil);

    private static async Task<Results<Ok<List<AssignmentView>>, ForbiddenProblem, NotFoundProblem>> ListAsync(
        [AsParameters] AssignmentQuery q, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        var code = q.DealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.DealershipAsync(code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        var query = db.Assignments.AsNoTracking().Where(a => a.DealershipId == dealership.DealershipId);
        if (q.State is { } state)
            query = query.Where(a => a.State == state);
        if (q.ConsultantId is { } consultantId)
            query = query.Where(a => a.ConsultantId == consultantId);
        var rows = await query.OrderBy(a => a.DecidedAt).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(a => View(a, dealership)).ToList());
    }

    private static async Task<Results<Ok<AssignmentDetail>, NotFoundProblem>> GetAsync(Guid leadId, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        var lead = await db.Assignments.AsNoTracking().SingleOrDefaultAsync(a => a.LeadId == leadId, cancellationToken);
        if (lead is null || await db.DealershipForAsync(user, lead.DealershipId, cancellationToken) is not { } dealership)
            return Problems.NotFound("lead", leadId);
        var history = await db.Audit.AsNoTracking().Where(a => a.LeadId == leadId).OrderBy(a => a.At).ToListAsync(cancellationToken);
        return TypedResults.Ok(new AssignmentDetail(View(lead, dealership),
            history.Select(h => new AuditView(h.At, h.Action, h.FromConsultantId, h.ToConsultantId, h.Actor, h.Reason)).ToList()));
    }

    private static Task<Results<Ok<AssignmentView>, ValidationProblem, NotFoundProblem, ConflictProblem>> ClaimAsync(
        Guid leadId, ClaimRequest body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken) =>
        // Two claims racing both read "pooled"; the lead's concurrency token lets one commit, the other retries and finds it taken.
        db.RetryOnConflictAsync<Results<Ok<AssignmentView>, ValidationProblem, NotFoundProblem, ConflictProblem>>(async () =>
        {
            var lead = await db.Assignments.SingleOrDefaultAsync(a => a.LeadId == leadId, cancellationToken);
            if (lead is null || await db.DealershipForAsync(user, lead.DealershipId, cancellationToken) is not { } dealership)
                return Problems.NotFound("lead", leadId);
            var routing = (await assigner.LoadAsync(lead.DealershipId, cancellationToken))!;
            if (lead.State != AssignmentState.Pooled)
                return Problems.Conflict("Not in the pool", lead.ConsultantId is { } holder
                    ? $"The lead was already claimed by or given to {routing.Find(holder)?.Name}."
                    : $"The lead is not in the open pool (it is {lead.State}).");
            var consultant = routing.Find(body.ConsultantId);
            if (consultant is not { Role: StaffRole.Consultant, Status: ConsultantStatus.Active })
                return Problems.Invalid("consultantId", "An active consultant of the lead's dealership is required.");
            if (!consultant.UnderCap)
                return Problems.Conflict("At cap", $"{consultant.Name} already holds {consultant.OpenLeads} open leads, the cap of {consultant.MaxOpenLeads}; the lead stays in the open pool.");
            assigner.Apply(lead, new RoutingDecision(DecisionKind.Assign, consultant, "open pool", null,
                $"claimed from the open pool by {consultant.Name} ({consultant.Load} open before), first claim wins"), routing, "claimed", user.ActorName());
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Ok(View(lead, dealership));
        });

    private static async Task<Results<Ok<ReassignmentResult>, ValidationProblem, NotFoundProblem>> ReassignOneAsync(
        Guid leadId, ReassignRequest body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken)
    {
        var dealershipId = await db.Assignments.Where(a => a.LeadId == leadId).Select(a => (Guid?)a.DealershipId).SingleOrDefaultAsync(cancellationToken);
        if (dealershipId is null || await db.DealershipForAsync(user, dealershipId.Value, cancellationToken) is null)
            return Problems.NotFound("lead", leadId);
        var result = await ReassignAsync(dealershipId.Value, [leadId], body.ConsultantId, body.Reason, user.ActorName(), db, assigner, cancellationToken);
        return result.Errors is not null ? TypedResults.ValidationProblem(result.Errors) : TypedResults.Ok(result.Results!.Single());
    }

    private static async Task<Results<Ok<List<ReassignmentResult>>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> ReassignManyAsync(
        BulkReassignRequest body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.DealershipCode))
            return Problems.Invalid("dealershipCode", "The dealership is required.");
        var code = body.DealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.DealershipAsync(code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        if (body.LeadIds is not { Count: > 0 } leadIds)
            return Problems.Invalid("leadIds", "At least one lead is required.");
        if (leadIds.Count > 1000)
            return Problems.Invalid("leadIds", "At most 1000 leads at once.");
        var result = await ReassignAsync(dealership.DealershipId, leadIds.Distinct().ToList(), body.ConsultantId, body.Reason, user.ActorName(), db, assigner, cancellationToken);
        return result.Errors is not null ? TypedResults.ValidationProblem(result.Errors) : TypedResults.Ok(result.Results!);
    }

    /// <summary>
    /// Moves the leads to the named consultant (within the cap), or routes each by the rules away from
    /// its current consultant. All of them commit together, or none do.
    /// </summary>
    private static async Task<(List<ReassignmentResult>? Results, Dictionary<string, string[]>? Errors)> ReassignAsync(
        Guid dealershipId, List<Guid> leadIds, Guid? consultantId, string? reason, string actor,
        AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken) =>
        await db.RetryOnConflictAsync(async () =>
        {
            var routing = (await assigner.LoadAsync(dealershipId, cancellationToken))!;
            Consultant? target = null;
            if (consultantId is not null)
            {
                target = routing.Find(consultantId);
                if (target is not { Role: StaffRole.Consultant, Status: ConsultantStatus.Active })
                    return (null, new Dictionary<string, string[]> { ["consultantId"] = ["An active consultant of the dealership is required."] });
            }
            var leads = await db.Assignments.Where(a => a.DealershipId == dealershipId && leadIds.Contains(a.LeadId)).ToListAsync(cancellationToken);
            var why = $"manual reassignment by {actor}" + (string.IsNullOrWhiteSpace(reason) ? "" : $" ({reason.Trim()})");
            var results = new List<ReassignmentResult>();
            foreach (var leadId in leadIds)
            {
                var lead = leads.FirstOrDefault(l => l.LeadId == leadId);
                if (lead is null)
                    results.Add(new(leadId, "notFound", null, "The lead is not known to assignment for this dealership."));
                else if (lead.State == AssignmentState.Closed)
                    results.Add(new(leadId, "skipped", null, $"The lead is {lead.Reason}; a closed lead is not reassigned."));
                else if (target is null)
                {
                    var decision = await assigner.RouteAsync(lead, routing, "reassigned", actor, why, exclude: lead.ConsultantId, cancellationToken);
                    results.Add(new(leadId, Outcome(decision.Kind), lead.ConsultantId, lead.Reason));
                }
                else if (lead.ConsultantId == target.Id && lead.State == AssignmentState.Assigned)
                    results.Add(new(leadId, "unchanged", target.Id, $"{target.Name} already has the lead."));
                else if (!target.UnderCap)
                    results.Add(new(leadId, "skipped", lead.ConsultantId, $"{target.Name} is at the cap ({target.Load} open)."));
                else
                {
                    assigner.Apply(lead, new RoutingDecision(DecisionKind.Assign, target, "manual", null, $"to {target.Name} ({target.Load} open before)"),
                        routing, "reassigned", actor, why);
                    results.Add(new(leadId, "reassigned", target.Id, lead.Reason));
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            return ((List<ReassignmentResult>?)results, (Dictionary<string, string[]>?)null);
        });
}
