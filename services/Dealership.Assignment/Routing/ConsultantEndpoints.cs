using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

public static class ConsultantEndpoints
{
    public record ConsultantView(Guid Id, Guid DealershipId, string Name, bool OnDuty, DateTimeOffset? LastAssignedAt);

    public static void MapConsultantEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/consultants").WithTags("Consultants").RequireAuthorization();
        group.MapGet("/", async (Guid dealershipId, AssignmentDbContext db, CancellationToken cancellationToken) =>
                Results.Ok(await db.Consultants.AsNoTracking()
                    .Where(c => c.DealershipId == dealershipId)
                    .OrderBy(c => c.Name)
                    .Select(c => new ConsultantView(c.Id, c.DealershipId, c.Name, c.OnDuty, c.LastAssignedAt))
                    .ToListAsync(cancellationToken)))
            .WithSummary("The dealership's consultants")
            .Produces<List<ConsultantView>>();
    }
}
