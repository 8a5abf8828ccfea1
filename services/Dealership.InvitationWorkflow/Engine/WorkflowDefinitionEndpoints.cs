using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>
/// Workflow definitions as the designer edits them: BPMN XML in, BPMN XML out, versions per
/// dealership with the network-wide one as fallback. Bodies are the XML text itself.
/// </summary>
public static class WorkflowDefinitionEndpoints
{
    /// <summary>A workflow of a dealership, or of the whole network when <c>dealershipId</c> and <c>dealershipCode</c> are null.</summary>
    public record WorkflowSummary(string ProcessKey, string? Name, Guid? DealershipId, string? DealershipCode, int? PublishedVersion, int? DraftVersion, int LatestVersion,
        string? PublishedLabel, string? DraftLabel);
    /// <summary>
    /// One version. <c>label</c> says whose it is (N3: the network's version 3; DEMO01-2: Demo Motors' own version 2);
    /// <c>restoredFrom</c> is the label of the earlier version a rollback published again.
    /// </summary>
    public record VersionView(string ProcessKey, Guid? DealershipId, string? DealershipCode, int Version, string Label, DefinitionStatus Status, string? Name,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, string? PublishedBy, DateTimeOffset? RetiredAt, string? RestoredFrom);
    /// <summary>What changed from one version to another, by element and flow id, for the designer to mark on the diagram.</summary>
    public record VersionDiff(VersionView From, VersionView To, IReadOnlyList<ElementChange> Elements, IReadOnlyList<FlowChange> Flows);
    public record ElementFinding(string ElementId, string ElementType, string? Name, int Line, bool Supported, IReadOnlyList<string> Reasons);
    public record CheckResult(bool Publishable, IReadOnlyList<string> Problems, IReadOnlyList<ElementFinding> Elements);
    public record SavedDraft(VersionView Version, CheckResult Check);

    /// <summary>
    /// <c>/api/workflows</c> with who may call it: operations staff and retail managers, and keys with the workflows scope. Everything under it
    /// (the designer's endpoints, the simulations) is mapped on a group from here, so that one rule says who may work on flows.
    /// </summary>
    public static RouteGroupBuilder MapWorkflowsGroup(this IEndpointRouteBuilder endpoints, string tag) =>
        endpoints.MapGroup("/api/workflows").WithTags(tag).RequireAuthorization()
            .AllowClients(ClientScopes.ManageWorkflows).RequireStaff(StaffRoles.Operations, StaffRoles.RetailManager)
            // The dealership a request names may be refused (403) or unknown (404), answered by DealershipAccess.OwnerAsync.
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

    public static void MapWorkflowDefinitionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapWorkflowsGroup("Workflow definitions");

        group.MapGet("/", ListAsync)
            .WithSummary("Workflows of a dealership (dealershipCode) and of the whole network");
        group.MapGet("/{processKey}/versions", VersionsAsync)
            .WithSummary("Every version of a workflow, newest first; with withNetwork=true a dealership's list is followed by the network's versions")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{processKey}/xml", XmlAsync)
            .WithSummary("The BPMN XML of a version (by number or label, e.g. N3 for the network's while naming a dealership); without version the draft, else the newest published (the network's when the dealership has none)")
            .Produces<string>(contentType: "application/xml")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{processKey}/diff", DiffAsync)
            .WithSummary("What changed from one version to another (of one owner, or a dealership's against the network's), element by element and flow by flow, by id")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/{processKey}/versions/{version:int}/rollback", RollbackAsync)
            .WithSummary("Publish an earlier version again, as a new version with its XML; refused when that XML no longer passes the check")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{processKey}/draft", SaveDraftAsync)
            .WithSummary("Save BPMN XML (request body) as the draft; answers with the check of every element")
            .Accepts<string>("application/xml")
            .WithRequestExample(ExampleDiagram, "A BPMN 2.0 diagram in the Camunda 8 (Zeebe) dialect whose executable process id is the workflow's key.");
        group.MapPost("/check", CheckAsync)
            .WithSummary("Check BPMN XML (request body) element by element without saving it")
            .Accepts<string>("application/xml")
            .WithRequestExample(ExampleDiagram, "A BPMN 2.0 diagram in the Camunda 8 (Zeebe) dialect.");
        group.MapGet("/element-templates", (HttpRequest request, ActivityRegistry activities) => TypedResults.Ok(ElementTemplates.For(activities, request.PrefersChinese())))
            .WithSummary("The activity types the engine runs, each as a Camunda 8 element template (a service task whose headers are a form), in the caller's language");
        group.MapPost("/{processKey}/draft/publish", PublishAsync)
            .WithSummary("Publish the draft; refused with each element's id and reason when anything is unsupported")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private const string ExampleDiagram = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                          id="greeting-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
          <bpmn:process id="greeting" name="Greeting call" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
            <bpmn:userTask id="call" name="Call the customer">
              <bpmn:extensionElements><zeebe:assignmentDefinition assignee="=consultant" /></bpmn:extensionElements>
            </bpmn:userTask>
            <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private const int MaxKeyLength = 200;
    private const int MaxNameLength = 300;

    private const string OwnerDescription = "The dealership whose workflows these are, by its code; leave it out for the network's own.";

    private static VersionView View(WorkflowDefinition d, WorkflowOwner owner) => View(d, d.DealershipId is null ? null : owner.DealershipCode);

    private static VersionView View(WorkflowDefinition d, string? dealershipCode) =>
        new(d.ProcessKey, d.DealershipId, dealershipCode, d.Version, VersionLabels.Of(d.DealershipId, dealershipCode, d.Version), d.Status, d.Name,
            d.CreatedAt, d.UpdatedAt, d.PublishedAt, d.PublishedBy, d.RetiredAt,
            d.RestoredFromVersion is { } from ? VersionLabels.Of(d.DealershipId, dealershipCode, from) : null);

    public static CheckResult Check(string xml, ActivityRegistry activities)
    {
        var report = BpmnChecker.Check(BpmnReader.Read(xml), activities.IsKnown);
        return new CheckResult(report.IsPublishable, report.Problems,
            report.Elements.Select(e => new ElementFinding(e.ElementId, e.ElementType, e.Name, e.Line, e.Supported, e.Reasons)).ToList());
    }

    private static async Task<Results<Ok<List<WorkflowSummary>>, ProblemHttpResult>> ListAsync(
        [Description(OwnerDescription)] string? dealershipCode, ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        var (owner, refusal) = await db.OwnerAsync(user, dealershipCode, manage: false, cancellationToken);
        if (owner is null)
            return refusal!;
        var dealershipId = owner.DealershipId;
        var rows = await db.WorkflowDefinitions.AsNoTracking()
            .Where(d => d.DealershipId == null || d.DealershipId == dealershipId)
            .Select(d => new { d.ProcessKey, d.DealershipId, d.Version, d.Status, d.Name })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.GroupBy(r => (r.ProcessKey, r.DealershipId))
            .Select(g =>
            {
                var code = g.Key.DealershipId is null ? null : owner.DealershipCode;
                var published = g.Where(r => r.Status == DefinitionStatus.Published).Max(r => (int?)r.Version);
                var draft = g.Where(r => r.Status == DefinitionStatus.Draft).Max(r => (int?)r.Version);
                return new WorkflowSummary(g.Key.ProcessKey, g.MaxBy(r => r.Version)!.Name, g.Key.DealershipId, code, published, draft, g.Max(r => r.Version),
                    published is { } p ? VersionLabels.Of(g.Key.DealershipId, code, p) : null,
                    draft is { } d ? VersionLabels.Of(g.Key.DealershipId, code, d) : null);
            })
            .OrderBy(s => s.ProcessKey).ThenBy(s => s.DealershipId is null ? 1 : 0)
            .ToList());
    }

    private static async Task<Results<Ok<List<VersionView>>, ProblemHttpResult>> VersionsAsync(string processKey, [Description(OwnerDescription)] string? dealershipCode,
        [Description("With a dealership: its own versions first, then the network's it falls back to, to compare them.")] bool? withNetwork,
        ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        var (owner, refusal) = await db.OwnerAsync(user, dealershipCode, manage: false, cancellationToken);
        if (owner is null)
            return refusal!;
        var dealershipId = owner.DealershipId;
        var network = withNetwork == true;
        var versions = await db.WorkflowDefinitions.AsNoTracking()
            .Where(d => d.ProcessKey == processKey && (d.DealershipId == dealershipId || (network && d.DealershipId == null)))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(versions.OrderBy(v => v.DealershipId is null && dealershipId is not null ? 1 : 0).ThenByDescending(v => v.Version)
            .Select(v => View(v, owner)).ToList());
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult, NotFoundProblem>> XmlAsync(
        string processKey, [Description(OwnerDescription)] string? dealershipCode, [Description(VersionLabels.Description + " The draft, else the newest published, unless said.")] string? version,
        ClaimsPrincipal user, InvitationWorkflowDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var (owner, refusal) = await db.OwnerAsync(user, dealershipCode, manage: false, cancellationToken);
        if (owner is null)
            return refusal!;
        if (version is not null)
        {
            var (named, problem) = await db.FindAsync(user, processKey, owner, version, "version", cancellationToken);
            return named is null ? problem! : TypedResults.Text(named.Xml, "application/xml", Encoding.UTF8);
        }
        var dealershipId = owner.DealershipId;
        var definition = await db.WorkflowDefinitions.AsNoTracking()
                .SingleOrDefaultAsync(d => d.ProcessKey == processKey && d.DealershipId == dealershipId && d.Status == DefinitionStatus.Draft, cancellationToken)
            ?? await runtime.FindPublishedAsync(processKey, dealershipId, cancellationToken);
        if (definition is null)
            return Problems.NotFound("workflow version", $"{processKey} (draft or published)");
        return TypedResults.Text(definition.Xml, "application/xml", Encoding.UTF8);
    }

    private static async Task<Results<Ok<VersionDiff>, ProblemHttpResult>> DiffAsync(
        string processKey, [Description(OwnerDescription)] string? dealershipCode,
        [Description("The older side. " + VersionLabels.Description)] string? from,
        [Description("The newer side. " + VersionLabels.Description)] string? to,
        ClaimsPrincipal user, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        var (owner, refusal) = await db.OwnerAsync(user, dealershipCode, manage: false, cancellationToken);
        if (owner is null)
            return refusal!;
        var (older, problem) = await db.FindAsync(user, processKey, owner, from, "from", cancellationToken);
        if (older is null)
            return problem!;
        (var newer, problem) = await db.FindAsync(user, processKey, owner, to, "to", cancellationToken);
        if (newer is null)
            return problem!;
        var diff = BpmnDiff.Compare(ReadProcess(older), ReadProcess(newer));
        var codes = await db.DealershipCodesAsync(cancellationToken);
        string? Code(WorkflowDefinition d) => d.DealershipId is { } id ? codes.GetValueOrDefault(id) : null;
        return TypedResults.Ok(new VersionDiff(View(older, Code(older)), View(newer, Code(newer)), diff.Elements, diff.Flows));
    }

    // A draft that does not read as BPMN has no elements to compare; the diff then shows all of the other side's as added or removed.
    private static ProcessModel ReadProcess(WorkflowDefinition d) =>
        BpmnReader.Read(d.Xml).MainProcess ?? new ProcessModel { Id = d.ProcessKey };

    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>
    /// Reads or checks in the caller's language: the findings speak the UI culture, set here only for the read and the
    /// check, so that the rest of the request, and the release's check of its own flows, keep theirs. A caller who does
    /// not ask for Chinese reads English even where the server's own culture is Chinese.
    /// </summary>
    internal static T InCallersLanguage<T>(HttpRequest request, Func<T> readOrCheck)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = request.PrefersChinese() ? Chinese : CultureInfo.InvariantCulture;
        try
        {
            return readOrCheck();
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static async Task<Ok<CheckResult>> CheckAsync(HttpRequest request, ActivityRegistry activities, CancellationToken cancellationToken)
    {
        var xml = await ReadBodyAsync(request, cancellationToken);
        return TypedResults.Ok(InCallersLanguage(request, () => Check(xml, activities)));
    }

    private static async Task<Results<Ok<SavedDraft>, ValidationProblem, ProblemHttpResult>> SaveDraftAsync(
        string processKey, [Description(OwnerDescription)] string? dealershipCode, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db,
        ActivityRegistry activities, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (owner, refusal) = await db.OwnerAsync(user, dealershipCode, manage: true, cancellationToken);
        if (owner is null)
            return refusal!;
        var dealershipId = owner.DealershipId;
        var xml = await ReadBodyAsync(request, cancellationToken);
        if (string.IsNullOrWhiteSpace(xml))
            return Problems.Invalid("body", "Send the BPMN XML as the request body.");
        var definition = InCallersLanguage(request, () => BpmnReader.Read(xml));
        var process = definition.MainProcess;
        if (process is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [.. definition.Problems] });
        if (process.Id != processKey)
            return Problems.Invalid("processKey", $"The diagram's executable process is '{process.Id}', not '{processKey}'.");
        // The columns' sizes: SQL Server refuses a longer value, and the refusal would surface as a 500.
        if (processKey.Length > MaxKeyLength)
            return Problems.Invalid("processKey", $"The process id is longer than {MaxKeyLength} characters.");
        if (process.Name?.Length > MaxNameLength)
            return Problems.Invalid("body", $"The process name is longer than {MaxNameLength} characters.");

        var now = clock.GetUtcNow();
        var draft = await db.WorkflowDefinitions.SingleOrDefaultAsync(
            d => d.ProcessKey == processKey && d.DealershipId == dealershipId && d.Status == DefinitionStatus.Draft, cancellationToken);
        if (draft is null)
        {
            var latest = await db.WorkflowDefinitions.Where(d => d.ProcessKey == processKey && d.DealershipId == dealershipId)
                .MaxAsync(d => (int?)d.Version, cancellationToken) ?? 0;
            draft = new WorkflowDefinition
            {
                Id = Guid.NewGuid(), ProcessKey = processKey, DealershipId = dealershipId, Version = latest + 1,
                Status = DefinitionStatus.Draft, Xml = xml, CreatedAt = now,
            };
            db.WorkflowDefinitions.Add(draft);
        }
        // Stored as sent: what the designer did not change stays byte for byte as it was.
        draft.Xml = xml;
        draft.Name = process.Name;
        draft.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new SavedDraft(View(draft, owner), InCallersLanguage(request, () => Check(xml, activities))));
    }

    private static async Task<Results<Ok<VersionView>, ProblemHttpResult, NotFoundProblem>> PublishAsync(
        string processKey, [Description(OwnerDescription)] string? dealershipCode, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db,
        ActivityRegistry activities, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (owner, refusal) = await db.OwnerAsync(user, dealershipCode, manage: true, cancellationToken);
        if (owner is null)
            return refusal!;
        var dealershipId = owner.DealershipId;
        var draft = await db.WorkflowDefinitions.SingleOrDefaultAsync(
            d => d.ProcessKey == processKey && d.DealershipId == dealershipId && d.Status == DefinitionStatus.Draft, cancellationToken);
        if (draft is null)
            return Problems.NotFound("draft of workflow", processKey);

        if (Refusal(InCallersLanguage(request, () => Check(draft.Xml, activities)), "The workflow uses what the engine does not run; nothing was published.") is { } refused)
            return refused;

        await StagePublishAsync(db, draft, user.Identity?.Name, clock, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(View(draft, owner));
    }

    /// <summary>
    /// Publishes an earlier version again as the newest: a new version number, its XML copied, <c>restoredFrom</c> saying which,
    /// so the list reads in the order things were published and every number keeps meaning one diagram. An open draft moves
    /// to the number after it and stays a draft.
    /// </summary>
    private static async Task<Results<Ok<VersionView>, ProblemHttpResult, NotFoundProblem, ConflictProblem>> RollbackAsync(
        string processKey, int version, [Description(OwnerDescription)] string? dealershipCode, HttpRequest request, ClaimsPrincipal user, InvitationWorkflowDbContext db,
        ActivityRegistry activities, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (owner, refusal) = await db.OwnerAsync(user, dealershipCode, manage: true, cancellationToken);
        if (owner is null)
            return refusal!;
        var dealershipId = owner.DealershipId;
        var rows = await db.WorkflowDefinitions.Where(d => d.ProcessKey == processKey && d.DealershipId == dealershipId).ToListAsync(cancellationToken);
        var earlier = rows.SingleOrDefault(d => d.Version == version);
        var label = VersionLabels.Of(dealershipId, owner.DealershipCode, version);
        if (earlier is null)
            return Problems.NotFound("workflow version", $"{processKey} {label}");
        if (earlier.Status == DefinitionStatus.Draft)
            return Problems.Conflict("A draft is not rolled back to", $"{label} is the draft: publish it instead.");
        if (earlier.Status == DefinitionStatus.Published)
            return Problems.Conflict("Already published", $"{label} is the published version of {processKey}.");
        // The engine may have grown stricter since it was published: what it would refuse now is not published again.
        if (Refusal(InCallersLanguage(request, () => Check(earlier.Xml, activities)), $"{label} no longer passes the check; nothing was published.") is { } refused)
            return refused;

        var draft = rows.SingleOrDefault(d => d.Status == DefinitionStatus.Draft);
        var number = draft?.Version ?? rows.Max(d => d.Version) + 1;
        // One save: EF orders the draft's move before the insert that takes its number.
        if (draft is not null)
            draft.Version = number + 1;
        var now = clock.GetUtcNow();
        var restored = new WorkflowDefinition
        {
            Id = Guid.NewGuid(), ProcessKey = processKey, DealershipId = dealershipId, Version = number, Status = DefinitionStatus.Draft,
            Name = earlier.Name, Xml = earlier.Xml, CreatedAt = now, UpdatedAt = now, RestoredFromVersion = earlier.Version,
        };
        db.WorkflowDefinitions.Add(restored);
        await StagePublishAsync(db, restored, user.Identity?.Name, clock, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(View(restored, owner));
    }

    internal static ProblemHttpResult? Refusal(CheckResult check, string title)
    {
        if (check.Publishable)
            return null;
        var errors = check.Elements.Where(e => !e.Supported).ToDictionary(e => e.ElementId, e => e.Reasons.ToArray());
        if (check.Problems.Count > 0)
            errors["definition"] = [.. check.Problems];
        return TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status422UnprocessableEntity, Title = title });
    }

    /// <summary>
    /// Makes <paramref name="version"/> the published one of its workflow and owner, by a person from the designer or by the
    /// release (the default flows): the version published before is retired with its start timers. The caller saves.
    /// </summary>
    internal static async Task StagePublishAsync(InvitationWorkflowDbContext db, WorkflowDefinition version, string? publishedBy, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var previous = await db.WorkflowDefinitions
            .Where(d => d.ProcessKey == version.ProcessKey && d.DealershipId == version.DealershipId && d.Status == DefinitionStatus.Published && d.Id != version.Id)
            .ToListAsync(cancellationToken);
        foreach (var old in previous)
        {
            // Its running instances keep it; new ones take the version published now.
            old.Status = DefinitionStatus.Retired;
            old.RetiredAt = now;
        }
        var previousIds = previous.Select(p => p.Id).ToList();
        db.WorkflowTimers.RemoveRange(await db.WorkflowTimers.Where(t => t.DefinitionId != null && previousIds.Contains(t.DefinitionId.Value)).ToListAsync(cancellationToken));

        version.Status = DefinitionStatus.Published;
        version.PublishedAt = now;
        version.PublishedBy = publishedBy;
        version.UpdatedAt = now;
        var process = BpmnReader.Read(version.Xml).MainProcess!;
        foreach (var start in StartEvents.Timers(process))
        {
            if (StartEvents.NextDue(start, now, 0, clock) is { } due)
                db.WorkflowTimers.Add(new WorkflowTimer { Id = Guid.NewGuid(), DefinitionId = version.Id, StartEventId = start.Id, DueAt = due });
        }
    }
}
