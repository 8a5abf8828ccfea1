using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.InvitationWorkflow.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.InvitationFlows;

public static class TaskEndpoints
{
    public record Guidance(string? Customer, string? Phone, string? Source, string? VehicleOfInterest, string? Why, string? Offer, string? Steps);
    /// <param name="Title">The step's name in the caller's language: the diagram's (Chinese) name, or its <c>name-en</c> header for other readers.</param>
    /// <param name="Role">The role whose work the step is (<c>receptionist</c>), or null for the consultant's own task.</param>
    /// <param name="Outcomes">What the step lets a person record (<c>answered</c>, <c>handed-over</c>, <c>accepted</c>...); empty: the outcome of a call,
    /// <c>contact</c> and, when reached, <c>answer</c>.</param>
    /// <param name="AsksPurpose">The step records why the customer called (<c>purpose</c>).</param>
    public record TaskView(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, string? Title, DateTimeOffset CreatedAt, DateTimeOffset DueAt,
        Guidance Guidance, DateTimeOffset? CompletedAt, string? Outcome, string? Role, IReadOnlyList<string> Outcomes, bool AsksPurpose);

    /// <summary>
    /// What happened at the step. A step that offers its own outcomes takes one of them as <c>outcome</c>; any step takes a call's
    /// outcome either as <c>outcome</c> (no-answer, wrong-number, accepted, declined, undecided, callback) or as <c>contact</c>
    /// (reached, no-answer, wrong-number) and, when reached, <c>answer</c>. <c>visitAt</c> with accepted, <c>callbackAt</c> with
    /// callback (the time promised to the customer), <c>purpose</c> where the step asks why the customer called.
    /// </summary>
    public record CompleteTask(string? Contact, string? Answer, DateTimeOffset? VisitAt, DateTimeOffset? CallbackAt, string? Note,
        string? Outcome = null, string? Purpose = null);

    private static readonly string[] Contacts = ["reached", "no-answer", "wrong-number"];
    private static readonly string[] Answers = ["accepted", "declined", "undecided", "callback"];
    /// <summary>A call's outcomes in one word each: what a step without its own list offers (a play offers the same).</summary>
    internal static readonly string[] CallOutcomes = ["no-answer", "wrong-number", .. Answers];

    public static void MapTaskEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization();
        group.MapGet("/", async Task<Results<Ok<List<TaskView>>, ValidationProblem>> (
                [Description("The consultant whose own open tasks to list (not those of a role on his or her leads).")] Guid? consultantId,
                [Description("The lead whose open tasks to list, whoever's they are.")] Guid? leadId,
                [Description("The role whose open tasks to list: receptionist, ...")] string? role,
                [Description("With role: the dealership (code) whose tasks to list; the caller's own when left out.")] string? dealershipCode,
                HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken) =>
            {
                if (consultantId is null && leadId is null && role is null)
                    return Problems.Invalid("consultantId", "Give a consultantId, a leadId or a role.");
                if (role is not null && !StaffRoles.All.Contains(role))
                    return Problems.Invalid("role", $"'{role}' is not one of: {string.Join(", ", StaffRoles.All)}.");
                var query = db.Tasks.AsNoTracking().Where(t => t.CompletedAt == null);
                if (consultantId is not null)
                    query = query.Where(t => t.ConsultantId == consultantId && t.Role == null);
                if (leadId is not null)
                    query = query.Where(t => t.LeadId == leadId);
                if (role is not null)
                {
                    query = query.Where(t => t.Role == role);
                    if (!string.IsNullOrWhiteSpace(dealershipCode))
                    {
                        var code = dealershipCode.Trim().ToUpperInvariant();
                        var dealershipId = user.MayActFor(code)
                            ? await db.KnownDealerships.Where(d => d.Code == code).Select(d => (Guid?)d.Id).SingleOrDefaultAsync(cancellationToken)
                            : null;
                        // A dealership the caller may not see lists nothing, as the dealership filter would.
                        query = query.Where(t => t.DealershipId == dealershipId);
                    }
                }
                var tasks = await query.OrderBy(t => t.DueAt).ToListAsync(cancellationToken);
                return TypedResults.Ok(tasks.Select(t => View(request, user, t)).ToList());
            })
            .WithSummary("Open tasks by due time, for a consultant, a lead or a role (reception's), with the call guidance");

        group.MapGet("/{id:guid}", async Task<Results<Ok<TaskView>, NotFoundProblem>> (Guid id, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken) =>
                await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken) is { } task
                    ? TypedResults.Ok(View(request, user, task)) : Problems.NotFound("task", id))
            .WithSummary("One task, open or done");

        group.MapPost("/{id:guid}/complete", CompleteAsync)
            .WithSummary("Record the call's outcome; the lead's flow goes on from it")
            .WithRequestExample(new CompleteTask("reached", "accepted", new DateTimeOffset(2030, 1, 15, 10, 0, 0, TimeSpan.FromHours(8)), null, "周六上午带家人来试驾"),
                "contact: reached, no-answer or wrong-number. When reached, answer: accepted (with visitAt), declined, undecided or callback (with callbackAt). "
                + "A step that lists its own outcomes (the task's outcomes) takes one of them as outcome, e.g. {\"outcome\":\"handed-over\",\"purpose\":\"问途观L现车\"}.");
    }

    // The consultant who makes the call reads the whole number; others read it masked.
    // The guidance in the caller's language where the step has it (the console asks in its reader's language).
    private static TaskView View(HttpRequest request, ClaimsPrincipal user, ConsultantTask t)
    {
        var chinese = request.PrefersChinese();
        return new(t.Id, t.LeadId, t.ConsultantId, t.Kind, chinese ? t.Title : t.TitleEn ?? t.Title, t.CreatedAt, t.DueAt,
            new Guidance(t.CustomerName, PhoneMask.For(user, t.CustomerPhone, t.ConsultantId), t.Source, t.VehicleOfInterest,
                chinese ? t.WhyZh ?? t.Why : t.Why, chinese ? t.OfferZh ?? t.Offer : t.Offer, chinese ? t.StepsZh ?? t.Steps : t.Steps),
            t.CompletedAt, t.Outcome, t.Role, Offered(t) ?? [], t.AsksPurpose);
    }

    private static string[]? Offered(ConsultantTask t) => t.Outcomes?.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The step's outcome as the flow reads it (<c>contact</c>, <c>answer</c>, <c>outcome</c>), or what is wrong with the body.</summary>
    private static (string? Contact, string? Answer, string? Outcome) Resolve(ConsultantTask task, CompleteTask body, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        string? contact = null, answer = null, outcome = null;
        var offered = Offered(task);
        if (offered is not null || body.Outcome is not null)
        {
            // Older clients spell a call's outcome as contact and answer; it counts as the outcome of the same name.
            outcome = body.Outcome ?? (body.Contact == "reached" ? body.Answer : body.Contact);
            var allowed = offered ?? CallOutcomes;
            if (outcome is null || !allowed.Contains(outcome))
                errors["outcome"] = [$"One of: {string.Join(", ", allowed)}."];
            else
                (contact, answer) = Contacts.Contains(outcome) ? (outcome, null) : ("reached", (string?)outcome);
        }
        else if (body.Contact is null || !Contacts.Contains(body.Contact))
            errors["contact"] = [$"One of: {string.Join(", ", Contacts)}."];
        else if (body.Contact == "reached" && (body.Answer is null || !Answers.Contains(body.Answer)))
            errors["answer"] = [$"The customer was reached: one of {string.Join(", ", Answers)}."];
        else
            (contact, answer, outcome) = (body.Contact, body.Contact == "reached" ? body.Answer : null, body.Contact == "reached" ? body.Answer : body.Contact);

        if (answer == "accepted" && (body.VisitAt is null || body.VisitAt <= now))
            errors["visitAt"] = ["An accepted invitation needs the visit time, in the future."];
        else if (answer == "callback" && (body.CallbackAt is null || body.CallbackAt <= now))
            errors["callbackAt"] = ["A callback needs the promised time, in the future."];
        if (task.AsksPurpose && string.IsNullOrWhiteSpace(body.Purpose))
            errors["purpose"] = ["Record why the customer called."];
        return (contact, answer, outcome);
    }

    private static async Task<Results<Ok<TaskView>, ValidationProblem, NotFoundProblem, ConflictProblem>> CompleteAsync(
        Guid id, CompleteTask body, HttpContext http, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var found = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (found is null)
            return Problems.NotFound("task", id);
        var errors = new Dictionary<string, string[]>();
        var (contact, answer, outcome) = Resolve(found, body, now, errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        if (found.CompletedAt is not null || found.InstanceId is not { } instanceId || found.UserTaskKey is not { } key)
            return Problems.Conflict("Already done", $"The task is already done ({found.Outcome}).");

        var purpose = string.IsNullOrWhiteSpace(body.Purpose) ? null : body.Purpose.Trim();
        var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim();
        var variables = new JsonObject
        {
            ["contact"] = contact,
            ["answer"] = answer,
            ["outcome"] = outcome,
            ["visitAt"] = answer == "accepted" ? body.VisitAt!.Value.ToString("O") : null,
            ["callbackAt"] = answer == "callback" ? body.CallbackAt!.Value.ToString("O") : null,
            ["callNote"] = note,
        };
        if (purpose is not null)
            variables["callPurpose"] = purpose;
        // The timeline has one note per call: the purpose recorded, then anything else said.
        var logged = purpose is null ? note : note is null ? purpose : $"{purpose} — {note}";
        var done = await runtime.ExecuteAsync(instanceId, async (engine, process, instance) =>
        {
            var task = await db.Tasks.SingleAsync(t => t.Id == id, cancellationToken);
            if (task.CompletedAt is not null || instance.UserTasks.All(u => u.Key != key))
                return false;
            task.CompletedAt = now;
            task.Outcome = outcome;
            db.Publish(new ConsultantCallLogged(task.Id, task.LeadId, task.DealershipId, task.ConsultantId, task.Kind, contact!, answer,
                answer == "callback" ? body.CallbackAt : null, answer == "accepted" ? body.VisitAt : null, logged, now));
            await engine.CompleteUserTaskAsync(process, instance, key, variables, cancellationToken);
            return true;
        }, cancellationToken);
        if (!done)
            return Problems.Conflict("Already done", "The task is already done.");
        return TypedResults.Ok(View(http.Request, user, await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == id, cancellationToken)));
    }
}
