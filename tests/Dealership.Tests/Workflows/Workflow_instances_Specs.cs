using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Workflows;

public class Workflow_instances_Specs : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private TestApp _app = null!;
    private HttpClient _ops = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(_clock), settings: WorkflowApi.Settings);
        _ops = _app.Operations();
    }

    public async Task DisposeAsync()
    {
        _ops.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Should_show_where_an_instance_waits_its_variables_and_its_journal_and_complete_its_user_task()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting"));
        var started = await _ops.StartInstanceAsync("greeting", new { consultant = "c-7", lead = new { id = "L-1" } }, businessKey: "L-1");

        var view = await _ops.GetInstanceAsync(started.Id());
        Assert.Equal(["call"], view["instance"]!["waitingAt"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal("waiting", view["waiting"]![0]!["state"]!.GetValue<string>());
        Assert.Equal("c-7", view["userTasks"]![0]!["assignee"]!.GetValue<string>());
        Assert.Equal("L-1", view["variables"]!["lead"]!["id"]!.GetValue<string>());
        Assert.Contains(view["journal"]!.AsArray(), j => j!["elementId"]!.GetValue<string>() == "call" && j["outcome"]!.GetValue<string>() == "waiting");

        var key = view["userTasks"]![0]!["key"]!.GetValue<long>();
        var completed = await _ops.PostAsJsonAsync($"/api/workflow-instances/{started.Id()}/user-tasks/{key}/complete", new { variables = new { outcome = "accepted" } });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);

        var after = await _ops.GetInstanceAsync(started.Id());
        Assert.Equal("completed", after["instance"]!["status"]!.GetValue<string>());
        Assert.Equal("accepted", after["variables"]!["outcome"]!.GetValue<string>());
        var step = after["journal"]!.AsArray().Single(j => j!["elementId"]!.GetValue<string>() == "call" && j["outcome"]!.GetValue<string>() == "completed")!;
        Assert.Equal("accepted", step["variablesChanged"]!["outcome"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await _ops.PostAsJsonAsync($"/api/workflow-instances/{started.Id()}/user-tasks/{key}/complete", new { })).StatusCode);
    }

    [Fact]
    public async Task Should_list_and_filter_instances()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting"));
        var a = await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" }, businessKey: "L-A");
        await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" }, businessKey: "L-B");
        await _ops.PostAsync($"/api/workflow-instances/{a.Id()}/cancel", null);

        var active = await _ops.GetFromJsonAsync<JsonArray>("/api/workflow-instances?processKey=greeting&status=active");
        var byKey = await _ops.GetFromJsonAsync<JsonArray>("/api/workflow-instances?businessKey=L-A");
        var waiting = await _ops.GetFromJsonAsync<JsonArray>("/api/workflow-instances?waitingAt=call");

        Assert.Equal("L-B", Assert.Single(active!)!["businessKey"]!.GetValue<string>());
        Assert.Equal("cancelled", Assert.Single(byKey!)!["status"]!.GetValue<string>());
        Assert.Single(waiting!);
        // Staff of one dealership list its instances only, so they must name it.
        using var manager = await _app.SignInAsync("manager");
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync("/api/workflow-instances")).StatusCode);
    }

    [Fact]
    public async Task Should_cancel_an_instance_and_withdraw_its_timer()
    {
        await _ops.PublishDiagramAsync("waiting", WorkflowApi.TimerFlow("waiting"));
        var started = await _ops.StartInstanceAsync("waiting", new { delay = "P1D" });

        var cancelled = await _ops.PostAsync($"/api/workflow-instances/{started.Id()}/cancel", null);

        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        using var scope = _app.Services.CreateScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().WorkflowTimers.ToListAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await _ops.PostAsync($"/api/workflow-instances/{started.Id()}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Should_raise_an_incident_on_a_bad_expression_and_retry_it_with_fixed_variables()
    {
        await _ops.PublishDiagramAsync("waiting", WorkflowApi.TimerFlow("waiting"));
        var broken = await _ops.StartInstanceAsync("waiting", new { delay = "tomorrow" });
        var healthy = await _ops.StartInstanceAsync("waiting", new { delay = "PT1H" });

        var view = await _ops.GetInstanceAsync(broken.Id());
        Assert.True(view["instance"]!["hasOpenIncident"]!.GetValue<bool>());
        var incident = view["incidents"]![0]!;
        Assert.Equal("wait", incident["elementId"]!.GetValue<string>());
        Assert.Contains("\"tomorrow\" is not an ISO 8601 duration", incident["message"]!.GetValue<string>());
        Assert.Single((await _ops.GetFromJsonAsync<JsonArray>("/api/workflow-instances?hasIncident=true"))!);
        Assert.False((await _ops.GetInstanceAsync(healthy.Id()))["instance"]!["hasOpenIncident"]!.GetValue<bool>());

        var retried = await _ops.PostAsJsonAsync($"/api/workflow-instances/{broken.Id()}/incidents/{incident["key"]!.GetValue<long>()}/retry",
            new { variables = new { delay = "PT2H" } });

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var after = await _ops.GetInstanceAsync(broken.Id());
        Assert.False(after["instance"]!["hasOpenIncident"]!.GetValue<bool>());
        Assert.Equal(_clock.GetUtcNow().AddHours(2), after["timers"]![0]!["dueAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Should_correlate_a_message_and_buffer_one_that_arrives_before_the_instance_waits()
    {
        await _ops.PublishDiagramAsync("reply", WorkflowApi.Diagram("reply", """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
            <bpmn:userTask id="call" />
            <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="replied" />
            <bpmn:intermediateCatchEvent id="replied"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f3" sourceRef="replied" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, """
            <bpmn:message id="m" name="CustomerReplied"><bpmn:extensionElements><zeebe:subscription correlationKey="= leadId" /></bpmn:extensionElements></bpmn:message>
            """));
        var early = await _ops.StartInstanceAsync("reply", new { leadId = "L-1" });
        var late = await _ops.StartInstanceAsync("reply", new { leadId = "L-2" });

        // L-1's reply comes while its consultant is still calling: it is kept for an hour.
        var buffered = await (await _ops.PostAsJsonAsync("/api/workflow-messages",
            new { name = "CustomerReplied", correlationKey = "L-1", variables = new { answer = "yes" }, timeToLive = "01:00:00" })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(0, buffered!["correlated"]!.GetValue<int>());
        Assert.True(buffered["buffered"]!.GetValue<bool>());
        // L-2's reply comes too, but after its hour has passed.
        await _ops.PostAsJsonAsync("/api/workflow-messages", new { name = "CustomerReplied", correlationKey = "L-2", timeToLive = "01:00:00" });
        _clock.Advance(TimeSpan.FromMinutes(30));
        await CompleteCallAsync(early.Id());
        _clock.Advance(TimeSpan.FromMinutes(31));
        await CompleteCallAsync(late.Id());

        var earlyView = await _ops.GetInstanceAsync(early.Id());
        Assert.Equal("completed", earlyView["instance"]!["status"]!.GetValue<string>());
        Assert.Equal("yes", earlyView["variables"]!["answer"]!.GetValue<string>());
        Assert.Equal(["replied"], (await _ops.GetInstanceAsync(late.Id()))["instance"]!["waitingAt"]!.AsArray().Select(w => w!.GetValue<string>()));

        var direct = await (await _ops.PostAsJsonAsync("/api/workflow-messages", new { name = "CustomerReplied", correlationKey = "L-2" })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(1, direct!["correlated"]!.GetValue<int>());
        Assert.Equal("completed", (await _ops.GetInstanceAsync(late.Id()))["instance"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_take_the_same_message_once_when_it_is_published_twice()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting"));
        var messageId = Guid.NewGuid();
        var first = await _ops.PostAsJsonAsync("/api/workflow-messages", new { name = "X", correlationKey = "k", messageId });
        var second = await _ops.PostAsJsonAsync("/api/workflow-messages", new { name = "X", correlationKey = "k", messageId });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var scope = _app.Services.CreateScope();
        Assert.Single(await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().BufferedWorkflowMessages.ToListAsync());
    }

    private async Task CompleteCallAsync(Guid id)
    {
        var key = (await _ops.GetInstanceAsync(id))["userTasks"]![0]!["key"]!.GetValue<long>();
        (await _ops.PostAsJsonAsync($"/api/workflow-instances/{id}/user-tasks/{key}/complete", new { })).EnsureSuccessStatusCode();
    }
}
