using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.Hosting.Lag;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake;
using Dealership.LeadIntake.Leads;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Hosting;

/// <summary>
/// Lag is visible and bounded (ADR 0517): how old each service's oldest unsent outbox message is and how long its
/// messages waited before their consume are gauges; past a threshold the service is Degraded, its outbox stuck past
/// another it is not ready, and lead intake refuses new leads with 503 and Retry-After until the lag is gone.
/// </summary>
/// <remarks>
/// The thresholds are seconds here so each state comes within seconds of real time; the specs wait for each one.
/// </remarks>
public class Lag_Specs
{
    private static readonly string[] Seconds =
    [
        "--Lag:DegradedAfter=00:00:01", "--Lag:RefuseLeadsAfter=00:00:02", "--Outbox:StuckAfter=00:00:06",
        "--Lag:SampleInterval=00:00:00.200", "--Lag:Window=00:00:02", "--Lag:RetryAfter=00:00:45",
    ];

    [Fact]
    public async Task Should_show_an_outbox_that_cannot_send_growing_then_degraded_refusing_leads_and_unready_and_all_well_once_it_sends()
    {
        await using var app = await TestApp.StartAsync(settings: Seconds);
        var stuck = await LeaseOutboxRowToADeadDispatcherAsync(app);

        var first = await Eventually.Get(() => Task.FromResult(Gauge(app, LagMonitor.OutboxAgeGauge, "lead-intake")), age => age > 0,
            because: "the unsent message's age should be measured");
        await Eventually.Get(() => Task.FromResult(Gauge(app, LagMonitor.OutboxAgeGauge, "lead-intake")), age => age > first,
            because: "the age should grow while the message is not sent");
        Assert.Equal(0, Gauge(app, LagMonitor.OutboxAgeGauge, "assignment"));

        await Eventually.Get(() => ReadinessAsync(app), r => r.Status == HttpStatusCode.OK && r.Body == "Degraded",
            because: "a message older than Lag:DegradedAfter should make the service degraded, still ready");

        // Intake decides on the same measurement as the gauge: past Lag:RefuseLeadsAfter it takes no lead.
        await Eventually.Get(() => Task.FromResult(Gauge(app, LagMonitor.OutboxAgeGauge, "lead-intake")), age => age > 2,
            because: "the age should pass Lag:RefuseLeadsAfter");
        var refused = await PostLeadAsync(app, "LAG-REFUSED", "zh-CN");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(45), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("lead-intake", problem.GetProperty("service").GetString());
        Assert.Equal(45, problem.GetProperty("retryAfterSeconds").GetInt32());
        Assert.Contains("系统已滞后", problem.GetProperty("detail").GetString());
        Assert.Contains("请在 45 秒后重新提交", problem.GetProperty("detail").GetString());
        var inEnglish = await PostLeadAsync(app, "LAG-REFUSED", "en");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, inEnglish.StatusCode);
        Assert.Contains("send it again in 45 seconds", (await inEnglish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        await Eventually.Get(() => ReadinessAsync(app), r => r.Status == HttpStatusCode.ServiceUnavailable && r.Body == "Unhealthy",
            because: "a message older than Outbox:StuckAfter should make the service unready, as before");
        using (var scope = app.Services.CreateScope())
            Assert.Empty(await app.Scoped<LeadIntakeDbContext>(scope).Leads.Where(l => l.ExternalId == "LAG-REFUSED").ToListAsync());

        // The dead dispatcher's lease runs out: this host's dispatcher takes the message over and sends it.
        using (var scope = app.Services.CreateScope())
        {
            await app.Scoped<LeadIntakeDbContext>(scope).OutboxMessages.Where(m => m.Id == stuck)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedUntil, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1)));
        }

        var accepted = await Eventually.Get(() => PostLeadAsync(app, "LAG-AFTER", "zh-CN"), r => r.StatusCode != HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30), because: "intake should take leads again once the message is sent");
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        await Eventually.Get(() => Task.FromResult(Gauge(app, LagMonitor.OutboxAgeGauge, "lead-intake")), age => age == 0,
            because: "the gauge should fall to nothing once the outbox is empty");
        await Eventually.Get(() => ReadinessAsync(app), r => r.Status == HttpStatusCode.OK && r.Body == "Healthy", TimeSpan.FromSeconds(30),
            because: "the service should be healthy once nothing waits");
    }

    [Fact]
    public async Task Should_measure_how_long_every_service_s_messages_waited_and_refuse_leads_while_a_service_downstream_in_the_process_is_behind()
    {
        await using var app = await TestApp.StartAsync(settings: Seconds);

        // A lead's LeadAccepted that reaches its consumers three seconds after it was sent, as behind a queue's backlog.
        var leadId = NewId.NextGuid();
        await app.Services.GetRequiredService<IBus>().Publish(
            new LeadAccepted(leadId, TestApp.DemoDealershipId, "DEMO01", "oem", "LAG-LATE", "孙先生", "+8613712345678", DateTimeOffset.UtcNow),
            context => context.Delay = TimeSpan.FromSeconds(3));

        foreach (var service in new[] { "assignment", "appointment", "notification", "invitation-workflow" })
            await Eventually.Get(() => Task.FromResult(Gauge(app, LagMonitor.ConsumeLagGauge, service)), lag => lag >= 3,
                because: $"{service} consumes LeadAccepted and should measure how long it waited");
        Assert.True(Gauge(app, LagMonitor.ConsumeLagGauge, "lead-intake") < 3, "lead-intake does not consume LeadAccepted");

        // In one process intake knows how far behind the services after it are, and takes no lead they could not start.
        var refused = await PostLeadAsync(app, "LAG-DOWNSTREAM", "en");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("messages are waiting to be processed", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var health = await ReadinessAsync(app);
        Assert.Equal((HttpStatusCode.OK, "Degraded"), (health.Status, health.Body));

        // Once the late messages are out of the window, nothing waits any more.
        var accepted = await Eventually.Get(() => PostLeadAsync(app, "LAG-DOWNSTREAM", "en"), r => r.StatusCode != HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30), because: "intake should take leads again once the late messages are consumed");
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task Should_show_operations_each_service_s_lag_and_no_one_else()
    {
        await using var app = await TestApp.StartAsync();
        using var ops = await app.SignInAsync("ops");
        using var consultant = await app.SignInAsync("wangfang");

        var lag = await ops.GetFromJsonAsync<JsonElement>("/api/lag/lead-intake");
        Assert.Equal("lead-intake", lag.GetProperty("service").GetString());
        Assert.Equal("normal", lag.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Number, lag.GetProperty("outboxAgeSeconds").ValueKind);
        Assert.False(lag.GetProperty("refusesLeads").GetBoolean());
        Assert.Equal(JsonValueKind.Null, (await ops.GetFromJsonAsync<JsonElement>("/api/lag/web")).GetProperty("outboxAgeSeconds").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/lag/assignment")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await consultant.GetAsync("/api/lag/lead-intake")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.KeyClient().GetAsync("/api/lag/lead-intake")).StatusCode);
    }

    /// <summary>
    /// A LeadAccepted claimed by a dispatcher whose publish never came back (the stuck outbox): its lease keeps
    /// this host's dispatcher off it, so it stays unsent while its age grows.
    /// </summary>
    private static async Task<Guid> LeaseOutboxRowToADeadDispatcherAsync(TestApp app)
    {
        var leadId = NewId.NextGuid();
        var now = DateTimeOffset.UtcNow;
        using var scope = app.Services.CreateScope();
        var db = app.Scoped<LeadIntakeDbContext>(scope);
        db.Leads.Add(new Lead
        {
            Id = leadId, DealershipId = TestApp.DemoDealershipId, DealershipCode = "DEMO01", Source = "oem", ExternalId = "LAG-STUCK",
            Name = "周先生", Phone = "+8613612345679", Stage = LeadStage.New, CreatedAt = now, UpdatedAt = now,
        });
        var stuck = OutboxMessage.Create(new LeadAccepted(leadId, TestApp.DemoDealershipId, "DEMO01", "oem", "LAG-STUCK", "周先生", "+8613612345679", now));
        stuck.LockedBy = Guid.NewGuid();
        stuck.LockedUntil = now + TimeSpan.FromHours(1);
        db.OutboxMessages.Add(stuck);
        await db.SaveChangesAsync();
        return stuck.Id;
    }

    private static async Task<HttpResponseMessage> PostLeadAsync(TestApp app, string externalId, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = JsonContent.Create(new { dealershipCode = "DEMO01", name = "吴女士", phone = TestApp.UniquePhone(), source = "oem", externalId }),
        };
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        return await app.Client.SendAsync(request);
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadinessAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync("/health/ready");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>What the gauge reads now for the service, from this host's meter (other hosts of the test run have their own).</summary>
    private static double? Gauge(TestApp app, string name, string service)
    {
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        double? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LagMonitor.MeterName && instrument.Meter.Scope == meters && instrument.Name == name)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, measurement, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "service" && (string?)tag.Value == service)
                    value = measurement;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }
}
