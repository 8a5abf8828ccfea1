using System.Security.Claims;
using Dealership.Hosting.Security;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

public static class Access
{
    /// <summary>The routing settings of the dealership a request names by its code, when assignment knows it.</summary>
    public static Task<RoutingSettings?> DealershipAsync(this AssignmentDbContext db, string code, CancellationToken cancellationToken) =>
        db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.DealershipCode == code, cancellationToken);

    /// <summary>
    /// The settings of an object's dealership when the caller may act for it; another dealership's object
    /// looks exactly like a missing one.
    /// </summary>
    public static async Task<RoutingSettings?> DealershipForAsync(this AssignmentDbContext db, ClaimsPrincipal user, Guid dealershipId, CancellationToken cancellationToken)
    {
        var settings = await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.DealershipId == dealershipId, cancellationToken);
        return settings is not null && user.MayActFor(settings.DealershipCode) ? settings : null;
    }
}
