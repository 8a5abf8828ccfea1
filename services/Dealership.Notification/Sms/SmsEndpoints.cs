using Dealership.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification.Sms;

public static class SmsEndpoints
{
    public record SmsView(Guid Id, Guid LeadId, string Recipient, string Phone, string Template, string Text, SmsStatus Status, DateTimeOffset CreatedAt);

    public static void MapSmsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/sms").WithTags("SMS").RequireAuthorization();
        group.MapGet("/messages", async (Guid? leadId, int? take, NotificationDbContext db, CancellationToken cancellationToken) =>
            {
                var query = db.Messages.AsNoTracking();
                if (leadId is not null)
                    query = query.Where(m => m.LeadId == leadId);
                var rows = await query.OrderByDescending(m => m.CreatedAt).Take(Math.Clamp(take ?? 50, 1, 500)).ToListAsync(cancellationToken);
                // A list never shows a whole phone number.
                return Results.Ok(rows.Select(m => new SmsView(m.Id, m.LeadId, m.Recipient, PhoneMask.Mask(m.Phone), m.Template, m.Text, m.Status, m.CreatedAt)));
            })
            .WithSummary("Messages taken by the development SMS sink, newest first")
            .Produces<List<SmsView>>();
    }
}
