using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Engine;

public static class WorkflowInstanceEndpoints
{
    /// <summary>An instance; <c>versionLabel</c> says whose version it runs (N3: the network's, DEMO01-2: its dealership's own).</summary>
    public record InstanceSummary(
        Guid Id, string ProcessKey, int Version, string VersionLabel, Guid? DealershipId, string? DealershipCode, string? BusinessKey, InstanceStatus Status,
        bool HasOpenIncident, string[] WaitingAt, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset? EndedAt);

    public record WaitView(string ElementId, long Key, ElementState State);
    public record JournalView(DateTimeOffset At, string ElementId, long? ElementInstanceKey, string Outcome, JsonNode? VariablesChanged, string? Detail);

    public record InstanceView(
        InstanceSummary Instance,
        IReadOnlyList<WaitView> Waiting,
        JsonObject Variables,
        IReadOnlyList<UserTaskWait> UserTasks,
        IReadOnlyList<JobWait> Jobs,
        IReadOnlyList<TimerWait> Timers,
        IReadOnlyList<MessageWait> MessageSubscriptions,
        IReadOnlyList<Incident> Incidents,
        IReadOnlyList<JournalView> Journal,
        PathView Path);

    /// <summary>The way the instance came, to draw on its version's diagram: the elements it completed and the flows it took (ids that diagram has).</summary>
    public record PathView(IReadOnlyList<string> CompletedElements, IReadOnlyList<string> TakenFlows);

    public record MigrationMapping(string SourceElementId, string TargetElementId);
    /// <summary>
    /// Running instances of one version to move to another: those listed by id, or every active one of the source version
    /// (of the dealership named; without one, of every dealership). Every element an instance is at must be mapped.
    /// </summary>
    public record MigrationRequest(
        string ProcessKey, string? DealershipCode, string SourceVersion, string TargetVersion, List<MigrationMapping>? Mappings,
        List<Guid>? InstanceIds, bool? AllActive, bool? DryRun);
    public record InstanceMigration(Guid Id, string? BusinessKey, bool Migrated, IReadOnlyList<string> Problems);
    /// <summary>What happened to each instance; with <c>dryRun</c> nothing changed and <c>migrated</c> counts those that would move.</summary>
    public record MigrationReport(bool DryRun, string Source, string Target, int Migrated, int Refused, IReadOnlyList<InstanceMigration> Instances);

    /// <summary>An instance to start; <c>dealershipCode</c> left out starts the network's workflow for no dealership.</summary>
    public record StartRequest(string ProcessKey, string? DealershipCode, string? BusinessKey, JsonElement? Variables);
    public record VariablesRequest(JsonElement? Variables);
    /// <summary>A message reaches only the instances of the dealership it names (none: the network's instances).</summary>
    public record MessageRequest(string Name, string CorrelationKey, JsonElement? Variables, TimeSpan? TimeToLive, Guid? MessageId, string? DealershipCode);
    public record MessageResult(int Correlated, bool Buffered);

    /// <summary>Which instances to list.</summary>
    public record InstanceQuery(
        [property: Description("Only instances of this workflow.")] string? ProcessKey,
        [property: Description("active, completed or cancelled.")] InstanceStatus? Status,
        [property: Description("Only instances with (true) or without (false) an open incident.")] bool? HasIncident,
        [property: Description("Only the instance of this business key, e.g. a lead's id.")] string? BusinessKey,
        [property: Description("The dealership, by its code; required unless the caller acts for the whole network.")] string? DealershipCode,
        [property: Description("Only instances waiting at this element id.")] string? WaitingAt,
        [property: Description("Only instances running this version of processKey: " + VersionLabels.Description)] string? Version,
        [property: Description("How many, 1 to 1000 (100 unless said).")] int? Take);

    private static readonly JsonElement ExampleVariables = JsonSerializer.SerializeToElement(new { consultant = "0c0a0000-0000-4000-8000-000000000001", customer = "陈先生" });

    public static void MapWorkflowInstanceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/workflow-instances").WithTags("Workflow instances").RequireAuthorization()
            .AllowClients(ClientScopes.ManageWorkflows).RequireStaff(StaffRoles.Operations, StaffRoles.RetailManager, StaffRoles.SalesSupervisor)
            // The dealership a request names may be refused (403) or unknown (404), answered by DealershipAccess.OwnerAsync.
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListAsync)
            .WithSummary("Instances, newest first, filtered by workflow, status, open incident, business key, dealership or waiting element");
        group.MapPost("/", StartAsync)
            .WithSummary("Start an instance of the newest published version")
            .WithRequestExample(new StartRequest("active-invitation", "DEMO01", "3f2b8c1e-0000-4000-8000-000000000001", ExampleVariables));
        group.MapGet("/{id:guid}", GetAsync)
            .WithSummary("One instance: where it waits, its variables, tasks, timers, subscriptions, incidents and journal");
        group.MapPost("/migrations", MigrateAsync)
            .WithSummary("Move running instances of one version to another by a plan mapping element ids; refuses, per instance with reasons, what the plan cannot map; dryRun only checks")
            .WithRequestExample(new MigrationRequest("active-invitation", "DEMO01", "N1", "N2",
                [new MigrationMapping("first-contact", "first-contact"), new MigrationMapping("first-contact-overdue", "first-contact-overdue")], null, true, true))
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithSummary("Cancel an active instance; whatever it waits for is withdrawn");
        group.MapPost("/{id:guid}/incidents/{key:long}/retry", RetryAsync)
            .WithSummary("Retry the step that raised an incident, after setting the given variables")
            .WithRequestExample(new VariablesRequest(JsonSerializer.SerializeToElement(new { phone = "+8613812345678" })), "Variables to set before the retry, if any.");
        group.MapPost("/{id:guid}/user-tasks/{key:long}/complete", CompleteUserTaskAsync)
            .WithSummary("Complete a user task with output variables")
            .WithRequestExample(new VariablesRequest(JsonSerializer.SerializeToElement(new { contact = "reached", answer = "accepted" })));
        group.MapPost("/{id:guid}/jobs/{key:long}/complete", CompleteJobAsync)
            .WithSummary("Complete a service task that waits for an outside completion")
            .WithRequestExample(new VariablesRequest(JsonSerializer.SerializeToElement(new { delivered = true })));

        endpoints.MapGroup("/api/workflow-messages").WithTags("Workflow instances").RequireAuthorization()
            .AllowClients(ClientScopes.ManageWorkflows).RequireStaff(StaffRoles.Operations)
            .MapPost("/", PublishMessageAsync)
            .WithSummary("Correlate a message by name and correlation key, and start workflows with a message start event of that name; buffered for timeToLive when nothing took it")
            .WithRequestExample(new MessageRequest("CustomerReplied", "3f2b8c1e-0000-4000-8000-000000000001", JsonSerializer.SerializeToElement(new { reply = "1" }),
                TimeSpan.FromHours(1), null, "DEMO01"), "timeToLive as hh:mm:ss; messageId makes a resent message take effect once.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static InstanceSummary Summary(WorkflowInstanceRecord r, Dictionary<Guid, string> codes, Guid? versionOwner) => new(
        r.Id, r.ProcessKey, r.Version, VersionLabels.Of(versionOwner, versionOwner is { } owner ? codes.GetValueOrDefault(owner) : null, r.Version),
        r.DealershipId, CodeOf(r, codes), r.BusinessKey, r.Status, r.HasOpenIncident,
        string.IsNullOrEmpty(r.WaitingAt) ? [] : r.WaitingAt.Split(','), r.StartedAt, r.UpdatedAt, r.EndedAt);

    private static async Task<Results<Ok<List<InstanceSummary>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        [AsParameters] InstanceQuery q, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (!user.MayActForAll() && string.IsNullOrWhiteSpace(q.DealershipCode))
            return Problems.Invalid("dealershipCode", "Give the code of a dealership you may act for.");
        var owner = new WorkflowOwner(null, null);
        if (!string.IsNullOrWhiteSpace(q.DealershipCode))
        {
            (var named, var refusal) = await db.OwnerAsync(user, q.DealershipCode, manage: true, cancellationToken);
            if (named is null)
                return refusal!;
            owner = named;
        }
        var dealershipId = owner.DealershipId;
        var query = db.WorkflowInstances.AsNoTracking();
        if (q.Version is not null)
        {
            if (q.ProcessKey is null)
                return Problems.Invalid("version", "Name the workflow (processKey) whose version this is.");
            var (version, refusal) = await db.FindAsync(user, q.ProcessKey, owner, q.Version, "version", cancellationToken);
            if (version is null)
                return refusal!;
            query = query.Where(i => i.DefinitionId == version.Id);
        }
        if (dealershipId is not null) query = query.Where(i => i.DealershipId == dealershipId);
        if (q.ProcessKey is { } processKey) query = query.Where(i => i.ProcessKey == processKey);
        if (q.Status is { } status) query = query.Where(i => i.Status == status);
        if (q.HasIncident is { } hasIncident) query = query.Where(i => i.HasOpenIncident == hasIncident);
        if (q.BusinessKey is { } businessKey) query = query.Where(i => i.BusinessKey == businessKey);
        if (q.WaitingAt is { } waitingAt) query = query.Where(i => i.WaitingAt != null && ("," + i.WaitingAt + ",").Contains("," + waitingAt + ","));
        var rows = await query.OrderByDescending(i => i.StartedAt).Take(Math.Clamp(q.Take ?? 100, 1, 1000)).ToListAsync(cancellationToken);
        return TypedResults.Ok(await SummariesAsync(db, rows, cancellationToken));
    }

    private static async Task<List<InstanceSummary>> SummariesAsync(InvitationWorkflowDbContext db, IReadOnlyList<WorkflowInstanceRecord> rows, CancellationToken cancellationToken)
    {
        var codes = await db.DealershipCodesAsync(cancellationToken);
        var definitionIds = rows.Select(r => r.DefinitionId).Distinct().ToList();
        // A dealership's instance may run the network's version: the label names the version's owner, not the instance's.
        var owners = await db.WorkflowDefinitions.AsNoTracking().Where(d => definitionIds.Contains(d.Id))
            .Select(d => new { d.Id, d.DealershipId }).ToDictionaryAsync(d => d.Id, d => d.DealershipId, cancellationToken);
        return rows.Select(r => Summary(r, codes, owners.GetValueOrDefault(r.DefinitionId))).ToList();
    }

    private static string? CodeOf(WorkflowInstanceRecord r, Dictionary<Guid, string> codes) => r.DealershipId is { } id ? codes.GetValueOrDefault(id) : null;

    private static async Task<Results<Created<InstanceSummary>, ValidationProblem, ProblemHttpResult, NotFoundProblem>> StartAsync(
        StartRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.ProcessKey))
            return Problems.Invalid("processKey", "Name the workflow to start.");
        if (request.Variables is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
            return Problems.Invalid("variables", "Variables are a JSON object.");
        var (owner, refusal) = await db.OwnerAsync(user, request.DealershipCode, manage: true, cancellationToken);
        if (owner is null)
            return refusal!;
        try
        {
            var record = await runtime.StartAsync(request.ProcessKey, owner.DealershipId, WorkflowRuntime.ParseVariables(request.Variables), request.BusinessKey, cancellationToken: cancellationToken);
            return TypedResults.Created($"/api/workflow-instances/{record.Id}", (await SummariesAsync(db, [record], cancellationToken))[0]);
        }
        catch (WorkflowNotFoundException)
        {
            return Problems.NotFound("published workflow", request.ProcessKey);
        }
    }

    private static async Task<Results<Ok<InstanceView>, NotFoundProblem>> GetAsync(Guid id, ClaimsPrincipal user, InvitationWorkflowDbContext db, ProcessModelCache models,
        CancellationToken cancellationToken)
    {
        var record = await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (record is null || !await user.MayManageAsync(record.DealershipId, db, cancellationToken))
            return Problems.NotFound("workflow instance", id);
        var state = WorkflowInstance.FromJson(record.StateJson);
        var journal = await db.WorkflowJournal.AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Id).ToListAsync(cancellationToken);
        var process = await models.GetAsync(record.DefinitionId,
            () => db.WorkflowDefinitions.AsNoTracking().SingleAsync(d => d.Id == record.DefinitionId, cancellationToken));
        // After a migration the journal's earlier steps may name elements the diagram no longer has; those are left off the drawing.
        var path = new PathView(
            journal.Where(j => j.Outcome == "completed" && process.Elements.ContainsKey(j.ElementId)).Select(j => j.ElementId).Distinct().ToList(),
            journal.Where(j => j.Outcome == "taken" && process.Flows.ContainsKey(j.ElementId)).Select(j => j.ElementId).Distinct().ToList());
        return TypedResults.Ok(new InstanceView(
            (await SummariesAsync(db, [record], cancellationToken))[0],
            state.Elements.Where(e => e.State != ElementState.Active).Select(e => new WaitView(e.ElementId, e.Key, e.State)).ToList(),
            state.Variables,
            state.UserTasks, state.Jobs, state.Timers, state.Messages, state.Incidents,
            journal.Select(j => new JournalView(j.At, j.ElementId, j.ElementInstanceKey, j.Outcome,
                j.VariablesChangedJson is null ? null : JsonNode.Parse(j.VariablesChangedJson), j.Detail)).ToList(),
            path));
    }

    /// <summary>Runs an operation on an instance the caller may manage, mapping the engine's refusals to 409.</summary>
    private static async Task<Results<Ok<InstanceSummary>, NotFoundProblem, ConflictProblem>> OperateAsync(
        Guid id, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, WorkflowRuntime.Step step, CancellationToken cancellationToken)
    {
        var dealershipId = await db.WorkflowInstances.Where(i => i.Id == id).Select(i => new { i.DealershipId }).SingleOrDefaultAsync(cancellationToken);
        if (dealershipId is null || !await user.MayManageAsync(dealershipId.DealershipId, db, cancellationToken))
            return Problems.NotFound("workflow instance", id);
        try
        {
            await runtime.ExecuteAsync(id, step, cancellationToken);
        }
        catch (WorkflowStateException ex)
        {
            return Problems.Conflict("Not possible in the instance's state", ex.Message);
        }
        db.ChangeTracker.Clear();
        var record = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, cancellationToken);
        return TypedResults.Ok((await SummariesAsync(db, [record], cancellationToken))[0]);
    }

    private static async Task<Results<Ok<MigrationReport>, ValidationProblem, ProblemHttpResult>> MigrateAsync(
        MigrationRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, ProcessModelCache models, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.ProcessKey)) errors["processKey"] = ["Name the workflow."];
        var mappings = request.Mappings ?? [];
        if (mappings.Any(m => string.IsNullOrWhiteSpace(m.SourceElementId) || string.IsNullOrWhiteSpace(m.TargetElementId)))
            errors["mappings"] = ["Each mapping names a source and a target element id."];
        else if (mappings.GroupBy(m => m.SourceElementId).Where(g => g.Count() > 1).Select(g => g.Key).ToList() is { Count: > 0 } twice)
            errors["mappings"] = [$"Each source element is mapped once; mapped more than once: {string.Join(", ", twice)}."];
        if ((request.InstanceIds is { Count: > 0 }) == (request.AllActive == true))
            errors["instanceIds"] = ["Give the instances' ids, or allActive: true for every active instance of the source version, not both."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var (owner, refusal) = await db.OwnerAsync(user, request.DealershipCode, manage: true, cancellationToken);
        if (owner is null)
            return refusal!;
        var (source, problem) = await db.FindAsync(user, request.ProcessKey, owner, request.SourceVersion, "sourceVersion", cancellationToken);
        if (source is null)
            return problem!;
        (var target, problem) = await db.FindAsync(user, request.ProcessKey, owner, request.TargetVersion, "targetVersion", cancellationToken);
        if (target is null)
            return problem!;
        if (target.Id == source.Id)
            return Problems.Invalid("targetVersion", "The target is the source version.");
        // A draft may still change under the instances moved onto it.
        if (target.Status == DefinitionStatus.Draft)
            return Problems.Invalid("targetVersion", "The target is a draft: publish it first.");
        var plan = mappings.ToDictionary(m => m.SourceElementId.Trim(), m => m.TargetElementId.Trim());
        if (WorkflowEngine.CheckPlan(models.Get(source), models.Get(target), plan) is { Count: > 0 } planProblems)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mappings"] = [.. planProblems] });

        var codes = await db.DealershipCodesAsync(cancellationToken);
        var (sourceLabel, targetLabel) = (VersionLabels.Of(source, codes), VersionLabels.Of(target, codes));
        var dealershipId = owner.DealershipId;
        var instances = db.WorkflowInstances.AsNoTracking().Where(i => dealershipId == null || i.DealershipId == dealershipId);
        var rows = request.AllActive == true
            ? await instances.Where(i => i.DefinitionId == source.Id && i.Status == InstanceStatus.Active)
                .OrderBy(i => i.StartedAt).Select(i => new { i.Id, i.BusinessKey }).ToListAsync(cancellationToken)
            : await instances.Where(i => request.InstanceIds!.Contains(i.Id)).Select(i => new { i.Id, i.BusinessKey }).ToListAsync(cancellationToken);
        var results = request.InstanceIds?.Except(rows.Select(r => r.Id)).Distinct()
            .Select(id => new InstanceMigration(id, null, false, ["No such instance of this dealership."])).ToList() ?? [];
        var description = $"{sourceLabel} to {targetLabel} by {user.Identity?.Name}: {string.Join(", ", plan.Select(p => $"{p.Key} → {p.Value}"))}";
        foreach (var row in rows)
        {
            var problems = await runtime.MigrateAsync(row.Id, source, target, plan, description, request.DryRun == true, cancellationToken);
            results.Add(new InstanceMigration(row.Id, row.BusinessKey, problems.Count == 0, problems));
        }
        return TypedResults.Ok(new MigrationReport(request.DryRun == true, sourceLabel, targetLabel,
            results.Count(r => r.Migrated), results.Count(r => !r.Migrated), results));
    }

    private static Task<Results<Ok<InstanceSummary>, NotFoundProblem, ConflictProblem>> CancelAsync(Guid id, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        OperateAsync(id, user, db, runtime, async (engine, process, instance) =>
        {
            await engine.CancelAsync(process, instance, $"cancelled by {user.Identity?.Name}", cancellationToken);
            return true;
        }, cancellationToken);

    private static Task<Results<Ok<InstanceSummary>, NotFoundProblem, ConflictProblem>> RetryAsync(Guid id, long key, VariablesRequest? body, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        OperateAsync(id, user, db, runtime, async (engine, process, instance) =>
        {
            if (WorkflowRuntime.ParseVariables(body?.Variables) is { } variables)
                await engine.SetVariablesAsync(process, instance, variables, cancellationToken);
            await engine.RetryIncidentAsync(process, instance, key, cancellationToken);
            return true;
        }, cancellationToken);

    private static Task<Results<Ok<InstanceSummary>, NotFoundProblem, ConflictProblem>> CompleteUserTaskAsync(Guid id, long key, VariablesRequest? body, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        OperateAsync(id, user, db, runtime, async (engine, process, instance) =>
        {
            await engine.CompleteUserTaskAsync(process, instance, key, WorkflowRuntime.ParseVariables(body?.Variables), cancellationToken);
            return true;
        }, cancellationToken);

    private static Task<Results<Ok<InstanceSummary>, NotFoundProblem, ConflictProblem>> CompleteJobAsync(Guid id, long key, VariablesRequest? body, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        OperateAsync(id, user, db, runtime, async (engine, process, instance) =>
        {
            await engine.CompleteJobAsync(process, instance, key, WorkflowRuntime.ParseVariables(body?.Variables), cancellationToken);
            return true;
        }, cancellationToken);

    private static async Task<Results<Ok<MessageResult>, ValidationProblem, ProblemHttpResult>> PublishMessageAsync(
        MessageRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name)) errors["name"] = ["Name the message."];
        if (string.IsNullOrWhiteSpace(request.CorrelationKey)) errors["correlationKey"] = ["Give the correlation key."];
        if (request.TimeToLive < TimeSpan.Zero) errors["timeToLive"] = ["The time to live cannot be negative."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        // The message reaches only the instances of the dealership it names, so naming one's own dealership is enough.
        var (owner, refusal) = await db.OwnerAsync(user, request.DealershipCode, manage: true, cancellationToken);
        if (owner is null)
            return refusal!;
        var outcome = await runtime.PublishMessageAsync(request.Name, request.CorrelationKey, WorkflowRuntime.ParseVariables(request.Variables),
            request.TimeToLive, request.MessageId ?? Guid.NewGuid(), cancellationToken, owner.DealershipId);
        return TypedResults.Ok(new MessageResult(outcome.Correlated, outcome.Buffered));
    }
}
