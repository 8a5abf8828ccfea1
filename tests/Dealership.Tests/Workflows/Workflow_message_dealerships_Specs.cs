using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Workflows;

/// <summary>
/// Correlation keys (a lead id, a phone number, a campaign code) are not unique across dealerships:
/// a message is correlated, and kept for later, only within the dealership it was sent for.
/// </summary>
public sealed class When_two_dealerships_wait_for_the_same_correlation_key : IAsyncLifetime
{
    private const string Queue = "invitation-workflow-correlate-workflow-message";
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;
    private HttpClient _ops = null!;

    private static readonly string Reply = WorkflowApi.Diagram("reply", """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="replied" />
        <bpmn:intermediateCatchEvent id="replied"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="replied" targetRef="end" />
        <bpmn:endEvent id="end" />
        """, """<bpmn:message id="m" name="CustomerReplied"><bpmn:extensionElements><zeebe:subscription correlationKey="= leadId" /></bpmn:extensionElements></bpmn:message>""");

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(settings: WorkflowApi.Settings);
        _app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumes);
        _ops = _app.Operations();
        // One network-wide flow, run by both dealerships.
        await _ops.PublishDiagramAsync("reply", Reply);
    }

    public async Task DisposeAsync()
    {
        _ops.Dispose();
        await _app.DisposeAsync();
    }

    private static object Message(string? dealershipCode, string from) =>
        new { name = "CustomerReplied", correlationKey = "L-1", dealershipCode, variables = new { from }, timeToLive = "01:00:00" };

    private async Task<JsonObject> InstanceAsync(Guid id) => (JsonObject)(await _ops.GetInstanceAsync(id))["instance"]!;

    [Fact]
    public async Task Should_never_give_one_dealerships_message_to_another_dealerships_instance_whoever_sends_it()
    {
        // DEMO02's flow waits for the customer of its lead "L-1"; DEMO01 happens to have a lead "L-1" too.
        var theirs = (await _ops.StartInstanceAsync("reply", new { leadId = "L-1" }, "DEMO02")).Id();
        var ours = (await _ops.StartInstanceAsync("reply", new { leadId = "L-1" }, "DEMO01")).Id();
        var demo01Ops = await _app.SignInAsync("ops");

        // From another service, on the bus: DEMO01's instance takes it.
        var messageId = NewId.NextGuid();
        await _app.Services.GetRequiredService<IBus>().Publish(
            new CorrelateWorkflowMessage(TestApp.DemoDealershipId, null, "CustomerReplied", "L-1", """{"from":"bus"}""", null, DateTimeOffset.UtcNow),
            ctx => ctx.MessageId = messageId);
        await Eventually.Get(() => Task.FromResult(_consumes.Count(messageId, Queue)), n => n == 1, because: "the workflow service should take the message");
        var view = await _ops.GetInstanceAsync(ours);
        Assert.Equal(("completed", "bus"), (view["instance"]!["status"]!.GetValue<string>(), view["variables"]!["from"]!.GetValue<string>()));
        // From DEMO01's operations staff and from the network's operations key: nobody of DEMO01 waits any more, so they are kept for DEMO01.
        foreach (var sender in new[] { demo01Ops, _ops })
        {
            var response = await sender.PostAsJsonAsync("/api/workflow-messages", Message("DEMO01", "http"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var outcome = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal((0, true), (outcome["correlated"]!.GetValue<int>(), outcome["buffered"]!.GetValue<bool>()));
        }
        // DEMO01's staff naming DEMO02, or no dealership at all, are refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await demo01Ops.PostAsJsonAsync("/api/workflow-messages", Message("DEMO02", "as-demo02"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await demo01Ops.PostAsJsonAsync("/api/workflow-messages", Message(null, "as-network"))).StatusCode);

        Assert.Equal(["replied"], (await InstanceAsync(theirs))["waitingAt"]!.AsArray().Select(w => w!.GetValue<string>()));
        // A flow of DEMO02 that starts waiting now does not take DEMO01's kept messages either.
        var later = (await _ops.StartInstanceAsync("reply", new { leadId = "L-1" }, "DEMO02")).Id();
        Assert.Equal(["replied"], (await InstanceAsync(later))["waitingAt"]!.AsArray().Select(w => w!.GetValue<string>()));

        // DEMO02's own message reaches both of its instances, with what DEMO02 sent.
        var own = await (await _ops.PostAsJsonAsync("/api/workflow-messages", Message("DEMO02", "demo02"))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(2, own!["correlated"]!.GetValue<int>());
        foreach (var id in new[] { theirs, later })
        {
            view = await _ops.GetInstanceAsync(id);
            Assert.Equal(("completed", "demo02"), (view["instance"]!["status"]!.GetValue<string>(), view["variables"]!["from"]!.GetValue<string>()));
        }
    }
}
