using System.Security.Claims;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

public static class Access
{
    /// <summary>The dealership's settings when the caller may act for it; another dealership looks exactly like a missing one.</summary>
    public static async Task<RoutingSettings?> DealershipForAsync(this AssignmentDbContext db, ClaimsPrincipal user, Guid dealershipId, CancellationToken cancellationToken)
    {
        var settings = await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.DealershipId == dealershipId, cancellationToken);
        return settings is not null && user.MayActFor(settings.DealershipCode) ? settings : null;
    }

    public static IResult DealershipNotFound(Guid dealershipId) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dealership not found", detail: $"There is no dealership {dealershipId}.");

    public static IResult NotFound(string what, Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"There is no {what.ToLowerInvariant()} {id}.");

    public static IResult Conflict(string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);
}
