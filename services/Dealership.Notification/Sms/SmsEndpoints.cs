using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Json;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.Notification.Carriers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dealership.Notification.Sms;

public static class SmsEndpoints
{
    public record SmsView(
        Guid Id, Guid LeadId, string Recipient, string Phone, string Template, string Language, string Text, SmsStatus Status, string? Reason,
        DateTimeOffset CreatedAt, DateTimeOffset SendAt, DateTimeOffset? SentAt, DateTimeOffset? DeliveredAt, int Attempts);
    public record ReplyRequest(string? Phone, string? Text);
    public record ReplyView(Guid LeadId, bool OptedOut, string? Keyword);
    public record ReceiptRequest(string? OutId, string? MessageId, string? Status, string? Error);
    public record ConsentView(Guid DealershipId, string DealershipCode, string Phone, string Channel, bool Granted, string Source, DateTimeOffset ChangedAt);

    public static void MapSmsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/sms").WithTags("SMS").RequireAuthorization();
        group.MapGet("/messages", async (
                [Description("Only the SMS about this lead.")] Guid? leadId, [Description("How many, 1 to 500 (50 unless said).")] int? take,
                NotificationDbContext db, CancellationToken cancellationToken) =>
            {
                var query = db.Messages.AsNoTracking();
                if (leadId is not null)
                    query = query.Where(m => m.LeadId == leadId);
                var rows = await query.OrderByDescending(m => m.CreatedAt).Take(Math.Clamp(take ?? 50, 1, 500)).ToListAsync(cancellationToken);
                // A list never shows a whole phone number.
                return TypedResults.Ok(rows.Select(m => new SmsView(m.Id, m.LeadId, m.Recipient, PhoneMask.Mask(m.Phone), m.Template, m.Language, m.Text, m.Status,
                    m.Reason, m.CreatedAt, m.SendAt, m.SentAt, m.DeliveredAt, m.Attempts)).ToList());
            })
            .WithSummary("SMS messages with their status (queued, held, sent, delivered, refused, failed) and why, newest first");

        group.MapPost("/replies", async Task<Results<Accepted<ReplyView>, ValidationProblem, NotFoundProblem>> (
                ReplyRequest request, IServiceProvider services, NotificationDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
                // Replies reach a real deployment through the carrier's callback; this door is the development sink's.
                services.GetRequiredService<ISmsCarrier>() is DevelopmentSmsSink
                    ? await ReplyAsync(request, db, clock, cancellationToken)
                    : Problems.NotAvailable("Replies are injected only when the development SMS sink is the carrier."))
            .RequireRateLimiting(RateLimits.SmsReplies)
            .WithSummary("Inject a customer's SMS reply (development sink): TD, T, 退订 or STOP opt out; anything else is passed on, e.g. 1 to confirm a visit")
            .WithRequestExample(new ReplyRequest("+8613812345678", "TD"), "The customer's number in E.164 and the text of the reply.");

        group.MapGet("/consents", async ([Description("The customer's phone number in E.164, e.g. +8613812345678.")] string phone,
                ClaimsPrincipal user, NotificationDbContext db, CancellationToken cancellationToken) =>
            {
                var rows = await (from c in db.Consents.AsNoTracking()
                                  join s in db.Settings.AsNoTracking() on c.DealershipId equals s.DealershipId
                                  where c.Phone == phone
                                  select new { Consent = c, s.DealershipCode }).ToListAsync(cancellationToken);
                return TypedResults.Ok(rows.Where(r => user.MayActFor(r.DealershipCode))
                    .Select(r => new ConsentView(r.Consent.DealershipId, r.DealershipCode, PhoneMask.Mask(r.Consent.Phone), r.Consent.Channel, r.Consent.Granted,
                        r.Consent.Source, r.Consent.ChangedAt)).ToList());
            })
            .WithSummary("Notification's copy of a customer's consent (phone in E.164), per dealership and channel");

        // The carrier calls these; it signs them with its secret (CarrierSignature) rather than presenting a key or a token.
        var carrier = endpoints.MapGroup("/api/sms/carrier").WithTags("SMS carrier callbacks").AllowAnonymous().RequireRateLimiting(RateLimits.SmsReplies);
        carrier.MapPost("/receipts", async (HttpRequest http, IOptions<HttpSmsGatewayOptions> gateway, NotificationDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var (body, refused) = await CarrierSignature.ReadSignedAsync(http, gateway.Value, clock, cancellationToken);
                if (refused is not null)
                    return refused;
                if (!TryRead<ReceiptRequest>(body!, out var receipt, out var unreadable))
                    return unreadable;
                // The carrier, proven by its signature, speaks of messages of every dealership.
                db.Scope = CallerScope.Service;
                var reference = receipt.OutId ?? receipt.MessageId;
                if (string.IsNullOrWhiteSpace(reference) || string.IsNullOrWhiteSpace(receipt.Status))
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["outId"] = ["The message reference and status are required."] });
                var delivered = receipt.Status.Equals("DELIVERED", StringComparison.OrdinalIgnoreCase);
                switch (await SmsReplies.ApplyReceiptAsync(db, reference, delivered, receipt.Error, clock.GetUtcNow(), cancellationToken))
                {
                    case SmsReplies.ReceiptOutcome.UnknownMessage:
                        return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown message", detail: $"No SMS {reference}.");
                    case SmsReplies.ReceiptOutcome.NotYetSent:
                        // Carriers call again after a failed callback; by then the send is recorded.
                        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not yet", detail: $"SMS {reference} is still being sent; send the receipt again.");
                }
                await db.SaveChangesAsync(cancellationToken);
                return Results.Ok();
            })
            .WithSummary($"Delivery receipt from the SMS carrier, signed in the {CarrierSignature.SignatureHeader} and {CarrierSignature.TimestampHeader} headers")
            .Accepts<ReceiptRequest>("application/json")
            .WithRequestExample(new ReceiptRequest("c1f0a7e2-5b1d-4e8a-9a43-2f7d0c6b9e11", "2026113010150001", "DELIVERED", null))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        carrier.MapPost("/replies", async (HttpRequest http, IOptions<HttpSmsGatewayOptions> gateway, NotificationDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var (body, refused) = await CarrierSignature.ReadSignedAsync(http, gateway.Value, clock, cancellationToken);
                if (refused is not null)
                    return refused;
                if (!TryRead<ReplyRequest>(body!, out var reply, out var unreadable))
                    return unreadable;
                // The carrier, proven by its signature, speaks of messages of every dealership.
                db.Scope = CallerScope.Service;
                return await ReplyAsync(reply, db, clock, cancellationToken);
            })
            .WithSummary($"A customer's SMS reply, from the SMS carrier, signed in the {CarrierSignature.SignatureHeader} and {CarrierSignature.TimestampHeader} headers")
            .Accepts<ReplyRequest>("application/json")
            .WithRequestExample(new ReplyRequest("+8613812345678", "1"))
            .Produces<ReplyView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    // The signature covers the raw bytes, so the body is read by hand and only then parsed.
    private static bool TryRead<T>(byte[] body, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out IResult? problem) where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            value = null;
            problem = Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"The body is not valid JSON: {ex.Message}"] });
            return false;
        }
        problem = value is null ? Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body is empty."] }) : null;
        return value is not null;
    }

    private static async Task<Results<Accepted<ReplyView>, ValidationProblem, NotFoundProblem>> ReplyAsync(
        ReplyRequest request, NotificationDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Phone) || !request.Phone.StartsWith('+'))
            errors["phone"] = ["The phone number in E.164 (+86...) is required."];
        if (request.Text is null)
            errors["text"] = ["The reply text is required."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var outcome = await SmsReplies.HandleAsync(db, request.Phone!, request.Text!, clock.GetUtcNow(), cancellationToken);
        // No SMS was ever sent to the number, so the reply belongs to no conversation.
        if (outcome is null)
            return Problems.NotFound("SMS conversation", $"with {PhoneMask.Mask(request.Phone)}");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted((string?)null, new ReplyView(outcome.LeadId, outcome.OptedOut, outcome.Keyword));
    }
}
