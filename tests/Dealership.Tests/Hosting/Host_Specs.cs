using System.Net;
using System.Net.Http.Json;
using Dealership.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.Tests.Hosting;

public sealed class Host_Specs : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(
        configure: b => b.Logging.AddProvider(_logs),
        settings: ["--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Debug"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Should_answer_health_checks_without_an_api_key(string path)
    {
        using var anonymous = new HttpClient { BaseAddress = _app.Client.BaseAddress };

        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Should_be_ready_only_when_every_database_every_outbox_and_the_bus_are()
    {
        var ready = _app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .Where(r => r.Tags.Contains("ready"))
            .Select(r => r.Name)
            .Order()
            .ToList();

        Assert.Equal(
            [
                "appointment-database", "appointment-outbox", "assignment-database", "assignment-outbox", "identity-database", "identity-outbox",
                "invitation-workflow-database", "invitation-workflow-outbox", "lead-intake-database", "lead-intake-outbox",
                "masstransit-bus", "notification-database", "notification-outbox",
            ],
            ready);
    }

    [Theory]
    [InlineData(typeof(Dealership.Identity.IdentityServiceDbContext))]
    [InlineData(typeof(Dealership.LeadIntake.LeadIntakeDbContext))]
    [InlineData(typeof(Dealership.Assignment.AssignmentDbContext))]
    [InlineData(typeof(Dealership.InvitationWorkflow.InvitationWorkflowDbContext))]
    [InlineData(typeof(Dealership.Appointment.AppointmentDbContext))]
    [InlineData(typeof(Dealership.Notification.NotificationDbContext))]
    public async Task Should_let_sqlite_wait_for_its_write_lock_itself_on_every_service_database(Type context)
    {
        // Without a busy timeout a write that meets another connection's lock sleeps 150 ms in Microsoft.Data.Sqlite
        // however short the other transaction is (ADR 0524); a duration cannot be asserted, the setting can.
        using var scope = _app.Services.CreateScope();
        var db = (DbContext)scope.ServiceProvider.GetRequiredService(context);
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";

        var milliseconds = Convert.ToInt64(await command.ExecuteScalarAsync());

        Assert.Equal(30_000, milliseconds);
    }

    [Fact]
    public void Should_send_nothing_about_itself_to_the_message_bus_makers()
    {
        var usageTelemetry = _app.Services.GetRequiredService<IOptions<MassTransit.UsageTelemetryOptions>>().Value;

        Assert.False(usageTelemetry.Enabled, "MassTransit's usage telemetry would post the bus's description to masstransit.io");
    }

    [Fact]
    public async Task Should_publish_an_openapi_document_of_every_service_and_a_browsable_reference()
    {
        var document = await _app.Client.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/leads", "/api/consultants", "/api/tasks", "/api/appointments", "/api/sms/messages" })
            Assert.Contains($"\"{path}", document);
        var root = System.Text.Json.JsonDocument.Parse(document).RootElement;
        var schema = root.GetProperty("paths").GetProperty("/api/leads").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        // The body's schema is a component, as every record the API takes is.
        if (schema.TryGetProperty("$ref", out var reference))
            schema = root.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        Assert.True(schema.GetProperty("properties").TryGetProperty("externalId", out _), "the lead body should be documented");

        var scalar = await _app.Client.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        Assert.Equal("text/html", scalar.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_never_log_a_whole_phone_number_and_should_tag_message_logs_with_the_lead()
    {
        var leadId = await _app.PostLeadAsync("LOG-1", phone: "139 8765 4321");
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.Timeline.Any(t => t.Kind == "sms-sent"));

        var lines = _logs.Lines.ToList();
        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, l => l.Contains("13987654321") || l.Contains("139 8765 4321"));
        Assert.Contains(lines, l => l.Contains("+86139****4321"));
        Assert.Contains(lines, l => l.Contains($"LeadId={leadId}"));
    }
}
