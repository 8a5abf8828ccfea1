using System.Security.Claims;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Dealership.LeadIntake.Leads;

public static class LeadEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapLeadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var leads = endpoints.MapGroup("/api/leads").WithTags("Leads").RequireAuthorization();
        leads.MapPost("/", SubmitAsync)
            .WithSummary("Submit one lead")
            // The body is read by hand (see SubmitAsync), so its schema is described here.
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(SubmitLeadRequest), null, cancellationToken) },
                    },
                })
            .Produces<SubmittedLead>(StatusCodes.Status201Created)
            .Produces<SubmittedLead>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        leads.MapGet("/{id:guid}", GetAsync)
            .WithSummary("A lead with its stage, consultant, open tasks and timeline")
            .Produces<LeadView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public record SubmittedLead(Guid Id, LeadStage Stage, bool Duplicate);

    // The body is read by hand so that malformed JSON is answered with the path of the offending field.
    private static async Task<IResult> SubmitAsync(
        HttpRequest request, ClaimsPrincipal user, LeadIntakeDbContext db, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        SubmitLeadRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<SubmitLeadRequest>(request.Body, Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"The body is not valid JSON: {ex.Message}"] });
        }
        if (body is null)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON object is required."] });

        var (submission, errors) = LeadSubmission.Validate(body);
        if (submission is null)
            return Results.ValidationProblem(errors);

        if (!user.MayActFor(submission.DealershipCode))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for this dealership",
                detail: $"This API key may not submit leads for dealership {submission.DealershipCode}.");

        var dealership = await db.Dealerships.SingleOrDefaultAsync(d => d.Code == submission.DealershipCode, cancellationToken);
        if (dealership is null)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["dealershipCode"] = [$"Dealership {submission.DealershipCode} is not known."] });

        var existing = await FindAsync(db, dealership.Id, submission, cancellationToken);
        if (existing is not null)
            return Results.Ok(new SubmittedLead(existing.Id, existing.Stage, Duplicate: true));

        var now = clock.GetUtcNow();
        var lead = new Lead
        {
            Id = MassTransit.NewId.NextGuid(),
            DealershipId = dealership.Id,
            DealershipCode = dealership.Code,
            Source = submission.Source,
            ExternalId = submission.ExternalId,
            Name = submission.Name,
            Phone = submission.Phone,
            Email = submission.Email,
            VehicleOfInterest = submission.VehicleOfInterest,
            Stage = LeadStage.New,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Leads.Add(lead);
        db.Timeline.Add(new TimelineEntry
        {
            Id = MassTransit.NewId.NextGuid(), LeadId = lead.Id, At = now, Kind = "received",
            Text = $"Lead received from {submission.Source} ({user.Identity?.Name}), external id {submission.ExternalId}",
        });
        db.Publish(new LeadAccepted(lead.Id, lead.DealershipId, lead.DealershipCode, lead.Source, lead.ExternalId, lead.Name, lead.Phone, now, lead.VehicleOfInterest));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent copy of the same lead won the unique index: answer with that one.
            db.ChangeTracker.Clear();
            existing = await FindAsync(db, dealership.Id, submission, cancellationToken);
            if (existing is null)
                throw;
            return Results.Ok(new SubmittedLead(existing.Id, existing.Stage, Duplicate: true));
        }

        loggers.CreateLogger(typeof(LeadEndpoints)).LogInformation(
            "Lead {LeadId} accepted for {DealershipCode} from {Source}, phone {Phone}", lead.Id, lead.DealershipCode, lead.Source, PhoneMask.Mask(lead.Phone));
        return Results.Created($"/api/leads/{lead.Id}", new SubmittedLead(lead.Id, lead.Stage, Duplicate: false));
    }

    private static Task<Lead?> FindAsync(LeadIntakeDbContext db, Guid dealershipId, LeadSubmission submission, CancellationToken cancellationToken) =>
        db.Leads.SingleOrDefaultAsync(l => l.DealershipId == dealershipId && l.Source == submission.Source && l.ExternalId == submission.ExternalId, cancellationToken);

    public record TaskView(Guid Id, string Kind, Guid ConsultantId, DateTimeOffset DueAt);
    public record TimelineView(DateTimeOffset At, string Kind, string Text);
    public record LeadView(
        Guid Id, string DealershipCode, string Source, string ExternalId, string? Name, string? Phone, string? Email,
        string? VehicleOfInterest, LeadStage Stage, Guid? AssignedConsultantId, string? AssignedConsultantName,
        DateTimeOffset CreatedAt, IReadOnlyList<TaskView> OpenTasks, IReadOnlyList<TimelineView> Timeline);

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        // Another dealership's lead is answered exactly like a missing one.
        if (lead is null || !user.MayActFor(lead.DealershipCode))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Lead not found", detail: $"There is no lead {id}.");

        var tasks = await db.Tasks.AsNoTracking()
            .Where(t => t.LeadId == id && t.CompletedAt == null)
            .OrderBy(t => t.DueAt)
            .Select(t => new TaskView(t.Id, t.Kind, t.ConsultantId, t.DueAt))
            .ToListAsync(cancellationToken);
        var timeline = await db.Timeline.AsNoTracking()
            .Where(t => t.LeadId == id)
            .OrderBy(t => t.At)
            .Select(t => new TimelineView(t.At, t.Kind, t.Text))
            .ToListAsync(cancellationToken);
        return Results.Ok(new LeadView(lead.Id, lead.DealershipCode, lead.Source, lead.ExternalId, lead.Name, lead.Phone, lead.Email,
            lead.VehicleOfInterest, lead.Stage, lead.AssignedConsultantId, lead.AssignedConsultantName, lead.CreatedAt, tasks, timeline));
    }
}
