using System.Security.Claims;
using Dealership.Hosting.Security;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification.Sms;

/// <summary>Operations staff's side: a dealership's SMS rules and its templates.</summary>
public static class SmsSettingsEndpoints
{
    public record SettingsView(
        string DealershipCode, string TimeZone, TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, int WeeklyCap,
        int DailySpendingCapFen, int PricePerSegmentFen, string Signature, string Language);
    /// <summary>The rules as staff change them; the time zone is the dealership's own (<c>/api/dealerships/{code}</c>).</summary>
    public record SettingsInput(
        TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, int WeeklyCap, int DailySpendingCapFen, int PricePerSegmentFen, string? Signature, string Language);
    public record TemplateView(string Purpose, string Language, string Recipient, string Body, bool Custom, IReadOnlyCollection<string> Placeholders);
    public record TemplateRequest(string? Body);

    public static void MapSmsSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.MapGroup("/api/sms/settings").WithTags("SMS settings").RequireAuthorization()
            .RequireStaff(StaffRoles.Operations, StaffRoles.RetailManager, StaffRoles.SalesSupervisor);
        settings.MapGet("/{dealershipCode}", async (string dealershipCode, ClaimsPrincipal user, NotificationDbContext db, CancellationToken cancellationToken) =>
                await FindAsync(db, user, dealershipCode, cancellationToken) is { } s ? Results.Ok(ToView(s)) : NotFound(dealershipCode))
            .WithSummary("A dealership's SMS rules: quiet hours, weekly cap, spending cap, signature")
            .Produces<SettingsView>();
        settings.MapPut("/{dealershipCode}", async (string dealershipCode, SettingsInput request, ClaimsPrincipal user, NotificationDbContext db, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, dealershipCode, cancellationToken) is not { } s)
                    return NotFound(dealershipCode);
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
                    return Results.ValidationProblem(errors);
                s.QuietHoursStart = request.QuietHoursStart;
                s.QuietHoursEnd = request.QuietHoursEnd;
                s.WeeklyCap = request.WeeklyCap;
                s.DailySpendingCapFen = request.DailySpendingCapFen;
                s.PricePerSegmentFen = request.PricePerSegmentFen;
                s.Signature = request.Signature!;
                s.Language = request.Language;
                await db.SaveChangesAsync(cancellationToken);
                return Results.Ok(ToView(s));
            })
            .WithSummary("Change a dealership's SMS rules")
            .Produces<SettingsView>()
            .ProducesValidationProblem();

        var templates = endpoints.MapGroup("/api/sms/templates").WithTags("SMS templates").RequireAuthorization()
            .RequireStaff(StaffRoles.Operations, StaffRoles.RetailManager, StaffRoles.SalesSupervisor);
        templates.MapGet("/{dealershipCode}", async (string dealershipCode, ClaimsPrincipal user, NotificationDbContext db, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, dealershipCode, cancellationToken) is not { } s)
                    return NotFound(dealershipCode);
                var custom = await db.Templates.AsNoTracking().Where(t => t.DealershipId == s.DealershipId).ToListAsync(cancellationToken);
                return Results.Ok(SmsTemplates.Purposes.Values.SelectMany(p => SmsLanguages.All.Select(language =>
                {
                    var row = custom.SingleOrDefault(t => t.Purpose == p.Name && t.Language == language);
                    return new TemplateView(p.Name, language, p.Recipient, row?.Body ?? SmsTemplates.DefaultBody(p, language), row is not null, p.Placeholders.Order().ToList());
                })));
            })
            .WithSummary("Every template of a dealership, per purpose and language, with the placeholders each may use")
            .Produces<List<TemplateView>>();
        templates.MapPut("/{dealershipCode}/{purpose}/{language}", async (string dealershipCode, string purpose, string language, TemplateRequest request,
                ClaimsPrincipal user, NotificationDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                if (await FindAsync(db, user, dealershipCode, cancellationToken) is not { } s)
                    return NotFound(dealershipCode);
                if (!SmsTemplates.Purposes.TryGetValue(purpose, out var smsPurpose))
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["purpose"] = [$"'{purpose}' is not a purpose; use one of: {string.Join(", ", SmsTemplates.Purposes.Keys)}."] });
                if (!SmsLanguages.All.Contains(language))
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["language"] = [$"Use one of: {string.Join(", ", SmsLanguages.All)}."] });
                var body = request.Body?.Trim();
                if (string.IsNullOrEmpty(body))
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The text is required."] });
                var unknown = SmsTemplates.UnknownPlaceholders(smsPurpose, body);
                if (unknown.Count > 0)
                    return Results.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["body"] = [.. unknown.Select(p => $"Unknown placeholder {{{p}}}; '{purpose}' offers: {string.Join(", ", smsPurpose.Placeholders.Order().Select(n => "{" + n + "}"))}.")],
                    });
                if (body.Length > 500)
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The text is longer than 500 characters."] });

                var row = await db.Templates.SingleOrDefaultAsync(t => t.DealershipId == s.DealershipId && t.Purpose == purpose && t.Language == language, cancellationToken);
                if (row is null)
                {
                    row = new SmsTemplate { Id = NewId.NextGuid(), DealershipId = s.DealershipId, Purpose = purpose, Language = language, Body = body };
                    db.Templates.Add(row);
                }
                row.Body = body;
                row.UpdatedAt = clock.GetUtcNow();
                await db.SaveChangesAsync(cancellationToken);
                return Results.Ok(new TemplateView(purpose, language, smsPurpose.Recipient, body, true, smsPurpose.Placeholders.Order().ToList()));
            })
            .WithSummary("Save a dealership's text for one purpose and language; placeholders are checked (the signature and opt-out line are added to every customer SMS)")
            .Produces<TemplateView>()
            .ProducesValidationProblem();
    }

    private static async Task<DealershipSmsSettings?> FindAsync(NotificationDbContext db, ClaimsPrincipal user, string code, CancellationToken cancellationToken)
    {
        var settings = await db.Settings.SingleOrDefaultAsync(s => s.DealershipCode == code.ToUpper(), cancellationToken);
        return settings is not null && user.MayActFor(settings.DealershipCode) ? settings : null;
    }

    private static IResult NotFound(string code) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dealership not found", detail: $"Notification knows no dealership {code}.");

    private static SettingsView ToView(DealershipSmsSettings s) =>
        new(s.DealershipCode, s.TimeZone, s.QuietHoursStart, s.QuietHoursEnd, s.WeeklyCap, s.DailySpendingCapFen, s.PricePerSegmentFen, s.Signature, s.Language);
}
