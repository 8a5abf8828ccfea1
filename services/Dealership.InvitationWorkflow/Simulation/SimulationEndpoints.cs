using System.ComponentModel;
using System.Diagnostics;
using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Simulation;

public static class SimulationEndpoints
{
    /// <summary>
    /// A version to replay over a dealership's recorded leads: those whose flow started in [from, to). Days are counted in the time zone
    /// offset <c>from</c> is written with. The same <c>seed</c> gives the same report.
    /// </summary>
    public record SimulationRequest(
        [property: Description(VersionLabels.Description + " A draft may be simulated.")] string? Version,
        [property: Description("The dealership whose recorded leads to replay, by its code.")] string? DealershipCode,
        DateTimeOffset? From, DateTimeOffset? To,
        [property: Description("Seeds the answers drawn for steps a lead never reached; 0 unless said.")] int? Seed);

    /// <summary>The longest period one request replays: a quarter's leads.</summary>
    public const int MaxDays = 92;

    public static void MapSimulationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapWorkflowsGroup("Workflow simulations")
            .MapPost("/{processKey}/simulations", SimulateAsync)
            .WithSummary("Replay a dealership's recorded leads of a period through a version (a draft too) and the published version, in memory, and compare what each would have done; nothing is sent, booked or stored")
            .WithRequestExample(new SimulationRequest("DEMO01-2", "DEMO01", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)),
                new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.FromHours(8)), 7), "Last January's leads of DEMO01 through its draft.")
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            // Nothing changes, so nothing is audited: an audit entry would be the one row and message a simulation wrote.
            .ChangesNothing();
    }

    private static async Task<Results<Ok<SimulationReport>, ValidationProblem, ProblemHttpResult>> SimulateAsync(
        string processKey, SimulationRequest body, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime,
        ProcessModelCache models, ActivityRegistry activities, TimeProvider clock, CancellationToken cancellationToken)
    {
        var chinese = request.PrefersChinese();
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        void Refuse(string field, string key, params object?[] args) => errors[field] = [SimulationTexts.Say(chinese, key, args)];
        if (string.IsNullOrWhiteSpace(body.DealershipCode))
            Refuse("dealershipCode", "NeedsDealership");
        if (string.IsNullOrWhiteSpace(body.Version))
            Refuse("version", "NeedsVersion");
        else if (!VersionLabels.TryRead(body.Version, out _, out _, out _))
            Refuse("version", "BadVersion", body.Version);
        if (body.From is null)
            Refuse("from", "NeedsFrom");
        if (body.To is null)
            Refuse("to", "NeedsTo");
        if (body is { From: { } f, To: { } t })
        {
            if (t <= f)
                Refuse("to", "PeriodBackwards");
            else if ((t - f).TotalDays > MaxDays)
                Refuse("to", "PeriodTooLong", Math.Ceiling((t - f).TotalDays), MaxDays);
            else if (f > now)
                Refuse("from", "PeriodInFuture");
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        // The dealership's data only for a caller who may act for it, by the same rule as every workflow endpoint.
        var (owner, refusal) = await db.OwnerAsync(user, body.DealershipCode, manage: false, cancellationToken);
        if (owner is null)
            return refusal!;
        var (definition, problem) = await db.FindAsync(user, processKey, owner, body.Version, "version", cancellationToken);
        if (definition is null)
        {
            // A version that does not exist is the caller's mistake, said in the caller's language; a refusal (403) stays as every endpoint gives it.
            return problem!.StatusCode == StatusCodes.Status404NotFound
                ? TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status404NotFound, Title = "No such workflow version",
                    Detail = SimulationTexts.Say(chinese, "NoSuchVersion", body.Version, processKey),
                })
                : problem;
        }
        if (WorkflowDefinitionEndpoints.Refusal(WorkflowDefinitionEndpoints.InCallersLanguage(request, () => WorkflowDefinitionEndpoints.Check(definition.Xml, activities)),
                SimulationTexts.Say(chinese, "NotRunnable")) is { } notRunnable)
            return notRunnable;

        var watch = Stopwatch.StartNew();
        var codes = await db.DealershipCodesAsync(cancellationToken);
        var published = await runtime.FindPublishedAsync(processKey, owner.DealershipId, cancellationToken);
        var rules = await db.SmsRules.AsNoTracking().SingleOrDefaultAsync(r => r.DealershipId == owner.DealershipId, cancellationToken);
        var history = await RecordedHistory.LoadAsync(db, models, processKey, owner.DealershipId!.Value, body.From!.Value, body.To!.Value, cancellationToken);
        var seed = body.Seed ?? 0;
        // The history runs to now: so does the replay, or a later step the history has would be missing from the simulated figures.
        var until = now;
        SimulatedVersion Version(WorkflowDefinition d) =>
            new(VersionLabels.Of(d, codes), d.Status.ToString().ToLowerInvariant(), d.Version, models.Get(d));

        var simulatedVersion = Version(definition);
        var simulated = await FlowSimulation.RunAsync(history, simulatedVersion, activities.TaskTypes, seed, until, cancellationToken);
        VersionFigures? publishedFigures = null;
        IReadOnlyList<DifferingLead> differing = [];
        var offset = body.From.Value.Offset;
        if (published is not null)
        {
            var publishedVersion = Version(published);
            var replayed = published.Id == definition.Id ? simulated
                : await FlowSimulation.RunAsync(history, publishedVersion, activities.TaskTypes, seed, until, cancellationToken);
            publishedFigures = FlowSimulation.Figures(publishedVersion, replayed, offset, body.From.Value, until, rules);
            differing = FlowSimulation.Differences(simulated, replayed);
        }
        return TypedResults.Ok(new SimulationReport(
            processKey, owner.DealershipCode!, body.From.Value, body.To.Value, until, seed, history.Leads.Count,
            rules is null ? null : new AppliedSmsRules(rules.TimeZone, rules.QuietHoursStart, rules.QuietHoursEnd, rules.WeeklyCap, rules.AnnouncedAt),
            FlowSimulation.Figures(simulatedVersion, simulated, offset, body.From.Value, until, rules), publishedFigures, differing,
            Math.Round(watch.Elapsed.TotalMilliseconds, 1)));
    }
}
