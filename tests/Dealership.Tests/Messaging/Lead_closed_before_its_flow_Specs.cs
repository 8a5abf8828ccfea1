using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Tests.Assignment;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Messaging;

/// <summary>
/// A lead can be closed (by a manager, an integration, the customer opting out) before invitation-workflow has taken
/// its acceptance or its assignment: under a backlog those wait minutes on their queues. Whatever order the three
/// arrive in, a closed lead must never start a flow: no first-contact task for the consultant, no SMS to the customer.
/// </summary>
public sealed class When_a_lead_is_closed_before_its_flow_starts : IAsyncLifetime
{
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;
    private HttpClient Client => _app.Client;
    private IBus Bus => _app.Services.GetRequiredService<IBus>();

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        Bus.ConnectConsumeObserver(_consumes);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Sends the message to invitation-workflow's own queue only (the other services never hear of this lead) and waits until it is taken.</summary>
    private async Task DeliverAsync<T>(string queue, T message) where T : class
    {
        var messageId = NewId.NextGuid();
        var endpoint = await Bus.GetSendEndpoint(new Uri($"queue:invitation-workflow-{queue}"));
        await endpoint.Send(message, c => c.MessageId = messageId);
        await Eventually.Get(() => Task.FromResult(_consumes.Count(messageId, $"invitation-workflow-{queue}")), n => n == 1,
            because: $"invitation-workflow should take the {typeof(T).Name}");
    }

    [Theory]
    [InlineData("closed, accepted, assigned")]
    [InlineData("accepted, closed, assigned")]
    [InlineData("assigned, closed, accepted")]
    public async Task Should_start_no_flow_and_open_no_task_for_a_lead_closed_before_its_flow_could_start(string order)
    {
        var leadId = NewId.NextGuid();
        var now = DateTimeOffset.UtcNow;
        var deliveries = new Dictionary<string, Func<Task>>
        {
            ["closed"] = () => DeliverAsync("lead-closed", new LeadClosed(leadId, TestApp.DemoDealershipId, false, "bought-elsewhere", now, "王经理")),
            ["accepted"] = () => DeliverAsync("lead-accepted", new LeadAccepted(leadId, TestApp.DemoDealershipId, "DEMO01", "oem", $"CLOSED-FIRST-{leadId:N}",
                "孙女士", "13811119202", now.AddSeconds(-30), null)),
            ["assigned"] = () => DeliverAsync("lead-assigned", new LeadAssigned(leadId, TestApp.DemoDealershipId, DemoRoster.WangFang, "王芳", "13900000001",
                "round robin", now.AddSeconds(-20))),
        };
        foreach (var step in order.Split(", "))
            await deliveries[step]();

        var flows = (await Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={leadId}&dealershipCode=DEMO01"))!;
        var tasks = (await Client.GetFromJsonAsync<JsonArray>($"/api/tasks?leadId={leadId}"))!;
        Assert.Multiple(
            () => Assert.Empty(flows),
            () => Assert.Empty(tasks));
    }
}
