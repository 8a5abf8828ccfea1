using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Leads;

public static class LeadEndpoints
{
    public const int MaxPageSize = 200;

    public static void MapLeadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // A client that submits leads reads back what became of them.
        var leads = endpoints.MapGroup("/api/leads").WithTags("Leads").RequireAuthorization().AllowClients(ClientScopes.SubmitLeads);
        leads.MapGet("/", ListAsync)
            .WithSummary("Leads of a dealership, newest first, filtered and paged; phone numbers masked")
            .Produces<LeadPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        leads.MapGet("/{id:guid}", GetAsync)
            .WithSummary("A lead with its stage, consultant, enquiries, open tasks and timeline")
            .Produces<LeadView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public record TaskView(Guid Id, string Kind, Guid ConsultantId, DateTimeOffset DueAt);
    public record TimelineView(DateTimeOffset At, string Kind, string Text);
    public record EnquiryView(string Source, string ExternalId, string? SourceDetail, string? VehicleOfInterest, string? Note, DateTimeOffset ReceivedAt);
    public record LeadView(
        Guid Id, string DealershipCode, string Source, string ExternalId, string? SourceDetail, string? Name, string? Phone, string? Email,
        string? VehicleOfInterest, LeadStage Stage, Guid? AssignedConsultantId, string? AssignedConsultantName,
        DateTimeOffset CreatedAt, IReadOnlyList<EnquiryView> Enquiries, IReadOnlyList<TaskView> OpenTasks, IReadOnlyList<TimelineView> Timeline);
    public record LeadSummary(Guid Id, string? Name, string MaskedPhone, string Source, string? SourceDetail, LeadStage Stage,
        Guid? AssignedConsultantId, string? AssignedConsultantName, DateTimeOffset CreatedAt);
    public record LeadPage(int Page, int PageSize, int Total, IReadOnlyList<LeadSummary> Items);

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, LeadIntakeDbContext db, string? dealershipCode, string? stage, string? source,
        Guid? consultantId, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(dealershipCode))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["dealershipCode"] = ["Name the dealership whose leads to list."] });
        var code = dealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return DealershipClaims.NotAllowed($"You may not read the leads of dealership {code}.");
        LeadStage? stageFilter = null;
        if (!string.IsNullOrWhiteSpace(stage))
        {
            if (!Enum.TryParse<LeadStage>(stage, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["stage"] = [$"'{stage}' is not a stage."] });
            stageFilter = parsed;
        }
        var size = Math.Clamp(pageSize ?? 50, 1, MaxPageSize);
        var number = Math.Max(page ?? 1, 1);

        var query = db.Leads.AsNoTracking().Where(l => l.DealershipCode == code);
        if (stageFilter is not null)
            query = query.Where(l => l.Stage == stageFilter);
        if (!string.IsNullOrWhiteSpace(source))
            query = query.Where(l => l.Source == source.Trim().ToLowerInvariant());
        if (consultantId is not null)
            query = query.Where(l => l.AssignedConsultantId == consultantId);
        if (from is not null)
            query = query.Where(l => l.CreatedAt >= from);
        if (to is not null)
            query = query.Where(l => l.CreatedAt < to);

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(l => l.CreatedAt).Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        var items = rows.Select(l => new LeadSummary(l.Id, l.Name, PhoneMask.Mask(l.Phone), l.Source, l.SourceDetail, l.Stage,
            l.AssignedConsultantId, l.AssignedConsultantName, l.CreatedAt)).ToList();
        return Results.Ok(new LeadPage(number, size, total, items));
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        // The parts are read in separate queries while consumers keep committing. The lead row is read
        // last, so it already holds every change the timeline read before it shows.
        var enquiries = await db.Enquiries.AsNoTracking()
            .Where(e => e.LeadId == id)
            .OrderBy(e => e.ReceivedAt)
            .Select(e => new EnquiryView(e.Source, e.ExternalId, e.SourceDetail, e.VehicleOfInterest, e.Note, e.ReceivedAt))
            .ToListAsync(cancellationToken);
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
        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        // Another dealership's lead is answered exactly like a missing one.
        if (lead is null || !user.MayActFor(lead.DealershipCode))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Lead not found", detail: $"There is no lead {id}.");

        // The whole number is for the lead's consultant and managers; lists and logs mask it.
        return Results.Ok(new LeadView(lead.Id, lead.DealershipCode, lead.Source, lead.ExternalId, lead.SourceDetail, lead.Name,
            PhoneMask.For(user, lead.Phone, lead.AssignedConsultantId), lead.Email,
            lead.VehicleOfInterest, lead.Stage, lead.AssignedConsultantId, lead.AssignedConsultantName, lead.CreatedAt, enquiries, tasks, timeline));
    }
}
