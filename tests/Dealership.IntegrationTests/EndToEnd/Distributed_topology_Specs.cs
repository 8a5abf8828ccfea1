using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.IntegrationTests.Support;
using Dealership.Tests.Support;
using Dealership.Tests.Web;
using MassTransit;
using Xunit.Abstractions;

namespace Dealership.IntegrationTests.EndToEnd;

/// <summary>
/// The distributed topology without Docker: each service in its own OS process of the same host
/// executable, on a real RabbitMQ and its own SQLite file, behind the YARP gateway.
/// </summary>
public sealed class Distributed_topology_Specs(RabbitMqBroker broker, Browser browser, ITestOutputHelper output)
    : IClassFixture<RabbitMqBroker>, IClassFixture<Browser>, IAsyncLifetime
{
    private static readonly string[] Services = ["identity", "lead-intake", "assignment", "invitation-workflow", "appointment", "notification"];
    private readonly List<ServiceProcess> _processes = [];
    private readonly string _dataDirectory = TestApp.NewDataDirectory();
    private HttpClient _gateway = null!;
    private HttpClient _oem = null!;

    public async Task InitializeAsync()
    {
        // The processes share one data folder, so they share the signing key the first of them generates there;
        // the others exchange API keys at the identity service.
        Uri? identity = null;
        foreach (var service in Services)
        {
            var process = ServiceProcess.Start(service, "services/Dealership.Host",
            [
                $"--services={service}",
                $"--ConnectionStrings:RabbitMq={broker.Url}",
                $"--Database:DataDirectory={_dataDirectory}",
                .. identity is null ? Array.Empty<string>() : [$"--Identity:Url={identity}"],
            ]);
            identity ??= process.Address;
            _processes.Add(process);
        }
        // The console calls the services through the gateway, as the compose file has it; the gateway serves its pages.
        var gatewayPort = ServiceProcess.FreePort();
        _processes.Add(ServiceProcess.Start("web", "services/Dealership.Host",
        [
            "--services=web",
            $"--ConnectionStrings:RabbitMq={broker.Url}",
            $"--Database:DataDirectory={_dataDirectory}",
            $"--Identity:Url={identity}",
            $"--Web:ApiBaseUrl=http://127.0.0.1:{gatewayPort}",
        ]));
        var routes = _processes.Select(p => $"--ReverseProxy:Clusters:{p.Name}:Destinations:{p.Name}-1:Address={p.Address}");
        // The gateway checks callers as the services do: the same signing key, API keys exchanged at the identity service.
        var gateway = ServiceProcess.Start("gateway", "gateway/Dealership.Gateway",
            [.. routes, $"--Database:DataDirectory={_dataDirectory}", $"--Identity:Url={identity}"], gatewayPort);
        _processes.Add(gateway);

        try
        {
            // Eight processes start at once on two cores: generous, since only a hang should fail here.
            await Task.WhenAll(_processes.Select(p => p.WaitUntilReadyAsync(TimeSpan.FromSeconds(180))));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
        // A manager signs in through the gateway; the OEM's system presents its key.
        _gateway = await TestApp.SignInAsync(gateway.Address, "manager");
        _oem = new HttpClient { BaseAddress = gateway.Address };
        _oem.DefaultRequestHeaders.Add("X-Api-Key", TestApp.DemoKey);
        // Each service learns the dealerships from the identity service's events once both are up.
        foreach (var path in new[] { "/api/dealerships/DEMO01/intake-settings", "/api/appointments/calendar/DEMO01", "/api/sms/settings/DEMO01" })
            await Eventually.Get(() => _gateway.GetAsync(path), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(60), because: $"{path} should answer once the service knows DEMO01");
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
            output.WriteLine(process.Output);
        await Task.WhenAll(_processes.Select(p => p.DisposeAsync().AsTask()));
        _processes.Clear();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Should_assign_task_and_notify_leads_posted_through_the_gateway_while_the_manager_s_console_counts_them()
    {
        // The retail manager has the month's funnel open in the console, served and called through the gateway.
        var page = await browser.NewPageAsync(_gateway.BaseAddress!);
        // Eight cold processes on two cores: the first pages take seconds, not the fraction the embedded host needs.
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("/funnel");
        await Browser.SignInAsync(page, "manager");
        await Microsoft.Playwright.Assertions.Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator(".figure-leads")).ToHaveTextAsync("0");

        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var response = await _oem.PostAsJsonAsync("/api/leads",
                new { dealershipCode = "DEMO01", name = $"客户{i}", phone = $"1381234567{i}", source = "oem", externalId = $"E2E-{i}" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<SubmittedLead>())!.Id);
        }

        var leads = new List<LeadView>();
        foreach (var id in ids)
        {
            leads.Add((await Eventually.Get(() => _gateway.GetFromJsonAsync<LeadView>($"/api/leads/{id}")!,
                l => l!.OpenTasks.Count == 1 && l.Timeline.Any(t => t.Kind == "sms-sent"), TimeSpan.FromSeconds(60),
                because: "each lead should be assigned, tasked and notified across the processes"))!);
        }

        Assert.All(leads, l => Assert.Equal("assigned", l.Stage));
        // Round robin over the three demo consultants.
        Assert.Equal(3, leads.Select(l => l.AssignedConsultantId).Distinct().Count());
        foreach (var lead in leads)
        {
            var task = Assert.Single(lead.OpenTasks);
            Assert.Equal(TimeSpan.FromHours(24), task.DueAt - lead.Timeline.Single(t => t.Kind == "assigned").At);
            var tasks = await _gateway.GetFromJsonAsync<List<TaskView>>($"/api/tasks?leadId={lead.Id}");
            Assert.Equal(task.Id, Assert.Single(tasks!).Id);
            var sms = await _gateway.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={lead.Id}");
            Assert.Equal("consultant", Assert.Single(sms!).Recipient);
        }
        // The console heard of the leads on the broker and read the figures again, without a reload.
        await Microsoft.Playwright.Assertions.Expect(page.Locator(".figure-leads")).ToHaveTextAsync("3", new() { Timeout = 60_000 });
        await Browser.ScreenshotAsync(page, "funnel-through-gateway-zh");
    }

    [Fact]
    public async Task Should_book_a_visit_through_the_gateway_and_confirm_it_to_the_customer()
    {
        var response = await _oem.PostAsJsonAsync("/api/leads",
            new { dealershipCode = "DEMO01", name = "冯女士", phone = "13612345678", source = "marketing-event", campaign = "2026 车展", externalId = "E2E-BOOK" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var leadId = (await response.Content.ReadFromJsonAsync<SubmittedLead>())!.Id;
        // Lead-intake's consent record says yes: published on the broker as lead-intake publishes it.
        await PublishAsync(new ConsentChanged(TestApp.DemoDealershipId, leadId, "+8613612345678", ConsentChannels.Sms, true, "web-form", DateTimeOffset.UtcNow));
        await Eventually.Get(() => _gateway.GetFromJsonAsync<List<ConsentView>>($"/api/sms/consents?phone={Uri.EscapeDataString("+8613612345678")}")!,
            c => c!.Any(x => x.Granted), TimeSpan.FromSeconds(60), because: "notification should keep its copy of the consent");
        // The spec must not depend on the hour it runs at: no quiet hours for the demo dealership.
        var settings = (await _gateway.GetFromJsonAsync<JsonObject>("/api/sms/settings/DEMO01"))!;
        settings["quietHoursStart"] = "00:00:00";
        settings["quietHoursEnd"] = "00:00:00";
        (await _gateway.PutAsJsonAsync("/api/sms/settings/DEMO01", settings)).EnsureSuccessStatusCode();

        // The appointment service learns of the lead from LeadAccepted; until then it does not know it.
        var booked = await Eventually.Get(
            () => _gateway.PostAsJsonAsync("/api/appointments", new { leadId, startsAt = Showroom.Slot(DateTimeOffset.UtcNow, days: 3), purpose = "visit" }),
            r => r.StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(60));

        var lead = await Eventually.Get(() => _gateway.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.Stage == "appointmentBooked" && l.Timeline.Any(t => t.Kind == "sms-sent" && t.Text.Contains("customer")), TimeSpan.FromSeconds(60));
        Assert.Contains(lead!.Timeline, t => t.Kind == "appointment-booked");
    }

    private async Task PublishAsync<T>(T message) where T : class
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(broker.Url)));
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try
        {
            await bus.Publish(message);
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
