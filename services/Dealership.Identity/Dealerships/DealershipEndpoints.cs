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
    public const int AddressLength = 500;
    public const int MapLinkLength = 500;
    public const int ParkingNoteLength = 200;

    /// <summary>
    /// A dealership's reference data. <c>timeZone</c> is an IANA id; <c>phoneRegion</c> an ISO 3166 region (CN). The showroom
    /// address, map link and parking note are what the directions SMS tells a customer.
    /// </summary>
    public sealed record DealershipView(Guid Id, string Code, string NameZh, string NameEn, string TimeZone, string PhoneRegion, string? ShowroomAddress, bool Active,
        string? ShowroomMapLink, string? ParkingNote);
    public sealed record DealershipInput(string? Code, string? NameZh, string? NameEn, string? TimeZone, string? PhoneRegion, string? ShowroomAddress, bool? Active,
        string? ShowroomMapLink = null, string? ParkingNote = null);

    private static readonly DealershipInput Example = new("DEMO03", "演示汽车杭州店", "Demo Motors Hangzhou", "Asia/Shanghai", "CN", "杭州市西湖区文三路 100 号", true,
        "https://uri.amap.com/marker?position=120.1310,30.2770", "展厅东侧地面停车场，到店客户免费停车");

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
            .WithSummary("Change a dealership's names, time zone, phone region, showroom address, map link, parking note or active flag (admins)")
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
        if (input.ShowroomAddress?.Trim().Length > AddressLength)
            errors["showroomAddress"] = [$"At most {AddressLength} characters."];
        if (Blank(input.ShowroomMapLink) is { } link && !IsWebLink(link))
            errors["showroomMapLink"] = [$"A web link that starts with https:// or http://, without spaces, at most {MapLinkLength} characters (for example https://uri.amap.com/marker?position=121.39,31.17)."];
        if (Blank(input.ParkingNote)?.Length > ParkingNoteLength)
            errors["parkingNote"] = [$"At most {ParkingNoteLength} characters: a few words a customer reads in an SMS."];
        return errors;
    }

    private static void Apply(DealershipRecord d, DealershipInput input, DateTimeOffset now)
    {
        d.NameZh = input.NameZh!.Trim();
        d.NameEn = input.NameEn!.Trim();
        d.TimeZone = input.TimeZone ?? d.TimeZone;
        d.PhoneRegion = input.PhoneRegion?.ToUpperInvariant() ?? d.PhoneRegion;
        d.ShowroomAddress = input.ShowroomAddress?.Trim();
        d.ShowroomMapLink = Blank(input.ShowroomMapLink);
        d.ParkingNote = Blank(input.ParkingNote);
        d.Active = input.Active ?? d.Active;
        d.Version++;
        d.UpdatedAt = now;
    }

    internal static DealershipChanged Changed(DealershipRecord d) =>
        new(d.Id, d.Code, d.NameZh, d.NameEn, d.TimeZone, d.PhoneRegion, d.ShowroomAddress, d.Active, d.Version, d.UpdatedAt, d.ShowroomMapLink, d.ParkingNote);

    private static DealershipView View(DealershipRecord d) =>
        new(d.Id, d.Code, d.NameZh, d.NameEn, d.TimeZone, d.PhoneRegion, d.ShowroomAddress, d.Active, d.ShowroomMapLink, d.ParkingNote);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// A link a phone turns into a tap: absolute, on the web, and without spaces (a handset ends the link at the first one,
    /// and the rest of the SMS would read as a broken address).
    /// </summary>
    internal static bool IsWebLink(string link) =>
        link.Length <= MapLinkLength && !link.Any(char.IsWhiteSpace)
        && Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0;

    private static async Task<DealershipRecord?> FindAsync(IdentityServiceDbContext db, ClaimsPrincipal user, string code, CancellationToken cancellationToken)
    {
        var normalized = code.Trim().ToUpperInvariant();
        var dealership = await db.Dealerships.SingleOrDefaultAsync(d => d.Code == normalized, cancellationToken);
        return dealership is not null && user.MayActFor(dealership.Id) ? dealership : null;
    }
}
