using System.Security.Claims;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Dealership.Identity.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Identity.Dealerships;

public static class DealershipEndpoints
{
    /// <summary>A dealership's reference data. <c>timeZone</c> is an IANA id; <c>phoneRegion</c> an ISO 3166 region (CN).</summary>
    public sealed record DealershipView(Guid Id, string Code, string NameZh, string NameEn, string TimeZone, string PhoneRegion, string? ShowroomAddress, bool Active);
    public sealed record DealershipInput(string? Code, string? NameZh, string? NameEn, string? TimeZone, string? PhoneRegion, string? ShowroomAddress, bool? Active);

    private static readonly DealershipInput Example = new("DEMO03", "演示汽车杭州店", "Demo Motors Hangzhou", "Asia/Shanghai", "CN", "杭州市西湖区文三路 100 号", true);

    public static void MapDealershipEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/dealerships").WithTags("Dealerships").AuditedByHandler();
        group.MapGet("/", async (ClaimsPrincipal user, IdentityServiceDbContext db, CancellationToken cancellationToken) =>
            {
                var all = await db.Dealerships.AsNoTracking().OrderBy(d => d.Code).ToListAsync(cancellationToken);
                return TypedResults.Ok(all.Where(d => user.MayActFor(d.Id)).Select(View).ToList());
            })
            .WithSummary("The dealerships the caller works for (every dealership for network staff)");
        group.MapGet("/{code}", async Task<Results<Ok<DealershipView>, NotFoundProblem>> (string code, ClaimsPrincipal user, IdentityServiceDbContext db, CancellationToken cancellationToken) =>
                await FindAsync(db, user, code, cancellationToken) is { } d ? TypedResults.Ok(View(d)) : Problems.NotFound("dealership", code))
            .WithSummary("One dealership by its code");
        group.MapPost("/", CreateAsync)
            .RequireStaff(StaffRoles.Admin)
            .WithSummary("Create a dealership (admins); the other services learn of it from DealershipChanged")
            .WithRequestExample(Example);
        group.MapPut("/{code}", UpdateAsync)
            .RequireStaff(StaffRoles.Admin)
            .WithSummary("Change a dealership's names, time zone, phone region, showroom address or active flag (admins)")
            .WithRequestExample(Example with { Code = null });
    }

    private static async Task<Results<Created<DealershipView>, ValidationProblem, ConflictProblem>> CreateAsync(
        DealershipInput input, HttpContext http, IdentityServiceDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var code = input.Code?.Trim().ToUpperInvariant();
        var errors = Check(input);
        if (string.IsNullOrEmpty(code) || code.Length > 32 || !code.All(char.IsAsciiLetterOrDigit))
            errors["code"] = ["A code of letters and digits, at most 32."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        if (await db.Dealerships.AnyAsync(d => d.Code == code, cancellationToken))
            return Problems.Conflict("Dealership exists", $"Dealership {code} exists already.");
        var dealership = new DealershipRecord { Id = Guid.NewGuid(), Code = code! };
        Apply(dealership, input, clock.GetUtcNow());
        db.Dealerships.Add(dealership);
        db.Publish(Changed(dealership));
        db.Record(http, "dealership-created", dealership.Id, code);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/dealerships/{code}", View(dealership));
    }

    private static async Task<Results<Ok<DealershipView>, ValidationProblem, NotFoundProblem>> UpdateAsync(
        string code, DealershipInput input, HttpContext http, IdentityServiceDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var dealership = await FindAsync(db, http.User, code, cancellationToken);
        if (dealership is null)
            return Problems.NotFound("dealership", code);
        var errors = Check(input);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        Apply(dealership, input, clock.GetUtcNow());
        db.Publish(Changed(dealership));
        db.Record(http, "dealership-changed", dealership.Id, dealership.Code);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(View(dealership));
    }

    private static Dictionary<string, string[]> Check(DealershipInput input)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.NameZh))
            errors["nameZh"] = ["The Chinese name is required."];
        if (string.IsNullOrWhiteSpace(input.NameEn))
            errors["nameEn"] = ["The English name is required."];
        if (input.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(input.TimeZone, out _))
            errors["timeZone"] = [$"'{input.TimeZone}' is not a time zone id (for example Asia/Shanghai)."];
        if (input.PhoneRegion is not null && (input.PhoneRegion.Length != 2 || !input.PhoneRegion.All(char.IsAsciiLetter)))
            errors["phoneRegion"] = ["A two-letter region code, for example CN."];
        return errors;
    }

    private static void Apply(DealershipRecord d, DealershipInput input, DateTimeOffset now)
    {
        d.NameZh = input.NameZh!.Trim();
        d.NameEn = input.NameEn!.Trim();
        d.TimeZone = input.TimeZone ?? d.TimeZone;
        d.PhoneRegion = input.PhoneRegion?.ToUpperInvariant() ?? d.PhoneRegion;
        d.ShowroomAddress = input.ShowroomAddress?.Trim();
        d.Active = input.Active ?? d.Active;
        d.Version++;
        d.UpdatedAt = now;
    }

    internal static DealershipChanged Changed(DealershipRecord d) =>
        new(d.Id, d.Code, d.NameZh, d.NameEn, d.TimeZone, d.PhoneRegion, d.ShowroomAddress, d.Active, d.Version, d.UpdatedAt);

    private static DealershipView View(DealershipRecord d) => new(d.Id, d.Code, d.NameZh, d.NameEn, d.TimeZone, d.PhoneRegion, d.ShowroomAddress, d.Active);

    private static async Task<DealershipRecord?> FindAsync(IdentityServiceDbContext db, ClaimsPrincipal user, string code, CancellationToken cancellationToken)
    {
        var normalized = code.Trim().ToUpperInvariant();
        var dealership = await db.Dealerships.SingleOrDefaultAsync(d => d.Code == normalized, cancellationToken);
        return dealership is not null && user.MayActFor(dealership.Id) ? dealership : null;
    }
}
