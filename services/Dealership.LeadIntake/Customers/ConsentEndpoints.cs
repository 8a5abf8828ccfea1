using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Security;
using Dealership.LeadIntake.Intake;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Customers;

public static class ConsentEndpoints
{
    public record ConsentView(string Channel, bool Granted, string Source, DateTimeOffset At);
    public record CustomerConsent(string MaskedPhone, IReadOnlyList<ConsentView> Current, IReadOnlyList<ConsentView> History);

    public static void MapConsentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/consents").WithTags("Consent").RequireAuthorization()
            .MapGet("/", GetAsync)
            .WithSummary("A customer's consent per channel (sms, phone): the current answer and its history")
            .Produces<CustomerConsent>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> GetAsync(string? dealershipCode, string? phone, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var code = dealershipCode?.Trim().ToUpperInvariant();
        var dealership = string.IsNullOrEmpty(code) ? null : await db.Dealerships.AsNoTracking().SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        var e164 = phone is null ? null : LeadSubmission.NormalisePhone(phone, dealership?.PhoneRegion ?? "CN");
        var errors = new Dictionary<string, string[]>();
        if (dealership is null || !user.MayActFor(dealership.Code))
            errors["dealershipCode"] = ["Name a dealership this key may read."];
        if (e164 is null)
            errors["phone"] = ["Give the customer's phone number."];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);

        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.DealershipId == dealership!.Id && c.Phone == e164, cancellationToken);
        if (customer is null)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Customer not found", detail: "No lead of this dealership has this phone number.");
        var history = await db.Consents.AsNoTracking()
            .Where(c => c.CustomerId == customer.Id)
            .OrderBy(c => c.At)
            .Select(c => new ConsentView(c.Channel, c.Granted, c.Source, c.At))
            .ToListAsync(cancellationToken);
        var current = history.GroupBy(c => c.Channel).Select(g => g.Last()).OrderBy(c => c.Channel).ToList();
        return Results.Ok(new CustomerConsent(PhoneMask.Mask(customer.Phone), current, history));
    }
}
