using System.Security.Claims;
using Dealership.Hosting.Security;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Workflows;

/// <summary>Callers name dealerships by code (and by id in their token); workflow rows carry the dealership's id.</summary>
public static class DealershipAccess
{
    /// <summary>The network-wide rows (null) only for a key of every dealership; a dealership's rows for a key of that dealership.</summary>
    public static async Task<bool> MayManageAsync(this ClaimsPrincipal user, Guid? dealershipId, InvitationWorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (user.MayActForAll())
            return true;
        if (dealershipId is null)
            return false;
        var code = await db.KnownDealerships.Where(d => d.Id == dealershipId).Select(d => d.Code).SingleOrDefaultAsync(cancellationToken);
        return code is not null && user.MayActFor(code);
    }

    /// <summary>Everyone may read the network-wide definitions their dealership falls back to.</summary>
    public static Task<bool> MayReadAsync(this ClaimsPrincipal user, Guid? dealershipId, InvitationWorkflowDbContext db, CancellationToken cancellationToken) =>
        dealershipId is null ? Task.FromResult(true) : user.MayManageAsync(dealershipId, db, cancellationToken);
}
