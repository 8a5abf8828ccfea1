using System.Text.Json;
using Dealership.Host;
using Dealership.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Topology;

/// <summary>Paths are the same in both topologies: every API path a service serves is routed by the gateway to that service.</summary>
public class Gateway_routes_Specs
{
    private static readonly JsonElement ReverseProxy =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "gateway", "Dealership.Gateway", "appsettings.json"))).RootElement.GetProperty("ReverseProxy");

    public static TheoryData<string> ServiceNames() => [.. ServiceCatalog.All().Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public async Task Should_route_every_api_path_of_a_service_to_that_service(string service)
    {
        await using var app = await TestApp.StartAsync(settings: [$"--services={service}"]);
        var patterns = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/api/"))
            .Distinct()
            .ToList();

        Assert.NotEmpty(patterns);
        foreach (var pattern in patterns)
        {
            // YARP, like ASP.NET Core routing, takes the most specific of the routes that match.
            var routes = ReverseProxy.GetProperty("Routes").EnumerateObject()
                .Select(r => (Path: r.Value.GetProperty("Match").GetProperty("Path").GetString()!, Cluster: r.Value.GetProperty("ClusterId").GetString()))
                .Where(r => Covers(r.Path, pattern))
                .GroupBy(r => r.Path.Split('/').Length)
                .OrderByDescending(g => g.Key)
                .FirstOrDefault()?.Select(r => r.Cluster).ToList() ?? [];
            Assert.True(routes.Count == 1 && routes[0] == service, $"{pattern} should be routed to {service}, found: {string.Join(", ", routes)}");
        }
        Assert.True(ReverseProxy.GetProperty("Clusters").TryGetProperty(service, out _));
    }

    // "/api/leads/{**rest}" covers "/api/leads" and everything below it.
    private static bool Covers(string routePath, string pattern)
    {
        var prefix = routePath[..routePath.IndexOf("/{**", StringComparison.Ordinal)];
        return pattern == prefix || pattern.StartsWith(prefix + "/", StringComparison.Ordinal);
    }
}
