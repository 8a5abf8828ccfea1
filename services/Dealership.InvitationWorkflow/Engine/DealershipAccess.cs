using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>Whose workflows a request means: a dealership's, or the network's own (<see cref="DealershipId"/> null).</summary>
public sealed record WorkflowOwner(Guid? DealershipId, string? DealershipCode);

/// <summary>Callers name dealerships by code (and by id in their token); workflow rows carry the dealership's id.</summary>
public static class DealershipAccess
{
    /// <summary>
    /// The owner a request names by <paramref name="dealershipCode"/> (none: the network's), or its refusal:
    /// 403 when the caller may not act for the dealership, or may not <paramref name="manage"/> the network's
    /// workflows (everyone reads them: a dealership falls back to them); 404 when workflow does not know the
    /// dealership. Both are one ProblemHttpResult so that every handler can answer either; the endpoints declare both statuses.
    /// </summary>
    public static async Task<(WorkflowOwner? Owner, ProblemHttpResult? Refusal)> OwnerAsync(
        this InvitationWorkflowDbContext db, ClaimsPrincipal user, string? dealershipCode, bool manage, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(dealershipCode))
            return !manage || user.MayActForAll()
                ? (new WorkflowOwner(null, null), null)
                : (null, TypedResults.Problem(Problems.NotAllowedBecause("The network's own workflows are for network operations and keys of the whole network; name your dealership's code.").Value));
        var code = dealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return (null, TypedResults.Problem(Problems.NotAllowed(code).Value));
        var id = await db.KnownDealerships.Where(d => d.Code == code).Select(d => (Guid?)d.Id).SingleOrDefaultAsync(cancellationToken);
        return id is null ? (null, TypedResults.Problem(Problems.NotFound("dealership", code).Value)) : (new WorkflowOwner(id, code), null);
    }

    /// <summary>The network-wide rows (null) only for a caller of every dealership; a dealership's rows for a caller of that dealership.</summary>
    public static async Task<bool> MayManageAsync(this ClaimsPrincipal user, Guid? dealershipId, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (user.MayActForAll())
            return true;
        if (dealershipId is null)
            return false;
        var code = await db.KnownDealerships.Where(d => d.Id == dealershipId).Select(d => d.Code).SingleOrDefaultAsync(cancellationToken);
        return code is not null && user.MayActFor(code);
    }

    /// <summary>Each known dealership's code by its id, for answers that list rows of several dealerships.</summary>
    public static Task<Dictionary<Guid, string>> DealershipCodesAsync(this InvitationWorkflowDbContext db, CancellationToken cancellationToken) =>
        db.KnownDealerships.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Code, cancellationToken);
}
