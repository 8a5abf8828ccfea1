using System.ComponentModel;
using System.Security.Claims;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dealership.InvitationWorkflow.Simulation;

/// <summary>Play mode: one instance of a version stepped by hand, in memory; the state travels with each request (ADR 0518).</summary>
public static class PlayEndpoints
{
    /// <summary>A version to play; <c>dealershipCode</c> names whose version a bare number is (none: the network's).</summary>
    public record PlayRequest(
        [property: Description(VersionLabels.Description + " A draft may be played.")] string? Version,
        [property: Description("The dealership whose version to play, by its code; none for the network's.")] string? DealershipCode);

    /// <summary>
    /// The next step of a play: <c>task</c> completes the person's task <c>key</c> with <c>outcome</c>, <c>clock</c> advances the clock to the
    /// next timer, <c>message</c> delivers the message the wait <c>key</c> expects, <c>job</c> completes the step <c>key</c> another service
    /// would answer. <c>state</c> is the play's state as the last answer gave it.
    /// </summary>
    public record PlayStepRequest(
        [property: Description(VersionLabels.Description)] string? Version, string? DealershipCode,
        [property: Description("The state the last answer gave, as it was.")] string? State,
        [property: Description("task, clock, message or job.")] string? Step,
        long? Key, string? Outcome);

    private static readonly string[] Steps = ["task", "clock", "message", "job"];

    public static void MapPlayEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The same group and owner rule as the simulations: who may simulate a version may play it.
        var group = endpoints.MapWorkflowsGroup("Workflow simulations");
        group.MapPost("/{processKey}/plays", StartAsync)
            .WithSummary("Start one instance of a version (a draft too) in memory, to step by hand; nothing is sent, booked or stored")
            .WithRequestExample(new PlayRequest("DEMO01-2", "DEMO01"))
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ChangesNothing();
        group.MapPost("/{processKey}/plays/steps", StepAsync)
            .WithSummary("Take the next step of a play: complete a task with an outcome, advance the clock to the next timer, deliver an awaited message, complete a job")
            .WithRequestExample(new PlayStepRequest("DEMO01-2", "DEMO01", "(the state of the last answer)", "task", 3, "accepted"))
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ChangesNothing();
    }

    private sealed record Version(WorkflowDefinition Definition, string Label);

    /// <summary>The version the caller may play, by the simulation's rules, or the refusal in the caller's language.</summary>
    private static async Task<(Version? Version, ProblemHttpResult? Refusal)> FindAsync(
        string processKey, string? version, string? dealershipCode, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db,
        ActivityRegistry activities, CancellationToken cancellationToken)
    {
        var chinese = request.PrefersChinese();
        if (string.IsNullOrWhiteSpace(version))
            return (null, Refused("version", SimulationTexts.Say(chinese, "NeedsVersion")));
        if (!VersionLabels.TryRead(version, out _, out _, out _))
            return (null, Refused("version", SimulationTexts.Say(chinese, "BadVersion", version)));
        var (owner, refusal) = await db.OwnerAsync(user, dealershipCode, manage: false, cancellationToken);
        if (owner is null)
            return (null, refusal);
        var (definition, problem) = await db.FindAsync(user, processKey, owner, version, "version", cancellationToken);
        if (definition is null)
            return (null, problem!.StatusCode == StatusCodes.Status404NotFound
                ? TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status404NotFound, Title = "No such workflow version",
                    Detail = SimulationTexts.Say(chinese, "NoSuchVersion", version, processKey),
                })
                : problem);
        if (WorkflowDefinitionEndpoints.Refusal(WorkflowDefinitionEndpoints.InCallersLanguage(request, () => WorkflowDefinitionEndpoints.Check(definition.Xml, activities)),
                SimulationTexts.Say(chinese, "NotRunnable")) is { } notRunnable)
            return (null, notRunnable);
        var codes = await db.DealershipCodesAsync(cancellationToken);
        return (new Version(definition, VersionLabels.Of(definition, codes)), null);
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    // The same 400 as Invalid, as the one problem type FindAsync answers with.
    private static ProblemHttpResult Refused(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Status = StatusCodes.Status400BadRequest });

    private static async Task<Results<Ok<PlayView>, ProblemHttpResult>> StartAsync(
        string processKey, PlayRequest body, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, ProcessModelCache models,
        ActivityRegistry activities, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (version, refusal) = await FindAsync(processKey, body.Version, body.DealershipCode, request, user, db, activities, cancellationToken);
        if (version is null)
            return refusal!;
        var play = await FlowPlay.StartAsync(version.Definition.Id, models.Get(version.Definition), activities.TaskTypes, version.Definition.Version,
            version.Definition.DealershipId, request.PrefersChinese(), clock.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(play.View(processKey, version.Label));
    }

    private static async Task<Results<Ok<PlayView>, ValidationProblem, ProblemHttpResult>> StepAsync(
        string processKey, PlayStepRequest body, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, ProcessModelCache models,
        ActivityRegistry activities, CancellationToken cancellationToken)
    {
        var chinese = request.PrefersChinese();
        if (body.Step is null || !Steps.Contains(body.Step))
            return Invalid("step", SimulationTexts.Say(chinese, "PlayNeedsStep", string.Join(", ", Steps)));
        if (body.Step != "clock" && body.Key is null)
            return Invalid("key", SimulationTexts.Say(chinese, "PlayNeedsKey"));
        var (version, refusal) = await FindAsync(processKey, body.Version, body.DealershipCode, request, user, db, activities, cancellationToken);
        if (version is null)
            return refusal!;
        try
        {
            var play = FlowPlay.Resume(body.State, version.Definition.Id, models.Get(version.Definition), activities.TaskTypes);
            await (body.Step switch
            {
                "task" => play.CompleteTaskAsync(body.Key!.Value, body.Outcome, cancellationToken),
                "message" => play.DeliverMessageAsync(body.Key!.Value, cancellationToken),
                "job" => play.CompleteJobAsync(body.Key!.Value, cancellationToken),
                _ => play.AdvanceClockAsync(cancellationToken),
            });
            return TypedResults.Ok(play.View(processKey, version.Label));
        }
        catch (PlayRefusal refused)
        {
            return Invalid(refused.Field, SimulationTexts.Say(chinese, refused.TextKey, refused.Args));
        }
    }
}
