using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Dealership.LeadIntake.Leads;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Intake;

/// <summary>A dealership's de-duplication rules: whether and for how long a new enquiry joins the customer's open lead.</summary>
public static class IntakeSettingsEndpoints
{
    public record IntakeRules(bool MergeOnPhone, int MergeWindowDays);
    /// <summary>The phone region is the dealership's (changed at <c>/api/dealerships/{code}</c>), shown here because it decides how numbers are read.</summary>
    public record IntakeSettingsView(Guid DealershipId, string DealershipCode, bool MergeOnPhone, int MergeWindowDays, string PhoneRegion);

    public static void MapIntakeSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/dealerships/{code}/intake-settings").WithTags("Intake").RequireAuthorization()
            .RequireStaff(StaffRoles.RetailManager, StaffRoles.SalesSupervisor, StaffRoles.Operations);
        group.MapGet("/", GetAsync).WithSummary("The dealership's intake rules");
        group.MapPut("/", PutAsync).WithSummary("Change the dealership's intake rules")
            .WithRequestExample(new IntakeRules(MergeOnPhone: true, MergeWindowDays: 90),
                "Whether a new enquiry from a phone number with an open lead joins that lead, and within how many days.");
    }

    private static async Task<Results<Ok<IntakeSettingsView>, ForbiddenProblem, NotFoundProblem>> GetAsync(
        string code, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        code = code.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        return await db.Dealerships.SingleOrDefaultAsync(d => d.Code == code, cancellationToken) is { } dealership
            ? TypedResults.Ok(View(dealership))
            : Problems.NotFound("dealership", code);
    }

    private static async Task<Results<Ok<IntakeSettingsView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> PutAsync(
        string code, IntakeRules settings, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        code = code.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.Dealerships.SingleOrDefaultAsync(d => d.Code == code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        var errors = new Dictionary<string, string[]>();
        if (settings.MergeWindowDays is < 1 or > 3650)
            errors["mergeWindowDays"] = ["The merge window is 1 to 3650 days."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        dealership.MergeOnPhone = settings.MergeOnPhone;
        dealership.MergeWindowDays = settings.MergeWindowDays;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(View(dealership));
    }

    private static IntakeSettingsView View(IntakeDealership d) => new(d.Id, d.Code, d.MergeOnPhone, d.MergeWindowDays, d.PhoneRegion);
}
