using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Intake;

/// <summary>Rejected leads, listed for a person to fix and resubmit, or dismiss.</summary>
public static class RejectionEndpoints
{
    /// <summary>A rejected lead; <c>dealershipId</c> is null when the dealership it named is not known.</summary>
    public record RejectionSummary(Guid Id, Guid? DealershipId, string? DealershipCode, string Channel, string? Source, string? ExternalId, IReadOnlyList<string> Reasons,
        RejectionStatus Status, DateTimeOffset ReceivedAt);
    public record RejectionView(Guid Id, Guid? DealershipId, string? DealershipCode, string Channel, string? Source, string? ExternalId, IReadOnlyList<string> Reasons,
        RejectionStatus Status, string SubmittedBy, DateTimeOffset ReceivedAt, string RawPayload, Guid? ResubmittedAsLeadId);

    /// <summary>Which rejected leads to list.</summary>
    public record RejectionQuery(
        [property: Description("The code the leads named as their dealership, known or not.")] string DealershipCode,
        [property: Description("open (the default), resubmitted or dismissed.")] RejectionStatus? Status,
        [property: Description("How many, 1 to 500 (100 unless said).")] int? Take);

    public static void MapRejectionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/leads/rejected").WithTags("Rejected leads").RequireAuthorization()
            .AllowClients(ClientScopes.SubmitLeads);
        group.MapGet("/", ListAsync).WithSummary("Rejected leads of a dealership, newest first");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A rejected lead with its reasons and what was sent");
        group.MapPost("/{id:guid}/resubmit", ResubmitAsync)
            .WithSummary("Submit the corrected lead in place of a rejected one")
            .WithRequestExample(IntakeEndpoints.Example, "The whole lead as it should have been sent.");
        group.MapPost("/{id:guid}/dismiss", DismissAsync).WithSummary("Set a rejected lead aside for good");
    }

    private static async Task<Results<Ok<List<RejectionSummary>>, ForbiddenProblem>> ListAsync([AsParameters] RejectionQuery q, ClaimsPrincipal user,
        LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        // A lead may be rejected for naming a dealership no one knows, so the code is not looked up.
        var code = q.DealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        var rows = await db.RejectedLeads.AsNoTracking()
            .Where(r => r.DealershipCode == code && r.Status == (q.Status ?? RejectionStatus.Open))
            .OrderByDescending(r => r.ReceivedAt)
            .Take(Math.Clamp(q.Take ?? 100, 1, 500))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => new RejectionSummary(r.Id, DealershipOf(r), r.DealershipCode, r.Channel, r.Source, r.ExternalId, Lines(r.Reasons),
            r.Status, r.ReceivedAt)).ToList());
    }

    private static async Task<Results<Ok<RejectionView>, NotFoundProblem>> GetAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var r = await FindAsync(id, user, db, cancellationToken);
        return r is null
            ? Problems.NotFound("rejected lead", id)
            : TypedResults.Ok(new RejectionView(r.Id, DealershipOf(r), r.DealershipCode, r.Channel, r.Source, r.ExternalId, Lines(r.Reasons), r.Status, r.SubmittedBy,
                r.ReceivedAt, r.RawPayload, r.ResubmittedAsLeadId));
    }

    private static async Task<Results<Created<SubmittedLead>, Ok<SubmittedLead>, ValidationProblem, NotFoundProblem, ConflictProblem, ForbiddenProblem>> ResubmitAsync(
        Guid id, SubmitLeadRequest corrected, ClaimsPrincipal user, LeadIntakeDbContext db, LeadIntakePipeline pipeline, CancellationToken cancellationToken)
    {
        var rejected = await FindAsync(id, user, db, cancellationToken);
        if (rejected is null)
            return Problems.NotFound("rejected lead", id);
        if (rejected.Status != RejectionStatus.Open)
            return Problems.Conflict("Already handled", $"This rejected lead is {rejected.Status}.");
        if (IntakeEndpoints.Forbidden(user, corrected) is { } forbidden)
            return Problems.NotAllowedBecause(forbidden);

        var result = await pipeline.SubmitAsync(corrected, new IntakeChannel("resubmitted", user.Identity?.Name ?? "unknown"),
            JsonSerializer.Serialize(corrected, IntakeEndpoints.Json), cancellationToken);
        if (result.Outcome == IntakeOutcome.Rejected)
            return TypedResults.ValidationProblem(result.Errors, title: "The corrected lead still cannot be used",
                extensions: new Dictionary<string, object?> { ["rejectionId"] = result.RejectionId });

        // The pipeline committed on its own context; this marks the original as handled.
        db.ChangeTracker.Clear();
        rejected = await db.RejectedLeads.SingleAsync(r => r.Id == id, cancellationToken);
        rejected.Status = RejectionStatus.Resubmitted;
        rejected.ResubmittedAsLeadId = result.LeadId;
        await db.SaveChangesAsync(cancellationToken);
        var submitted = new SubmittedLead(result.LeadId!.Value, IntakeEndpoints.Outcome(result.Outcome), result.Outcome != IntakeOutcome.Accepted);
        return result.Outcome == IntakeOutcome.Accepted ? TypedResults.Created($"/api/leads/{result.LeadId}", submitted) : TypedResults.Ok(submitted);
    }

    private static async Task<Results<NoContent, NotFoundProblem>> DismissAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var rejected = await FindAsync(id, user, db, cancellationToken);
        if (rejected is null)
            return Problems.NotFound("rejected lead", id);
        rejected.Status = RejectionStatus.Dismissed;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<RejectedLead?> FindAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var rejected = await db.RejectedLeads.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        // A rejection with no known dealership is visible to keys that may act for every dealership.
        return rejected is not null && (rejected.DealershipCode is { } code ? user.MayActFor(code) : user.MayActForAll()) ? rejected : null;
    }

    private static Guid? DealershipOf(RejectedLead r) => r.DealershipId == Guid.Empty ? null : r.DealershipId;

    private static IReadOnlyList<string> Lines(string reasons) => reasons.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
