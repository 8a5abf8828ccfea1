using System.Security.Claims;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Dealership.LeadIntake.Leads;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Intake;

/// <summary>A dealership's de-duplication rules: whether and for how long a new enquiry joins the customer's open lead.</summary>
public static class IntakeSettingsEndpoints
{
    /// <summary>The phone region is the dealership's (changed at <c>/api/dealerships/{code}</c>), shown here because it decides how numbers are read.</summary>
    public record IntakeSettings(bool MergeOnPhone, int MergeWindowDays, string PhoneRegion);
    public record IntakeRules(bool MergeOnPhone, int MergeWindowDays);

    public static void MapIntakeSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/dealerships/{code}/intake-settings").WithTags("Intake").RequireAuthorization()
            .RequireStaff(StaffRoles.RetailManager, StaffRoles.SalesSupervisor, StaffRoles.Operations);
        group.MapGet("/", GetAsync).WithSummary("The dealership's intake rules").Produces<IntakeSettings>();
        group.MapPut("/", PutAsync).WithSummary("Change the dealership's intake rules").Produces<IntakeSettings>().ProducesValidationProblem();
    }

    private static async Task<IResult> GetAsync(string code, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var dealership = await FindAsync(code, user, db, cancellationToken);
        return dealership is null ? NotFound(code) : Results.Ok(new IntakeSettings(dealership.MergeOnPhone, dealership.MergeWindowDays, dealership.PhoneRegion));
    }

    private static async Task<IResult> PutAsync(string code, IntakeRules settings, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var dealership = await FindAsync(code, user, db, cancellationToken);
        if (dealership is null)
            return NotFound(code);
        var errors = new Dictionary<string, string[]>();
        if (settings.MergeWindowDays is < 1 or > 3650)
            errors["mergeWindowDays"] = ["The merge window is 1 to 3650 days."];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);
        dealership.MergeOnPhone = settings.MergeOnPhone;
        dealership.MergeWindowDays = settings.MergeWindowDays;
        await db.SaveChangesAsync(cancellationToken);
        return Results.Ok(new IntakeSettings(dealership.MergeOnPhone, dealership.MergeWindowDays, dealership.PhoneRegion));
    }

    private static async Task<IntakeDealership?> FindAsync(string code, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        code = code.Trim().ToUpperInvariant();
        return user.MayActFor(code) ? await db.Dealerships.SingleOrDefaultAsync(d => d.Code == code, cancellationToken) : null;
    }

    private static IResult NotFound(string code) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dealership not found", detail: $"There is no dealership {code} for this key.");
}
