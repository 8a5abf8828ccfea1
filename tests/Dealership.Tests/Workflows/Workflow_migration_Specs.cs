using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;

namespace Dealership.Tests.Workflows;

/// <summary>
/// A flow that lasts weeks must not keep its leads on an old version: operations staff move the running instances of one
/// version to another with a plan that maps elements by id, try it first, and see per instance what could not be moved.
/// </summary>
public class Workflow_migration_Specs : IAsyncLifetime
{
    private TestApp _app = null!;
    private HttpClient _ops = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(settings: WorkflowApi.Settings);
        _ops = _app.Operations();
    }

    public async Task DisposeAsync()
    {
        _ops.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>Version 2: the call under a new id, then a confirmation step before the end.</summary>
    private static readonly string VersionTwo = WorkflowApi.Diagram("greeting", """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="firstCall" />
        <bpmn:userTask id="firstCall" name="First call">
          <bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultant" /></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:sequenceFlow id="toConfirm" sourceRef="firstCall" targetRef="confirm" />
        <bpmn:userTask id="confirm" name="Confirm the visit">
          <bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultant" /></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:sequenceFlow id="f3" sourceRef="confirm" targetRef="end" />
        <bpmn:endEvent id="end" />
        """);

    private Task<HttpResponseMessage> MigrateAsync(object request) => _ops.PostAsJsonAsync("/api/workflow-instances/migrations", request);

    private async Task<JsonArray> ListAsync(string query) => (await _ops.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?{query}"))!;

    [Fact]
    public async Task Should_move_a_leads_flow_from_version_one_to_version_two_where_it_carries_on_along_version_twos_path()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting"));
        var lead = await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" }, businessKey: "3f2b8c1e-0000-4000-8000-000000000001");
        var other = await _ops.StartInstanceAsync("greeting", new { consultant = "c-2" }, businessKey: "3f2b8c1e-0000-4000-8000-000000000002");
        var task = (await _ops.GetInstanceAsync(lead.Id()))["userTasks"]![0]!["key"]!.GetValue<long>();
        await _ops.PublishDiagramAsync("greeting", VersionTwo);
        var plan = new[] { new { sourceElementId = "call", targetElementId = "firstCall" } };

        // First a dry run over every active instance of version 1: both would move, neither does.
        var trial = (await (await MigrateAsync(new { processKey = "greeting", sourceVersion = "N1", targetVersion = "N2", mappings = plan, allActive = true, dryRun = true }))
            .Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((true, 2, 0), (trial["dryRun"]!.GetValue<bool>(), trial["migrated"]!.GetValue<int>(), trial["refused"]!.GetValue<int>()));
        Assert.Equal(2, (await ListAsync("processKey=greeting&version=N1")).Count);

        var moved = await MigrateAsync(new { processKey = "greeting", sourceVersion = "N1", targetVersion = "N2", mappings = plan, instanceIds = new[] { lead.Id() } });

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var report = (await moved.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("N1", "N2", 1), (report["source"]!.GetValue<string>(), report["target"]!.GetValue<string>(), report["migrated"]!.GetValue<int>()));
        var view = await _ops.GetInstanceAsync(lead.Id());
        Assert.Equal((2, "N2"), (view["instance"]!["version"]!.GetValue<int>(), view["instance"]!["versionLabel"]!.GetValue<string>()));
        // The consultant's task is the same task, now at version 2's element.
        Assert.Equal((task, "firstCall"), (view["userTasks"]![0]!["key"]!.GetValue<long>(), view["userTasks"]![0]!["elementId"]!.GetValue<string>()));
        Assert.Contains(view["journal"]!.AsArray(), j => j!["outcome"]!.GetValue<string>() == "migrated" && j["detail"]!.GetValue<string>().StartsWith("N1 to N2 by Operations"));
        Assert.Equal([other.Id()], (await ListAsync("processKey=greeting&version=N1")).Select(i => i!.AsObject().Id()));

        (await _ops.PostAsJsonAsync($"/api/workflow-instances/{lead.Id()}/user-tasks/{task}/complete", new { variables = new { outcome = "reached" } })).EnsureSuccessStatusCode();

        var after = await _ops.GetInstanceAsync(lead.Id());
        Assert.Equal(["confirm"], after["instance"]!["waitingAt"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal(["start", "firstCall"], after["path"]!["completedElements"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(["f1", "toConfirm"], after["path"]!["takenFlows"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public async Task Should_refuse_each_instance_the_plan_cannot_map_and_refuse_a_plan_naming_elements_neither_version_has()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting"));
        var lead = await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" }, businessKey: "L-1");
        await _ops.PublishDiagramAsync("greeting", VersionTwo);

        var unmapped = (await (await MigrateAsync(new { processKey = "greeting", sourceVersion = "1", targetVersion = "2", mappings = Array.Empty<object>(), allActive = true }))
            .Content.ReadFromJsonAsync<JsonObject>())!;
        var unknown = await MigrateAsync(new { processKey = "greeting", sourceVersion = "1", targetVersion = "2",
            mappings = new[] { new { sourceElementId = "call", targetElementId = "secondCall" } }, allActive = true });
        var neither = await MigrateAsync(new { processKey = "greeting", sourceVersion = "1", targetVersion = "2", mappings = Array.Empty<object>() });

        var refused = unmapped["instances"]!.AsArray().Single()!;
        Assert.Equal((lead.Id(), false), (refused["id"]!.GetValue<Guid>(), refused["migrated"]!.GetValue<bool>()));
        Assert.Equal("'call' (userTask) is active and the plan does not map it.", refused["problems"]![0]!.GetValue<string>());
        Assert.Equal("N1", (await _ops.GetInstanceAsync(lead.Id()))["instance"]!["versionLabel"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'secondCall'", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["mappings"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, neither.StatusCode);
    }
}
