using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dealership.Host;
using Dealership.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Topology;

/// <summary>
/// The gateway as its own process, in front of the embedded host (every cluster points at it), which
/// writes down every request the gateway forwards to it: what the gateway stops never gets there.
/// </summary>
public sealed class GatewayInFront : IAsyncLifetime
{
    public const int SignInsPerMinute = 3;
    private ServiceProcess? _gateway;

    public TestApp Service { get; private set; } = null!;
    /// <summary>The requests that reached the service through the gateway, as "METHOD /path".</summary>
    public ConcurrentQueue<string> Reached { get; } = new();
    public Uri Address => _gateway!.Address;

    public async Task InitializeAsync()
    {
        Service = await TestApp.StartAsync(configure: b => b.Services.AddSingleton<IStartupFilter>(new Recorder(Reached)));
        var service = Service.Client.BaseAddress!.ToString().TrimEnd('/');
        _gateway = ServiceProcess.Start("gateway", "gateway/Dealership.Gateway",
        [
            .. ServiceCatalog.All().Select(m => $"--ReverseProxy:Clusters:{m.Name}:Destinations:{m.Name}-1:Address={service}"),
            // The service's data folder holds the signing key it generated; keys are exchanged at its identity module.
            $"--Database:DataDirectory={Service.DataDirectory}",
            $"--Identity:Url={service}",
            $"--RateLimits:sign-in:PermitsPerMinute={SignInsPerMinute}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _gateway.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        await Service.DisposeAsync();
    }

    public HttpClient Client(string? token = null, string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (key is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public bool WasReached(string method, string path) => Reached.Contains($"{method} {path}");

    public string Output => _gateway?.Output ?? "";

    private sealed class Recorder(ConcurrentQueue<string> reached) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, following) =>
            {
                // YARP says it forwarded the request; the tests' own calls to the service do not count.
                if (http.Request.Headers.ContainsKey("X-Forwarded-For"))
                    reached.Enqueue($"{http.Request.Method} {http.Request.Path}");
                return following(http);
            });
            next(app);
        };
    }
}

public sealed class Gateway_checks_and_limits_Specs(GatewayInFront front) : IClassFixture<GatewayInFront>
{
    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<string> TokenOfAsync(string userName)
    {
        // Signed in at the service itself: the gateway's sign-in budget is the flood spec's.
        using var signedIn = await front.Service.SignInAsync(userName);
        return signedIn.DefaultRequestHeaders.Authorization!.Parameter!;
    }

    [Fact]
    public async Task Should_answer_401_to_a_call_without_credentials_or_with_a_bad_key_without_reaching_the_service()
    {
        var lead = $"/api/leads/{Guid.NewGuid()}";
        var task = $"/api/tasks/{Guid.NewGuid()}";

        using var anonymous = front.Client();
        using var forged = front.Client(key: "not-a-key");
        using var badToken = front.Client(token: "not.a.token");
        await ProblemAsync(await anonymous.GetAsync(lead), HttpStatusCode.Unauthorized);
        await ProblemAsync(await forged.GetAsync(lead), HttpStatusCode.Unauthorized);
        await ProblemAsync(await badToken.PostAsJsonAsync(task + "/complete", new { }), HttpStatusCode.Unauthorized);

        Assert.False(front.WasReached("GET", lead), front.Output);
        Assert.False(front.WasReached("POST", task + "/complete"));
    }

    [Fact]
    public async Task Should_forward_a_signed_in_person_and_an_integration_key_with_their_credentials_for_the_service_to_check_again()
    {
        using var manager = front.Client(token: await TokenOfAsync("manager"));
        using var oem = front.Client(key: TestApp.DemoKey);

        var me = await manager.GetFromJsonAsync<JsonObject>("/api/auth/me");
        var submitted = await oem.PostAsJsonAsync("/api/leads",
            new { dealershipCode = "DEMO01", name = "陈先生", phone = TestApp.UniquePhone(), source = "oem", externalId = $"GW-{Guid.NewGuid():N}" });
        // Known at the gateway, yet the audit log is not opened to the OEM's key: the service says no.
        var audit = await oem.GetAsync("/api/audit");

        Assert.Equal("retail-manager", me!["roles"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        await ProblemAsync(audit, HttpStatusCode.Forbidden);
        Assert.True(front.WasReached("GET", "/api/audit"));
    }

    [Fact]
    public async Task Should_answer_429_with_retry_after_at_the_gateway_to_a_sign_in_flood()
    {
        using var anonymous = front.Client();
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i <= GatewayInFront.SignInsPerMinute; i++)
            answers.Add(await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "nobody", password = "guess" }));

        Assert.All(answers.Take(GatewayInFront.SignInsPerMinute), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        var flood = answers[^1];
        var problem = await ProblemAsync(flood, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem["title"]!.GetValue<string>());
        Assert.True(flood.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {flood.Headers.RetryAfter}");
        // The service's own limit (20 a minute) was never the one that spoke.
        Assert.Equal(GatewayInFront.SignInsPerMinute, front.Reached.Count(r => r == "POST /api/auth/token"));
    }

    [Fact]
    public async Task Should_answer_413_at_the_gateway_to_a_body_over_its_routes_limit_without_reaching_the_service()
    {
        using var manager = front.Client(token: await TokenOfAsync("manager"));
        using var oem = front.Client(key: TestApp.DemoKey);
        var overOneMebibyte = new string('x', 1536 * 1024);

        var booking = await manager.PostAsync("/api/appointments", new StringContent($"{{\"purpose\":\"{overOneMebibyte}\"}}", Encoding.UTF8, "application/json"));
        // The ADF route takes many leads at once: the same body passes the gateway, and the service reads it.
        var adf = await oem.PostAsync("/api/leads/adf?dealershipCode=DEMO01", new StringContent("<adf>" + overOneMebibyte, Encoding.UTF8, "application/xml"));

        var problem = await ProblemAsync(booking, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1 MiB", problem["detail"]!.GetValue<string>());
        Assert.False(front.WasReached("POST", "/api/appointments"));
        Assert.Equal(HttpStatusCode.BadRequest, adf.StatusCode);
        Assert.True(front.WasReached("POST", "/api/leads/adf"));
    }

    [Fact]
    public async Task Should_pass_the_carriers_callbacks_without_credentials_for_the_service_to_check_their_signature()
    {
        using var carrier = front.Client();

        var unsigned = await carrier.PostAsJsonAsync("/api/sms/carrier/replies", new { phone = "+8613900000000", text = "TD" });

        var problem = await ProblemAsync(unsigned, HttpStatusCode.Unauthorized);
        Assert.Equal("Not signed by the carrier", problem["title"]!.GetValue<string>());
        Assert.True(front.WasReached("POST", "/api/sms/carrier/replies"));
    }
}
