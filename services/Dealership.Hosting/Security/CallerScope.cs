using Microsoft.AspNetCore.Http;

namespace Dealership.Hosting.Security;

/// <summary>The dealerships (and, for a consultant, the consultant) whose rows a caller may read.</summary>
public sealed record CallerScope(bool AllDealerships, List<Guid> Dealerships, Guid? OwnConsultant)
{
    /// <summary>A service acting for itself: a consumer, a timer, a background job.</summary>
    public static readonly CallerScope Service = new(true, [], null);

    /// <summary>
    /// The caller of a request. Outside a request the service acts for itself. An anonymous request
    /// (a sign-in, a carrier's callback) sees no dealership's rows unless its endpoint asks for more.
    /// </summary>
    public static CallerScope Of(HttpContext? http)
    {
        if (http is null)
            return Service;
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
            return new CallerScope(false, [], null);
        var consultant = user.IsOnlyConsultant() ? user.ConsultantId() ?? Guid.Empty : (Guid?)null;
        return new CallerScope(user.MayActForAll(), user.DealershipIds().ToList(), consultant);
    }
}
