using Dealership.Hosting.Security;
using System.Security.Claims;
using System.Text.Json;
using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;
using Dealership.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Assignments;

public static class AssignmentEndpoints
{
    public record AuditView(DateTimeOffset At, string Action, Guid? FromConsultantId, Guid? ToConsultantId, string Actor, string Reason);
    public record AssignmentView(
        Guid LeadId, Guid DealershipId, string Source, string? CustomerPhone, string? Vehicle, AssignmentState State, Guid? ConsultantId,
        string? Rule, string Reason, DateTimeOffset DecidedAt, DateTimeOffset? AssignedAt, DateTimeOffset? WaitUntil);
    public record AssignmentDetail(AssignmentView Assignment, IReadOnlyList<AuditView> History);
    public record ClaimRequest(Guid ConsultantId);
    public record ReassignRequest(Guid? ConsultantId, string? Reason);
    public record BulkReassignRequest(Guid DealershipId, List<Guid>? LeadIds, Guid? ConsultantId, string? Reason);
    public record ReassignmentResult(Guid LeadId, string Outcome, Guid? ConsultantId, string Reason);

    public static void MapAssignmentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/assignments").WithTags("Assignments").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("Leads by state: the open pool, the supervisor queue, those waiting for a shift, or a consultant's")
            .Produces<List<AssignmentView>>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{leadId:guid}", GetAsync).WithSummary("Where a lead stands and every decision about it (audit trail)")
            .Produces<AssignmentDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{leadId:guid}/claim", ClaimAsync).WithSummary("A consultant claims a lead from the open pool; the first claim wins")
            .Produces<AssignmentView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{leadId:guid}/reassign", ReassignOneAsync).WithSummary("A manager moves one lead: to a named consultant, or by the routing rules")
            .Produces<ReassignmentResult>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/reassign", ReassignManyAsync).WithSummary("A manager moves many leads at once, in one transaction")
            .Produces<List<ReassignmentResult>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static string Outcome(DecisionKind kind) => kind switch
    {
        DecisionKind.Assign => "reassigned",
        DecisionKind.Pool => "pooled",
        DecisionKind.SupervisorQueue => "supervisorQueue",
        _ => "waiting",
    };

    private static AssignmentView View(LeadAssignment a) => new(
        a.LeadId, a.DealershipId, a.Source, PhoneMask.Mask(a.CustomerPhone), a.Vehicle, a.State, a.ConsultantId, a.Rule, a.Reason, a.DecidedAt, a.AssignedAt, a.WaitUntil);

    private static async Task<IResult> ListAsync(
        Guid dealershipId, string? state, Guid? consultantId, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        if (await db.DealershipForAsync(user, dealershipId, cancellationToken) is null)
            return Access.DealershipNotFound(dealershipId);
        var query = db.Assignments.AsNoTracking().Where(a => a.DealershipId == dealershipId);
        // Read by hand: the JSON spells states in camelCase, and the query string should accept the same.
        if (state is not null)
        {
            if (!Enum.TryParse<AssignmentState>(state, ignoreCase: true, out var wanted))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["state"] = [$"Use one of: {string.Join(", ", Enum.GetNames<AssignmentState>().Select(JsonNamingPolicy.CamelCase.ConvertName))}."] });
            query = query.Where(a => a.State == wanted);
        }
        if (consultantId is not null)
            query = query.Where(a => a.ConsultantId == consultantId);
        var rows = await query.OrderBy(a => a.DecidedAt).Take(500).ToListAsync(cancellationToken);
        return Results.Ok(rows.Select(View).ToList());
    }

    private static async Task<IResult> GetAsync(Guid leadId, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        var lead = await db.Assignments.AsNoTracking().SingleOrDefaultAsync(a => a.LeadId == leadId, cancellationToken);
        if (lead is null || await db.DealershipForAsync(user, lead.DealershipId, cancellationToken) is null)
            return Access.NotFound("Lead", leadId);
        var history = await db.Audit.AsNoTracking().Where(a => a.LeadId == leadId).OrderBy(a => a.At).ToListAsync(cancellationToken);
        return Results.Ok(new AssignmentDetail(View(lead),
            history.Select(h => new AuditView(h.At, h.Action, h.FromConsultantId, h.ToConsultantId, h.Actor, h.Reason)).ToList()));
    }

    private static async Task<IResult> ClaimAsync(
        Guid leadId, ClaimRequest body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken) =>
        // Two claims racing both read "pooled"; the lead's concurrency token lets one commit, the other retries and finds it taken.
        await db.RetryOnConflictAsync(async () =>
        {
            var lead = await db.Assignments.SingleOrDefaultAsync(a => a.LeadId == leadId, cancellationToken);
            if (lead is null || await db.DealershipForAsync(user, lead.DealershipId, cancellationToken) is null)
                return Access.NotFound("Lead", leadId);
            var routing = (await assigner.LoadAsync(lead.DealershipId, cancellationToken))!;
            if (lead.State != AssignmentState.Pooled)
                return Access.Conflict("Not in the pool", lead.ConsultantId is { } holder
                    ? $"The lead was already claimed by or given to {routing.Find(holder)?.Name}."
                    : $"The lead is not in the open pool (it is {lead.State}).");
            var consultant = routing.Find(body.ConsultantId);
            if (consultant is not { Role: StaffRole.Consultant, Status: ConsultantStatus.Active })
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["consultantId"] = ["An active consultant of the lead's dealership is required."] });
            if (!consultant.UnderCap)
                return Access.Conflict("At cap", $"{consultant.Name} already holds {consultant.OpenLeads} open leads, the cap of {consultant.MaxOpenLeads}; the lead stays in the open pool.");
            assigner.Apply(lead, new RoutingDecision(DecisionKind.Assign, consultant, "open pool", null,
                $"claimed from the open pool by {consultant.Name} ({consultant.Load} open before), first claim wins"), routing, "claimed", user.ActorName());
            await db.SaveChangesAsync(cancellationToken);
            return Results.Ok(View(lead));
        });

    private static async Task<IResult> ReassignOneAsync(
        Guid leadId, ReassignRequest body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken)
    {
        var dealershipId = await db.Assignments.Where(a => a.LeadId == leadId).Select(a => (Guid?)a.DealershipId).SingleOrDefaultAsync(cancellationToken);
        if (dealershipId is null || await db.DealershipForAsync(user, dealershipId.Value, cancellationToken) is null)
            return Access.NotFound("Lead", leadId);
        var result = await ReassignAsync(dealershipId.Value, [leadId], body.ConsultantId, body.Reason, user.ActorName(), db, assigner, cancellationToken);
        return result.Errors is not null ? Results.ValidationProblem(result.Errors) : Results.Ok(result.Results!.Single());
    }

    private static async Task<IResult> ReassignManyAsync(
        BulkReassignRequest body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken)
    {
        if (await db.DealershipForAsync(user, body.DealershipId, cancellationToken) is null)
            return Access.DealershipNotFound(body.DealershipId);
        if (body.LeadIds is not { Count: > 0 } leadIds)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["leadIds"] = ["At least one lead is required."] });
        if (leadIds.Count > 1000)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["leadIds"] = ["At most 1000 leads at once."] });
        var result = await ReassignAsync(body.DealershipId, leadIds.Distinct().ToList(), body.ConsultantId, body.Reason, user.ActorName(), db, assigner, cancellationToken);
        return result.Errors is not null ? Results.ValidationProblem(result.Errors) : Results.Ok(result.Results);
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
