using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.InvitationWorkflow.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Tasks;

public static class TaskEndpoints
{
    public record Guidance(string? Customer, string? Phone, string? Source, string? VehicleOfInterest, string? Why, string? Offer, string? Steps);
    public record TaskView(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, string? Title, DateTimeOffset CreatedAt, DateTimeOffset DueAt,
        Guidance Guidance, DateTimeOffset? CompletedAt, string? Outcome);

    /// <summary>
    /// The call's outcome. <c>contact</c>: reached, no-answer, wrong-number. When reached, <c>answer</c>:
    /// accepted (with <c>visitAt</c>), declined, undecided, callback (with <c>callbackAt</c>).
    /// </summary>
    public record CompleteTask(string? Contact, string? Answer, DateTimeOffset? VisitAt, DateTimeOffset? CallbackAt, string? Note);

    private static readonly string[] Contacts = ["reached", "no-answer", "wrong-number"];
    private static readonly string[] Answers = ["accepted", "declined", "undecided", "callback"];

    public static void MapTaskEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization();
        group.MapGet("/", async Task<Results<Ok<List<TaskView>>, ValidationProblem>> (
                [Description("The consultant whose open tasks to list.")] Guid? consultantId, [Description("The lead whose open tasks to list.")] Guid? leadId,
                HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken) =>
            {
                if (consultantId is null && leadId is null)
                    return Problems.Invalid("consultantId", "Give a consultantId or a leadId.");
                var query = db.Tasks.AsNoTracking().Where(t => t.CompletedAt == null);
                if (consultantId is not null)
                    query = query.Where(t => t.ConsultantId == consultantId);
                if (leadId is not null)
                    query = query.Where(t => t.LeadId == leadId);
                var tasks = await query.OrderBy(t => t.DueAt).ToListAsync(cancellationToken);
                return TypedResults.Ok(tasks.Select(t => View(request, user, t)).ToList());
            })
            .WithSummary("Open tasks by due time, for a consultant or a lead, with the call guidance");

        group.MapGet("/{id:guid}", async Task<Results<Ok<TaskView>, NotFoundProblem>> (Guid id, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken) =>
                await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken) is { } task
                    ? TypedResults.Ok(View(request, user, task)) : Problems.NotFound("task", id))
            .WithSummary("One task, open or done");

        group.MapPost("/{id:guid}/complete", CompleteAsync)
            .WithSummary("Record the call's outcome; the lead's flow goes on from it")
            .WithRequestExample(new CompleteTask("reached", "accepted", new DateTimeOffset(2030, 1, 15, 10, 0, 0, TimeSpan.FromHours(8)), null, "周六上午带家人来试驾"),
                "contact: reached, no-answer or wrong-number. When reached, answer: accepted (with visitAt), declined, undecided or callback (with callbackAt).");
    }

    // The consultant who makes the call reads the whole number; others read it masked.
    // The guidance in the caller's language where the step has it (the console asks in its reader's language).
    private static TaskView View(HttpRequest request, ClaimsPrincipal user, ConsultantTask t)
    {
        var chinese = request.PrefersChinese();
        return new(t.Id, t.LeadId, t.ConsultantId, t.Kind, t.Title, t.CreatedAt, t.DueAt,
            new Guidance(t.CustomerName, PhoneMask.For(user, t.CustomerPhone, t.ConsultantId), t.Source, t.VehicleOfInterest,
                chinese ? t.WhyZh ?? t.Why : t.Why, chinese ? t.OfferZh ?? t.Offer : t.Offer, chinese ? t.StepsZh ?? t.Steps : t.Steps),
            t.CompletedAt, t.Outcome);
    }

    private static async Task<Results<Ok<TaskView>, ValidationProblem, NotFoundProblem, ConflictProblem>> CompleteAsync(
        Guid id, CompleteTask body, HttpContext http, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var now = clock.GetUtcNow();
        if (body.Contact is null || !Contacts.Contains(body.Contact))
            errors["contact"] = [$"One of: {string.Join(", ", Contacts)}."];
        else if (body.Contact == "reached")
        {
            if (body.Answer is null || !Answers.Contains(body.Answer))
                errors["answer"] = [$"The customer was reached: one of {string.Join(", ", Answers)}."];
            else if (body.Answer == "accepted" && (body.VisitAt is null || body.VisitAt <= now))
                errors["visitAt"] = ["An accepted invitation needs the visit time, in the future."];
            else if (body.Answer == "callback" && (body.CallbackAt is null || body.CallbackAt <= now))
                errors["callbackAt"] = ["A callback needs the promised time, in the future."];
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var found = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (found is null)
            return Problems.NotFound("task", id);
        if (found.CompletedAt is not null || found.InstanceId is not { } instanceId || found.UserTaskKey is not { } key)
            return Problems.Conflict("Already done", $"The task is already done ({found.Outcome}).");

        var answer = body.Contact == "reached" ? body.Answer : null;
        var outcome = answer ?? body.Contact!;
        var variables = new JsonObject
        {
            ["contact"] = body.Contact,
            ["answer"] = answer,
            ["visitAt"] = answer == "accepted" ? body.VisitAt!.Value.ToString("O") : null,
            ["callbackAt"] = answer == "callback" ? body.CallbackAt!.Value.ToString("O") : null,
            ["callNote"] = body.Note,
        };
        var done = await runtime.ExecuteAsync(instanceId, async (engine, process, instance) =>
        {
            var task = await db.Tasks.SingleAsync(t => t.Id == id, cancellationToken);
            if (task.CompletedAt is not null || instance.UserTasks.All(u => u.Key != key))
                return false;
            task.CompletedAt = now;
            task.Outcome = outcome;
            db.Publish(new ConsultantCallLogged(task.Id, task.LeadId, task.DealershipId, task.ConsultantId, task.Kind, body.Contact!, answer,
                answer == "callback" ? body.CallbackAt : null, answer == "accepted" ? body.VisitAt : null, body.Note, now));
            await engine.CompleteUserTaskAsync(process, instance, key, variables, cancellationToken);
            return true;
        }, cancellationToken);
        if (!done)
            return Problems.Conflict("Already done", "The task is already done.");
        return TypedResults.Ok(View(http.Request, user, await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == id, cancellationToken)));
    }
}
