using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Workflows;

/// <summary>Other services reach a waiting flow with a CorrelateWorkflowMessage on the bus.</summary>
public class Workflow_messages_Specs : IAsyncLifetime
{
    private const string Queue = "invitation-workflow-correlate-workflow-message";
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;
    private HttpClient _ops = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(settings: WorkflowApi.Settings);
        _app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumes);
        _ops = _app.Operations();
    }

    public async Task DisposeAsync()
    {
        _ops.Dispose();
        await _app.DisposeAsync();
    }

    // The customer may call several times while the consultant's task is open: a non-interrupting
    // message boundary event stays subscribed, so only the message id keeps a copy from counting twice.
    private static readonly string CallsWhileWaiting = WorkflowApi.Diagram("calls", """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
        <bpmn:userTask id="call" />
        <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
        <bpmn:endEvent id="end" />
        <bpmn:boundaryEvent id="customerCalled" attachedToRef="call" cancelActivity="false"><bpmn:messageEventDefinition messageRef="m" /></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f3" sourceRef="customerCalled" targetRef="noted" />
        <bpmn:endEvent id="noted" />
        """, """<bpmn:message id="m" name="CustomerCalled"><bpmn:extensionElements><zeebe:subscription correlationKey="= leadId" /></bpmn:extensionElements></bpmn:message>""");

    [Fact]
    public async Task Should_take_a_message_from_the_bus_once_when_it_is_delivered_twice()
    {
        await _ops.PublishDiagramAsync("calls", CallsWhileWaiting);
        var instance = await _ops.StartInstanceAsync("calls", new { leadId = "L-1" }, "DEMO01");
        var bus = _app.Services.GetRequiredService<IBus>();
        var message = new CorrelateWorkflowMessage(TestApp.DemoDealershipId, null, "CustomerCalled", "L-1", """{"calledAt":"10:00"}""", null, DateTimeOffset.UtcNow);
        var messageId = NewId.NextGuid();

        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        await bus.Publish(message with { VariablesJson = """{"calledAt":"11:00"}""" });

        // All three deliveries consumed: the repeat has had its chance to count twice.
        await Eventually.Get(() => Task.FromResult(_consumes.Count<CorrelateWorkflowMessage>(Queue)), n => n >= 3,
            because: "the workflow service should take all three deliveries");
        var view = await _ops.GetInstanceAsync(instance.Id());
        Assert.Equal(2, view["journal"]!.AsArray().Count(j => j!["outcome"]!.GetValue<string>() == "message-correlated"));
        Assert.Equal(2, view["journal"]!.AsArray().Count(j => j!["elementId"]!.GetValue<string>() == "noted" && j["outcome"]!.GetValue<string>() == "completed"));
        Assert.Single(view["userTasks"]!.AsArray());
    }

    [Fact]
    public async Task Should_start_a_workflow_from_its_message_start_event_once_per_message()
    {
        await _ops.PublishDiagramAsync("on-request", WorkflowApi.Diagram("on-request", """
            <bpmn:startEvent id="requested"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="requested" targetRef="call" />
            <bpmn:userTask id="call" />
            <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, """<bpmn:message id="m" name="CallRequested" />"""));
        var messageId = Guid.NewGuid();

        var first = await _ops.PostAsJsonAsync("/api/workflow-messages", new { name = "CallRequested", correlationKey = "L-5", messageId, variables = new { phone = "+8613800138000" } });
        var again = await _ops.PostAsJsonAsync("/api/workflow-messages", new { name = "CallRequested", correlationKey = "L-5", messageId });

        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonObject>())!["correlated"]!.GetValue<int>());
        var repeat = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(0, repeat["correlated"]!.GetValue<int>());
        Assert.False(repeat["buffered"]!.GetValue<bool>());
        var started = Assert.Single((await _ops.GetFromJsonAsync<JsonArray>("/api/workflow-instances?processKey=on-request"))!)!;
        Assert.Equal("L-5", started["businessKey"]!.GetValue<string>());
        var view = await _ops.GetInstanceAsync(started.AsObject().Id());
        Assert.Equal("+8613800138000", view["variables"]!["phone"]!.GetValue<string>());
        // The copy is not kept for some later instance either.
        using var scope = _app.Services.CreateScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<Dealership.InvitationWorkflow.InvitationWorkflowDbContext>().BufferedWorkflowMessages.ToListAsync());
    }
}
