using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dealership.Hosting.Security;
using Dealership.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Workflows;

public static class WorkflowInstanceEndpoints
{
    public record InstanceSummary(
        Guid Id, string ProcessKey, int Version, Guid? DealershipId, string? BusinessKey, InstanceStatus Status,
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

    public record StartRequest(string ProcessKey, Guid? DealershipId, string? BusinessKey, JsonElement? Variables);
    public record VariablesRequest(JsonElement? Variables);
    public record MessageRequest(string Name, string CorrelationKey, JsonElement? Variables, TimeSpan? TimeToLive, Guid? MessageId, Guid? DealershipId);
    public record MessageResult(int Correlated, bool Buffered);

    public static void MapWorkflowInstanceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/workflow-instances").WithTags("Workflow instances").RequireAuthorization()
            .AllowClients(ClientScopes.ManageWorkflows).RequireStaff(StaffRoles.Operations, StaffRoles.RetailManager, StaffRoles.SalesSupervisor);
        group.MapGet("/", ListAsync)
            .WithSummary("Instances, newest first, filtered by workflow, status, open incident, business key, dealership or waiting element")
            .Produces<List<InstanceSummary>>();
        group.MapPost("/", StartAsync)
            .WithSummary("Start an instance of the newest published version")
            .Produces<InstanceSummary>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}", GetAsync)
            .WithSummary("One instance: where it waits, its variables, tasks, timers, subscriptions, incidents and journal")
            .Produces<InstanceView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithSummary("Cancel an active instance; whatever it waits for is withdrawn")
            .Produces<InstanceSummary>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/incidents/{key:long}/retry", RetryAsync)
            .WithSummary("Retry the step that raised an incident, after setting the given variables")
            .Produces<InstanceSummary>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/user-tasks/{key:long}/complete", CompleteUserTaskAsync)
            .WithSummary("Complete a user task with output variables")
            .Produces<InstanceSummary>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/jobs/{key:long}/complete", CompleteJobAsync)
            .WithSummary("Complete a service task that waits for an outside completion")
            .Produces<InstanceSummary>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        endpoints.MapGroup("/api/workflow-messages").WithTags("Workflow instances").RequireAuthorization()
            .AllowClients(ClientScopes.ManageWorkflows).RequireStaff(StaffRoles.Operations)
            .MapPost("/", PublishMessageAsync)
            .WithSummary("Correlate a message by name and correlation key, and start workflows with a message start event of that name; buffered for timeToLive when nothing took it")
            .Produces<MessageResult>()
            .ProducesValidationProblem();
    }

    public static InstanceSummary Summary(WorkflowInstanceRecord r) => new(
        r.Id, r.ProcessKey, r.Version, r.DealershipId, r.BusinessKey, r.Status, r.HasOpenIncident,
        string.IsNullOrEmpty(r.WaitingAt) ? [] : r.WaitingAt.Split(','), r.StartedAt, r.UpdatedAt, r.EndedAt);

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such workflow instance", detail: $"Workflow instance {id} does not exist.");

    private static IResult Forbidden() => DealershipClaims.NotAllowed("You may not act on this dealership's workflow instances.");

    private static async Task<IResult> ListAsync(
        string? processKey, string? status, bool? hasIncident, string? businessKey, Guid? dealershipId, string? waitingAt, int? take,
        ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (!user.MayActForAll() && (dealershipId is null || !await user.MayManageAsync(dealershipId, db, cancellationToken)))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["dealershipId"] = ["Give a dealershipId you may act for."] });
        InstanceStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<InstanceStatus>(status, ignoreCase: true, out var parsed))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["Use active, completed or cancelled."] });
            wanted = parsed;
        }
        var query = db.WorkflowInstances.AsNoTracking();
        if (dealershipId is not null) query = query.Where(i => i.DealershipId == dealershipId);
        if (processKey is not null) query = query.Where(i => i.ProcessKey == processKey);
        if (wanted is not null) query = query.Where(i => i.Status == wanted);
        if (hasIncident is not null) query = query.Where(i => i.HasOpenIncident == hasIncident);
        if (businessKey is not null) query = query.Where(i => i.BusinessKey == businessKey);
        if (waitingAt is not null) query = query.Where(i => i.WaitingAt != null && ("," + i.WaitingAt + ",").Contains("," + waitingAt + ","));
        var rows = await query.OrderByDescending(i => i.StartedAt).Take(Math.Clamp(take ?? 100, 1, 1000)).ToListAsync(cancellationToken);
        return Results.Ok(rows.Select(Summary).ToList());
    }

    private static async Task<IResult> StartAsync(StartRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.ProcessKey))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["processKey"] = ["Name the workflow to start."] });
        if (request.Variables is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["variables"] = ["Variables are a JSON object."] });
        if (!await user.MayManageAsync(request.DealershipId, db, cancellationToken))
            return Forbidden();
        try
        {
            var record = await runtime.StartAsync(request.ProcessKey, request.DealershipId, WorkflowRuntime.ParseVariables(request.Variables), request.BusinessKey, cancellationToken: cancellationToken);
            return Results.Created($"/api/workflow-instances/{record.Id}", Summary(record));
        }
        catch (WorkflowNotFoundException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No published workflow", detail: ex.Message);
        }
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        var record = await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (record is null || !await user.MayManageAsync(record.DealershipId, db, cancellationToken))
            return NotFound(id);
        var state = WorkflowInstance.FromJson(record.StateJson);
        var journal = await db.WorkflowJournal.AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Id).ToListAsync(cancellationToken);
        return Results.Ok(new InstanceView(
            Summary(record),
            state.Elements.Where(e => e.State != ElementState.Active).Select(e => new WaitView(e.ElementId, e.Key, e.State)).ToList(),
            state.Variables,
            state.UserTasks, state.Jobs, state.Timers, state.Messages, state.Incidents,
            journal.Select(j => new JournalView(j.At, j.ElementId, j.ElementInstanceKey, j.Outcome,
                j.VariablesChangedJson is null ? null : JsonNode.Parse(j.VariablesChangedJson), j.Detail)).ToList()));
    }

    /// <summary>Runs an operation on an instance the caller may manage, mapping the engine's refusals to 409.</summary>
    private static async Task<IResult> OperateAsync(
        Guid id, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, WorkflowRuntime.Step step, CancellationToken cancellationToken)
    {
        var dealershipId = await db.WorkflowInstances.Where(i => i.Id == id).Select(i => new { i.DealershipId }).SingleOrDefaultAsync(cancellationToken);
        if (dealershipId is null || !await user.MayManageAsync(dealershipId.DealershipId, db, cancellationToken))
            return NotFound(id);
        try
        {
            await runtime.ExecuteAsync(id, step, cancellationToken);
        }
        catch (WorkflowStateException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible in the instance's state", detail: ex.Message);
        }
        db.ChangeTracker.Clear();
        return Results.Ok(Summary(await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id, cancellationToken)));
    }

    private static Task<IResult> CancelAsync(Guid id, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        OperateAsync(id, user, db, runtime, async (engine, process, instance) =>
        {
            await engine.CancelAsync(process, instance, $"cancelled by {user.Identity?.Name}", cancellationToken);
            return true;
        }, cancellationToken);

    private static Task<IResult> RetryAsync(Guid id, long key, VariablesRequest? body, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        OperateAsync(id, user, db, runtime, async (engine, process, instance) =>
        {
            if (WorkflowRuntime.ParseVariables(body?.Variables) is { } variables)
                await engine.SetVariablesAsync(process, instance, variables, cancellationToken);
            await engine.RetryIncidentAsync(process, instance, key, cancellationToken);
            return true;
        }, cancellationToken);

    private static Task<IResult> CompleteUserTaskAsync(Guid id, long key, VariablesRequest? body, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        OperateAsync(id, user, db, runtime, async (engine, process, instance) =>
        {
            await engine.CompleteUserTaskAsync(process, instance, key, WorkflowRuntime.ParseVariables(body?.Variables), cancellationToken);
            return true;
        }, cancellationToken);

    private static Task<IResult> CompleteJobAsync(Guid id, long key, VariablesRequest? body, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        OperateAsync(id, user, db, runtime, async (engine, process, instance) =>
        {
            await engine.CompleteJobAsync(process, instance, key, WorkflowRuntime.ParseVariables(body?.Variables), cancellationToken);
            return true;
        }, cancellationToken);

    private static async Task<IResult> PublishMessageAsync(
        MessageRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name)) errors["name"] = ["Name the message."];
        if (string.IsNullOrWhiteSpace(request.CorrelationKey)) errors["correlationKey"] = ["Give the correlation key."];
        if (request.TimeToLive < TimeSpan.Zero) errors["timeToLive"] = ["The time to live cannot be negative."];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);
        // The message reaches only the instances of the dealership it names, so naming one's own dealership is enough.
        if (!await user.MayManageAsync(request.DealershipId, db, cancellationToken))
            return Forbidden();
        var outcome = await runtime.PublishMessageAsync(request.Name, request.CorrelationKey, WorkflowRuntime.ParseVariables(request.Variables),
            request.TimeToLive, request.MessageId ?? Guid.NewGuid(), cancellationToken, request.DealershipId);
        return Results.Ok(new MessageResult(outcome.Correlated, outcome.Buffered));
    }
}
