using System.Text.Json;
using System.Text.RegularExpressions;
using Dealership.Host;
using Dealership.Hosting.Security;
using Dealership.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Topology;

/// <summary>
/// Paths are the same in both topologies: every API path a service serves is routed by the gateway to
/// that service, and the gateway's route treats it as the service does: open or closed to anonymous
/// callers, under the same rate limit and the same body limit.
/// </summary>
public class Gateway_routes_Specs
{
    private static readonly JsonElement ReverseProxy =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "gateway", "Dealership.Gateway", "appsettings.json"))).RootElement.GetProperty("ReverseProxy");

    private sealed record Route(string Name, string Path, IReadOnlyList<string>? Methods, string Cluster, string? Authorization, string? RateLimit, string? BodyLimit)
    {
        /// <summary>ASP.NET Core's inbound precedence, as YARP uses it: per segment, a literal beats a parameter beats a catch-all.</summary>
        public decimal Precedence => decimal.Parse("0." + string.Concat(Segments(Path).Select(s => s.StartsWith("{**") ? '5' : s.StartsWith('{') ? '4' : '1')),
            System.Globalization.CultureInfo.InvariantCulture);

        public bool Matches(string method, string path)
        {
            if (Methods is not null && !Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
                return false;
            var pattern = string.Concat(Segments(Path).Select(s => s.StartsWith("{**") ? "(/.*)?" : s.StartsWith('{') ? "/[^/]+" : "/" + Regex.Escape(s)));
            return Regex.IsMatch(path, "^" + pattern + "/?$", RegexOptions.IgnoreCase);
        }
    }

    private static IEnumerable<string> Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static readonly IReadOnlyList<Route> Routes = ReverseProxy.GetProperty("Routes").EnumerateObject().Select(r => new Route(
        r.Name,
        r.Value.GetProperty("Match").GetProperty("Path").GetString()!,
        r.Value.GetProperty("Match").TryGetProperty("Methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!)] : null,
        r.Value.GetProperty("ClusterId").GetString()!,
        r.Value.TryGetProperty("AuthorizationPolicy", out var authorization) ? authorization.GetString() : null,
        r.Value.TryGetProperty("RateLimiterPolicy", out var rateLimit) ? rateLimit.GetString() : null,
        r.Value.TryGetProperty("Metadata", out var metadata) && metadata.TryGetProperty(RequestBodyLimits.RouteMetadataKey, out var bodyLimit) ? bodyLimit.GetString() : null)).ToList();

    /// <summary>The services with an API; the console serves pages, which <see cref="Should_send_the_console_s_pages_to_the_console_and_every_api_path_to_its_service"/> covers.</summary>
    public static TheoryData<string> ServiceNames() => [.. ServiceCatalog.All().Where(m => m is not Dealership.Web.WebModule).Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public async Task Should_route_every_api_path_of_a_service_to_that_service_with_its_door_and_limits(string service)
    {
        await using var app = await TestApp.StartAsync(settings: [$"--services={service}"]);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/"))
            .ToList();

        Assert.NotEmpty(endpoints);
        var wrong = new List<string>();
        foreach (var endpoint in endpoints)
        {
            // A sample path: each parameter of the service's pattern becomes a value.
            var path = "/" + Regex.Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), @"\{[^}]+\}", "x1");
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var route = Routes.Where(r => r.Matches(method, path)).MinBy(r => r.Precedence);
                var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                var expected = (Cluster: service, Authorization: anonymous ? "Anonymous" : "Default",
                    RateLimit: endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName,
                    BodyLimit: endpoint.Metadata.GetMetadata<RequestBodyLimitMetadata>()?.Name ?? RequestBodyLimits.Default);
                var found = (route?.Cluster, route?.Authorization, route?.RateLimit, BodyLimit: route?.BodyLimit ?? RequestBodyLimits.Default);
                if (route is null || found != expected)
                    wrong.Add($"{method} {endpoint.RoutePattern.RawText}: expected {expected}, route '{route?.Name}' has {found}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.True(ReverseProxy.GetProperty("Clusters").TryGetProperty(service, out _));
    }

    [Fact]
    public void Should_send_the_console_s_pages_to_the_console_and_every_api_path_to_its_service()
    {
        Route? RouteOf(string method, string path) => Routes.Where(r => r.Matches(method, path)).MinBy(r => r.Precedence);

        foreach (var page in new[] { "/", "/signin", "/culture", "/_blazor", "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.css" })
            Assert.Equal("web", RouteOf("GET", page)?.Cluster);
        Assert.Equal("web", RouteOf("POST", "/signout")?.Cluster);
        Assert.Equal("invitation-workflow", RouteOf("GET", "/api/tasks")?.Cluster);
        Assert.True(ReverseProxy.GetProperty("Clusters").TryGetProperty("web", out _));
        // Last of all routes, whatever its pattern: a new service's path is never taken by the console.
        Assert.Equal(1000, ReverseProxy.GetProperty("Routes").GetProperty("console").GetProperty("Order").GetInt32());
    }

    [Fact]
    public void Should_leave_open_at_the_gateway_only_the_sign_in_the_carriers_signed_callbacks_and_the_console_which_checks_its_own_session()
    {
        Assert.All(Routes, r => Assert.Contains(r.Authorization, new[] { "Default", "Anonymous" }));
        Assert.Equal(
            ["* /{**rest}", "POST /api/auth/client-token", "POST /api/auth/token", "POST /api/sms/carrier/receipts", "POST /api/sms/carrier/replies"],
            Routes.Where(r => r.Authorization == "Anonymous").Select(r => $"{string.Join(",", r.Methods ?? ["*"])} {r.Path}").Order());
    }

    [Fact]
    public void Should_name_only_limits_the_hosting_code_defines()
    {
        Assert.All(Routes.Where(r => r.RateLimit is not null), r => Assert.Contains(r.RateLimit, new[] { RateLimits.SignIn, RateLimits.Intake, RateLimits.SmsReplies }));
        Assert.All(Routes.Where(r => r.BodyLimit is not null), r => Assert.Contains(r.BodyLimit!, RequestBodyLimits.Names));
    }
}
