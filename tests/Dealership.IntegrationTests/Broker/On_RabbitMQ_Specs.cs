using System.Net.Http.Json;
using Dealership.Assignment;
using Dealership.Contracts;
using Dealership.IntegrationTests.Support;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.IntegrationTests.Broker;

/// <summary>The whole host in one process, its bus on a real RabbitMQ.</summary>
public sealed class On_RabbitMQ_Specs : IClassFixture<RabbitMqBroker>, IAsyncLifetime
{
    private readonly RabbitMqBroker _broker;
    private TestApp _app = null!;

    public On_RabbitMQ_Specs(RabbitMqBroker broker) => _broker = broker;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(settings: [$"--ConnectionStrings:RabbitMq={_broker.Url}"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Should_carry_a_lead_through_every_service()
    {
        var leadId = await _app.PostLeadAsync("RMQ-1");

        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.OpenTasks.Count == 1 && l.Timeline.Any(t => t.Kind == "sms-sent"), TimeSpan.FromSeconds(30));

        Assert.Equal("assigned", lead!.Stage);
        Assert.Single((await _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={leadId}"))!);
    }

    [Fact]
    public async Task Should_assign_once_when_the_broker_delivers_a_message_twice()
    {
        var bus = _app.Services.GetRequiredService<IBus>();
        var lead = new LeadAccepted(NewId.NextGuid(), TestApp.DemoDealershipId, "DEMO01", "oem", "RMQ-2", "郑先生", "+8613312345678", DateTimeOffset.UtcNow);
        var messageId = NewId.NextGuid();
        var counter = new ConsumeCounter();
        bus.ConnectConsumeObserver(counter);

        await bus.Publish(lead, ctx => ctx.MessageId = messageId);
        await bus.Publish(lead, ctx => ctx.MessageId = messageId);

        await Eventually.Get(() => Task.FromResult(counter.Count(messageId, "assignment-lead-accepted")), n => n == 2, TimeSpan.FromSeconds(30));
        using var scope = _app.Services.CreateScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<AssignmentDbContext>().Assignments.CountAsync(a => a.LeadId == lead.LeadId));
    }

    [Fact]
    public async Task Should_park_a_message_that_keeps_failing_in_the_error_queue_with_its_reason()
    {
        var bus = _app.Services.GetRequiredService<IBus>();
        var leadId = NewId.NextGuid();

        await bus.Publish(new SendSms(leadId, TestApp.DemoDealershipId, SmsRecipients.Customer, "+8613800138001", "no-such-template",
            new Dictionary<string, string>(), $"{leadId}:bad", DateTimeOffset.UtcNow));

        var parked = await Eventually.Get(() => _broker.PeekAsync("notification-send-sms_error"),
            messages => messages.Any(m => m.GetProperty("payload").GetString()!.Contains(leadId.ToString())), TimeSpan.FromSeconds(30));
        var headers = parked.First(m => m.GetProperty("payload").GetString()!.Contains(leadId.ToString())).GetProperty("properties").GetProperty("headers");
        Assert.Contains("no-such-template", headers.GetProperty("MT-Fault-Message").GetString());
        // Two retries after the first attempt, as configured for the tests.
        Assert.Equal(2, headers.GetProperty("MT-Fault-RetryCount").GetInt32());
    }
}
