using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Tasks;

public static class TaskEndpoints
{
    public record TaskView(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, DateTimeOffset CreatedAt, DateTimeOffset DueAt);

    public static void MapTaskEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization();
        group.MapGet("/", async (Guid? consultantId, Guid? leadId, InvitationWorkflowDbContext db, CancellationToken cancellationToken) =>
            {
                if (consultantId is null && leadId is null)
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["consultantId"] = ["Give a consultantId or a leadId."] });
                var query = db.Tasks.AsNoTracking().Where(t => t.CompletedAt == null);
                if (consultantId is not null)
                    query = query.Where(t => t.ConsultantId == consultantId);
                if (leadId is not null)
                    query = query.Where(t => t.LeadId == leadId);
                return Results.Ok(await query.OrderBy(t => t.DueAt)
                    .Select(t => new TaskView(t.Id, t.LeadId, t.ConsultantId, t.Kind, t.CreatedAt, t.DueAt))
                    .ToListAsync(cancellationToken));
            })
            .WithSummary("Open tasks by due time, for a consultant or a lead")
            .Produces<List<TaskView>>()
            .ProducesValidationProblem();
    }
}
