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

namespace Dealership.InvitationWorkflow.Workflows;

public static class WorkflowInstanceEndpoints
{
    public record InstanceSummary(
        Guid Id, string ProcessKey, int Version, Guid? DealershipId, string? DealershipCode, string? BusinessKey, InstanceStatus Status,
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
        IReadOnlyList<JournalView> Journal);

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

    public static InstanceSummary Summary(WorkflowInstanceRecord r, string? dealershipCode) => new(
        r.Id, r.ProcessKey, r.Version, r.DealershipId, dealershipCode, r.BusinessKey, r.Status, r.HasOpenIncident,
        string.IsNullOrEmpty(r.WaitingAt) ? [] : r.WaitingAt.Split(','), r.StartedAt, r.UpdatedAt, r.EndedAt);

    private static async Task<Results<Ok<List<InstanceSummary>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        [AsParameters] InstanceQuery q, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (!user.MayActForAll() && string.IsNullOrWhiteSpace(q.DealershipCode))
            return Problems.Invalid("dealershipCode", "Give the code of a dealership you may act for.");
        Guid? dealershipId = null;
        if (!string.IsNullOrWhiteSpace(q.DealershipCode))
        {
            var (owner, refusal) = await db.OwnerAsync(user, q.DealershipCode, manage: true, cancellationToken);
            if (owner is null)
                return refusal!;
            dealershipId = owner.DealershipId;
        }
        var query = db.WorkflowInstances.AsNoTracking();
        if (dealershipId is not null) query = query.Where(i => i.DealershipId == dealershipId);
        if (q.ProcessKey is { } processKey) query = query.Where(i => i.ProcessKey == processKey);
        if (q.Status is { } status) query = query.Where(i => i.Status == status);
        if (q.HasIncident is { } hasIncident) query = query.Where(i => i.HasOpenIncident == hasIncident);
        if (q.BusinessKey is { } businessKey) query = query.Where(i => i.BusinessKey == businessKey);
        if (q.WaitingAt is { } waitingAt) query = query.Where(i => i.WaitingAt != null && ("," + i.WaitingAt + ",").Contains("," + waitingAt + ","));
        var rows = await query.OrderByDescending(i => i.StartedAt).Take(Math.Clamp(q.Take ?? 100, 1, 1000)).ToListAsync(cancellationToken);
        var codes = await db.DealershipCodesAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => Summary(r, CodeOf(r, codes))).ToList());
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
            return TypedResults.Created($"/api/workflow-instances/{record.Id}", Summary(record, owner.DealershipCode));
        }
        catch (WorkflowNotFoundException)
        {
            return Problems.NotFound("published workflow", request.ProcessKey);
        }
    }

    private static async Task<Results<Ok<InstanceView>, NotFoundProblem>> GetAsync(Guid id, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        var record = await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (record is null || !await user.MayManageAsync(record.DealershipId, db, cancellationToken))
            return Problems.NotFound("workflow instance", id);
        var state = WorkflowInstance.FromJson(record.StateJson);
        var journal = await db.WorkflowJournal.AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new InstanceView(
            Summary(record, CodeOf(record, await db.DealershipCodesAsync(cancellationToken))),
            state.Elements.Where(e => e.State != ElementState.Active).Select(e => new WaitView(e.ElementId, e.Key, e.State)).ToList(),
            state.Variables,
            state.UserTasks, state.Jobs, state.Timers, state.Messages, state.Incidents,
            journal.Select(j => new JournalView(j.At, j.ElementId, j.ElementInstanceKey, j.Outcome,
                j.VariablesChangedJson is null ? null : JsonNode.Parse(j.VariablesChangedJson), j.Detail)).ToList()));
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
        return TypedResults.Ok(Summary(record, CodeOf(record, await db.DealershipCodesAsync(cancellationToken))));
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
