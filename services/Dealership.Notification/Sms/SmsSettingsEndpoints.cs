using Dealership.Contracts;
using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification.Sms;

/// <summary>Operations staff's side: a dealership's SMS rules and its templates.</summary>
public static class SmsSettingsEndpoints
{
    public record SettingsView(
        Guid DealershipId, string DealershipCode, string TimeZone, TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, int WeeklyCap,
        int DailySpendingCapFen, int PricePerSegmentFen, string Signature, string Language);
    /// <summary>A dealership's SMS rules as they are changed: the route names the dealership, whose own time zone they keep (<c>/api/dealerships/{code}</c>).</summary>
    public record SettingsRequest(
        TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, int WeeklyCap,
        int DailySpendingCapFen, int PricePerSegmentFen, string? Signature, string Language);
    /// <summary>
    /// A draft rendered with a sample lead and the dealership's own name and showroom: its length, the SMS segments it costs,
    /// placeholders the purpose does not offer, and placeholders the dealership has no value for now (an SMS with this text
    /// would be held until it has: a directions text for a dealership without a showroom address). Both stay in the text as written.
    /// </summary>
    public record PreviewView(string Text, int Characters, int Segments, IReadOnlyList<string> UnknownPlaceholders, IReadOnlyList<string> MissingValues);
    public record TemplateView(string Purpose, string Language, string Recipient, string Body, bool Custom, IReadOnlyCollection<string> Placeholders);
    public record TemplateRequest(string? Body);

    public static void MapSmsSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.MapGroup("/api/sms/settings").WithTags("SMS settings").RequireAuthorization()
            .RequireStaff(StaffRoles.Operations, StaffRoles.RetailManager, StaffRoles.SalesSupervisor);
        settings.MapGet("/{dealershipCode}", async Task<Results<Ok<SettingsView>, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, ClaimsPrincipal user, NotificationDbContext db, CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                return await FindAsync(db, code, cancellationToken) is { } s ? TypedResults.Ok(ToView(s)) : Problems.NotFound("dealership", code);
            })
            .WithSummary("A dealership's SMS rules: quiet hours, weekly cap, spending cap, signature");
        settings.MapPut("/{dealershipCode}", async Task<Results<Ok<SettingsView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, SettingsRequest request, ClaimsPrincipal user, NotificationDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                if (await FindAsync(db, code, cancellationToken) is not { } s)
                    return Problems.NotFound("dealership", code);
                var errors = new Dictionary<string, string[]>();
                if (request.WeeklyCap < 0)
                    errors["weeklyCap"] = ["The weekly cap cannot be negative."];
                if (request.DailySpendingCapFen < 0)
                    errors["dailySpendingCapFen"] = ["The spending cap cannot be negative."];
                if (request.PricePerSegmentFen < 0)
                    errors["pricePerSegmentFen"] = ["The price cannot be negative."];
                if (string.IsNullOrWhiteSpace(request.Signature) || !request.Signature.StartsWith('【') || !request.Signature.EndsWith('】'))
                    errors["signature"] = ["The signature is the name the carrier registered, in 【】 brackets."];
                if (!SmsLanguages.All.Contains(request.Language))
                    errors["language"] = [$"Use one of: {string.Join(", ", SmsLanguages.All)}."];
                if (errors.Count > 0)
                    return TypedResults.ValidationProblem(errors);
                s.QuietHoursStart = request.QuietHoursStart;
                s.QuietHoursEnd = request.QuietHoursEnd;
                s.WeeklyCap = request.WeeklyCap;
                s.DailySpendingCapFen = request.DailySpendingCapFen;
                s.PricePerSegmentFen = request.PricePerSegmentFen;
                s.Signature = request.Signature!;
                s.Language = request.Language;
                db.Publish(s.Announcement(clock.GetUtcNow()));
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Ok(ToView(s));
            })
            .WithSummary("Change a dealership's SMS rules")
            .WithRequestExample(new SettingsRequest(new TimeOnly(21, 0), new TimeOnly(9, 0), WeeklyCap: 2, DailySpendingCapFen: 5000,
                PricePerSegmentFen: 5, "【演示汽车】", "zh-CN"), "Quiet hours in the dealership's time zone (customer SMS wait until they end); caps per customer and per day.");

        var templates = endpoints.MapGroup("/api/sms/templates").WithTags("SMS templates").RequireAuthorization()
            .RequireStaff(StaffRoles.Operations, StaffRoles.RetailManager, StaffRoles.SalesSupervisor);
        templates.MapGet("/{dealershipCode}", async Task<Results<Ok<List<TemplateView>>, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, ClaimsPrincipal user, NotificationDbContext db, CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                if (await FindAsync(db, code, cancellationToken) is not { } s)
                    return Problems.NotFound("dealership", code);
                var custom = await db.Templates.AsNoTracking().Where(t => t.DealershipId == s.DealershipId).ToListAsync(cancellationToken);
                return TypedResults.Ok(SmsTemplates.Purposes.Values.SelectMany(p => SmsLanguages.All.Select(language =>
                {
                    var row = custom.SingleOrDefault(t => t.Purpose == p.Name && t.Language == language);
                    return new TemplateView(p.Name, language, p.Recipient, row?.Body ?? SmsTemplates.DefaultBody(p, language), row is not null, p.Placeholders.Order().ToList());
                })).ToList());
            })
            .WithSummary("Every template of a dealership, per purpose and language, with the placeholders each may use");
        templates.MapPut("/{dealershipCode}/{purpose}/{language}", async Task<Results<Ok<TemplateView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, string purpose, string language, TemplateRequest request,
                ClaimsPrincipal user, NotificationDbContext db, TimeProvider clock, SmsSenderSignal sender, CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                if (await FindAsync(db, code, cancellationToken) is not { } s)
                    return Problems.NotFound("dealership", code);
                if (Unknown(purpose, language, out var smsPurpose) is { } unknownTemplate)
                    return unknownTemplate;
                var body = request.Body?.Trim();
                if (string.IsNullOrEmpty(body))
                    return Problems.Invalid("body", "The text is required.");
                var unknown = SmsTemplates.UnknownPlaceholders(smsPurpose, body);
                if (unknown.Count > 0)
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["body"] = [.. unknown.Select(p => $"Unknown placeholder {{{p}}}; '{purpose}' offers: {string.Join(", ", smsPurpose.Placeholders.Order().Select(n => "{" + n + "}"))}.")],
                    });
                if (body.Length > 500)
                    return Problems.Invalid("body", "The text is longer than 500 characters.");

                var row = await db.Templates.SingleOrDefaultAsync(t => t.DealershipId == s.DealershipId && t.Purpose == purpose && t.Language == language, cancellationToken);
                if (row is null)
                {
                    row = new SmsTemplate { Id = NewId.NextGuid(), DealershipId = s.DealershipId, Purpose = purpose, Language = language, Body = body };
                    db.Templates.Add(row);
                }
                row.Body = body;
                row.UpdatedAt = clock.GetUtcNow();
                // A text corrected so that it no longer uses a value nobody gives: what waited for it may go now.
                await SmsRequests.ReleaseWaitingAsync(db, s.DealershipId, clock.GetUtcNow(), cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                sender.Notify();
                return TypedResults.Ok(new TemplateView(purpose, language, smsPurpose.Recipient, body, true, smsPurpose.Placeholders.Order().ToList()));
            })
            .WithSummary("Save a dealership's text for one purpose and language; placeholders are checked (the signature and opt-out line are added to every customer SMS)")
            .WithRequestExample(new TemplateRequest("{customer}您好，您预约的{startsAt}到店{purpose}已确认，{consultant}将在{dealership}等您。"),
                "The text with the placeholders the purpose offers, in braces (GET the templates to see them).");
        templates.MapPost("/{dealershipCode}/{purpose}/{language}/preview", async Task<Results<Ok<PreviewView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> (
                string dealershipCode, string purpose, string language, TemplateRequest request,
                ClaimsPrincipal user, NotificationDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var code = dealershipCode.Trim().ToUpperInvariant();
                if (!user.MayActFor(code))
                    return Problems.NotAllowed(code);
                if (await FindAsync(db, code, cancellationToken) is not { } s)
                    return Problems.NotFound("dealership", code);
                if (Unknown(purpose, language, out var smsPurpose) is { } unknownTemplate)
                    return unknownTemplate;
                var body = request.Body?.Trim() ?? "";
                var composed = SmsRequests.Compose(body, Sample(language, s, clock.GetUtcNow()), s, language, smsPurpose.Recipient == SmsRecipients.Customer);
                var unknown = SmsTemplates.UnknownPlaceholders(smsPurpose, body);
                return TypedResults.Ok(new PreviewView(composed.Text, composed.Text.Length, SmsSender.Segments(composed.Text), unknown,
                    composed.Missing.Except(unknown).ToList()));
            })
            .WithSummary("The text a handset would show for a draft template, with a sample lead's values; nothing is saved or sent")
            .WithRequestExample(new TemplateRequest("{customer}您好，您预约的{startsAt}到店{purpose}已确认。"));
    }

    /// <summary>Why a purpose and a language name no template (null when they do, with the purpose).</summary>
    private static ValidationProblem? Unknown(string purpose, string language, out SmsPurpose smsPurpose)
    {
        if (!SmsTemplates.Purposes.TryGetValue(purpose, out smsPurpose!))
            return Problems.Invalid("purpose", $"'{purpose}' is not a purpose; use one of: {string.Join(", ", SmsTemplates.Purposes.Keys)}.");
        if (!SmsLanguages.All.Contains(language))
            return Problems.Invalid("language", $"Use one of: {string.Join(", ", SmsLanguages.All)}.");
        return null;
    }

    /// <summary>
    /// A sample lead's values for every placeholder, in the template's language, for the preview. The booking gives no directions
    /// of its own, as most do not: the preview shows the dealership's own, and their true length.
    /// </summary>
    private static Dictionary<string, string> Sample(string language, DealershipSmsSettings settings, DateTimeOffset now)
    {
        var english = language == SmsLanguages.English;
        // Tomorrow at 3 pm in the showroom: the kind of moment a real message carries.
        var zone = settings.Zone();
        var local = TimeZoneInfo.ConvertTime(now, zone).Date.AddDays(1).AddHours(15);
        var moment = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        return new()
        {
            ["customer"] = english ? "Mr Chen" : "陈先生",
            ["consultant"] = english ? "Wang Fang" : "王芳",
            // The dealership's own name, as its signature carries it.
            ["dealership"] = settings.Signature.Trim('【', '】', '[', ']', ' '),
            ["startsAt"] = moment, ["dueAt"] = moment, ["callbackAt"] = moment,
            ["purpose"] = "test-drive",
            ["model"] = "ID.4 CROZZ",
        };
    }

    /// <summary>The SMS rules of the dealership a request names by its code: each dealership notification knows has them.</summary>
    private static Task<DealershipSmsSettings?> FindAsync(NotificationDbContext db, string code, CancellationToken cancellationToken) =>
        db.Settings.SingleOrDefaultAsync(s => s.DealershipCode == code, cancellationToken);

    private static SettingsView ToView(DealershipSmsSettings s) =>
        new(s.DealershipId, s.DealershipCode, s.TimeZone, s.QuietHoursStart, s.QuietHoursEnd, s.WeeklyCap, s.DailySpendingCapFen, s.PricePerSegmentFen, s.Signature, s.Language);
}
