using System.Security.Claims;
using System.Text.Json;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Intake;

/// <summary>Rejected leads, listed for a person to fix and resubmit, or dismiss.</summary>
public static class RejectionEndpoints
{
    public record RejectionSummary(Guid Id, string? DealershipCode, string Channel, string? Source, string? ExternalId, IReadOnlyList<string> Reasons,
        RejectionStatus Status, DateTimeOffset ReceivedAt);
    public record RejectionView(Guid Id, string? DealershipCode, string Channel, string? Source, string? ExternalId, IReadOnlyList<string> Reasons,
        RejectionStatus Status, string SubmittedBy, DateTimeOffset ReceivedAt, string RawPayload, Guid? ResubmittedAsLeadId);

    public static void MapRejectionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/leads/rejected").WithTags("Rejected leads").RequireAuthorization()
            .AllowClients(ClientScopes.SubmitLeads);
        group.MapGet("/", ListAsync).WithSummary("Rejected leads of a dealership, newest first").Produces<List<RejectionSummary>>();
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A rejected lead with its reasons and what was sent").Produces<RejectionView>();
        group.MapPost("/{id:guid}/resubmit", ResubmitAsync)
            .WithSummary("Submit the corrected lead in place of a rejected one")
            .Produces<SubmittedLead>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        group.MapPost("/{id:guid}/dismiss", DismissAsync).WithSummary("Set a rejected lead aside for good").Produces(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> ListAsync(string? dealershipCode, RejectionStatus? status, int? take, ClaimsPrincipal user, LeadIntakeDbContext db,
        CancellationToken cancellationToken)
    {
        var code = dealershipCode?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code) || !user.MayActFor(code))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["dealershipCode"] = ["Name a dealership this key may read."] });
        var rows = await db.RejectedLeads.AsNoTracking()
            .Where(r => r.DealershipCode == code && r.Status == (status ?? RejectionStatus.Open))
            .OrderByDescending(r => r.ReceivedAt)
            .Take(Math.Clamp(take ?? 100, 1, 500))
            .ToListAsync(cancellationToken);
        return Results.Ok(rows.Select(r => new RejectionSummary(r.Id, r.DealershipCode, r.Channel, r.Source, r.ExternalId, Lines(r.Reasons), r.Status, r.ReceivedAt)));
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var r = await FindAsync(id, user, db, cancellationToken);
        return r is null
            ? NotFound(id)
            : Results.Ok(new RejectionView(r.Id, r.DealershipCode, r.Channel, r.Source, r.ExternalId, Lines(r.Reasons), r.Status, r.SubmittedBy, r.ReceivedAt,
                r.RawPayload, r.ResubmittedAsLeadId));
    }

    private static async Task<IResult> ResubmitAsync(Guid id, SubmitLeadRequest corrected, ClaimsPrincipal user, LeadIntakeDbContext db,
        LeadIntakePipeline pipeline, CancellationToken cancellationToken)
    {
        var rejected = await FindAsync(id, user, db, cancellationToken);
        if (rejected is null)
            return NotFound(id);
        if (rejected.Status != RejectionStatus.Open)
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already handled", detail: $"This rejected lead is {rejected.Status}.");
        if (IntakeEndpoints.Forbidden(user, corrected) is { } forbidden)
            return DealershipClaims.NotAllowed(forbidden);

        var result = await pipeline.SubmitAsync(corrected, new IntakeChannel("resubmitted", user.Identity?.Name ?? "unknown"),
            JsonSerializer.Serialize(corrected, IntakeEndpoints.Json), cancellationToken);
        if (result.Outcome == IntakeOutcome.Rejected)
            return Results.ValidationProblem(result.Errors, title: "The corrected lead still cannot be used",
                extensions: new Dictionary<string, object?> { ["rejectionId"] = result.RejectionId });

        // The pipeline committed on its own context; this marks the original as handled.
        db.ChangeTracker.Clear();
        rejected = await db.RejectedLeads.SingleAsync(r => r.Id == id, cancellationToken);
        rejected.Status = RejectionStatus.Resubmitted;
        rejected.ResubmittedAsLeadId = result.LeadId;
        await db.SaveChangesAsync(cancellationToken);
        var submitted = new SubmittedLead(result.LeadId!.Value, IntakeEndpoints.Outcome(result.Outcome), result.Outcome != IntakeOutcome.Accepted);
        return result.Outcome == IntakeOutcome.Accepted ? Results.Created($"/api/leads/{result.LeadId}", submitted) : Results.Ok(submitted);
    }

    private static async Task<IResult> DismissAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var rejected = await FindAsync(id, user, db, cancellationToken);
        if (rejected is null)
            return NotFound(id);
        rejected.Status = RejectionStatus.Dismissed;
        await db.SaveChangesAsync(cancellationToken);
        return Results.NoContent();
    }

    private static async Task<RejectedLead?> FindAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var rejected = await db.RejectedLeads.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        // A rejection with no known dealership is visible to keys that may act for every dealership.
        return rejected is not null && (rejected.DealershipCode is { } code ? user.MayActFor(code) : user.MayActForAll()) ? rejected : null;
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Rejected lead not found", detail: $"There is no rejected lead {id}.");

    private static IReadOnlyList<string> Lines(string reasons) => reasons.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
