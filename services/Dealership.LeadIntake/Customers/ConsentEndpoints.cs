using System.ComponentModel;
using System.Security.Claims;
using Dealership.Hosting;
using Dealership.Hosting.Security;
using Dealership.LeadIntake.Intake;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Customers;

public static class ConsentEndpoints
{
    public record ConsentView(string Channel, bool Granted, string Source, DateTimeOffset At);
    public record CustomerConsent(Guid DealershipId, string DealershipCode, string MaskedPhone, IReadOnlyList<ConsentView> Current, IReadOnlyList<ConsentView> History);

    public static void MapConsentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/consents").WithTags("Consent").RequireAuthorization()
            .MapGet("/", GetAsync)
            .WithSummary("A customer's consent per channel (sms, phone): the current answer and its history");
    }

    private static async Task<Results<Ok<CustomerConsent>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> GetAsync(
        [Description("The dealership's code, e.g. DEMO01.")] string dealershipCode,
        [Description("The customer's phone number, as the lead gave it or in E.164.")] string phone,
        ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var code = dealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.Dealerships.AsNoTracking().SingleOrDefaultAsync(d => d.Code == code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        if (LeadSubmission.NormalisePhone(phone, dealership.PhoneRegion) is not { } e164)
            return Problems.Invalid("phone", "Give the customer's phone number.");

        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.DealershipId == dealership.Id && c.Phone == e164, cancellationToken);
        if (customer is null)
            return Problems.NotFound("customer", PhoneMask.Mask(e164));
        var history = await db.Consents.AsNoTracking()
            .Where(c => c.CustomerId == customer.Id)
            .OrderBy(c => c.At)
            .Select(c => new ConsentView(c.Channel, c.Granted, c.Source, c.At))
            .ToListAsync(cancellationToken);
        var current = history.GroupBy(c => c.Channel).Select(g => g.Last()).OrderBy(c => c.Channel).ToList();
        return TypedResults.Ok(new CustomerConsent(dealership.Id, dealership.Code, PhoneMask.Mask(customer.Phone), current, history));
    }
}
