using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dealership.Hosting.Lag;

/// <summary>
/// One service's lag as operations staff read it: seconds, and its state (<c>normal</c>, <c>behind</c>, <c>stuck</c>);
/// <c>refusesLeads</c>: the process that answers would refuse new leads now (it matters where lead intake runs).
/// </summary>
public sealed record LagView(string Service, double? OutboxAgeSeconds, double ConsumeLagSeconds, LagState State, bool RefusesLeads);

public static class LagEndpoints
{
    /// <summary>
    /// <c>GET /api/lag/&lt;service&gt;</c> for each service this process runs: one literal path per service, so the gateway
    /// sends each to that service's processes and the console reads every service the same way in both topologies.
    /// </summary>
    public static void MapLagEndpoints(this IEndpointRouteBuilder endpoints, IEnumerable<ServiceModule> modules)
    {
        foreach (var service in modules.Select(m => m.Name))
        {
            endpoints.MapGet($"/api/lag/{service}", (LagMonitor monitor) =>
                {
                    var lag = monitor.Of(service)!;
                    return TypedResults.Ok(new LagView(lag.Service, lag.OutboxAge?.TotalSeconds, lag.ConsumeLag.TotalSeconds, lag.State, monitor.RefusesLeads(out _)));
                })
                .WithTags("Operations")
                .WithSummary($"How far behind {service} is: the age of its oldest unsent outbox message and how long its recent messages waited for their consume")
                .RequireAuthorization()
                .RequireStaff(StaffRoles.Operations);
        }
    }
}
