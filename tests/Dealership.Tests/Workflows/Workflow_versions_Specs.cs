using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Workflows;

/// <summary>The designer's history of a flow: who published which version, what changed between two, and going back to an earlier one.</summary>
public class Workflow_versions_Specs : IAsyncLifetime
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

    private static string Labels(JsonArray versions) => string.Join(" ", versions.Select(v => $"{v!["label"]}:{v["status"]}"));

    [Fact]
    public async Task Should_roll_back_by_publishing_the_earlier_version_again_as_a_new_number_that_says_where_it_came_from()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Version one"));
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Version two"));
        (await _ops.SaveDraftAsync("greeting", WorkflowApi.CallFlow("greeting", "Work in progress"))).EnsureSuccessStatusCode();

        var rolledBack = await _ops.PostAsync("/api/workflows/greeting/versions/1/rollback", null);

        Assert.Equal(HttpStatusCode.OK, rolledBack.StatusCode);
        var view = (await rolledBack.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("N3", "published", "N1", "Operations"),
            (view["label"]!.GetValue<string>(), view["status"]!.GetValue<string>(), view["restoredFrom"]!.GetValue<string>(), view["publishedBy"]!.GetValue<string>()));
        Assert.Equal(await _ops.GetStringAsync("/api/workflows/greeting/xml?version=1"), await _ops.GetStringAsync("/api/workflows/greeting/xml?version=N3"));
        // The open draft keeps its work and moves after the rollback.
        var versions = (await _ops.GetFromJsonAsync<JsonArray>("/api/workflows/greeting/versions"))!;
        Assert.Equal("N4:draft N3:published N2:retired N1:retired", Labels(versions));
        Assert.Contains("Work in progress", await _ops.GetStringAsync("/api/workflows/greeting/xml"));
        var started = await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" });
        Assert.Equal(3, started["version"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.Conflict, (await _ops.PostAsync("/api/workflows/greeting/versions/3/rollback", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _ops.PostAsync("/api/workflows/greeting/versions/4/rollback", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _ops.PostAsync("/api/workflows/greeting/versions/9/rollback", null)).StatusCode);
    }

    [Fact]
    public async Task Should_refuse_to_roll_back_to_a_version_that_no_longer_passes_the_check()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Version one"));
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Version two"));
        using (var scope = _app.Services.CreateScope())
        {
            // As if the engine had since stopped running user tasks of this kind: version 1 as stored would be refused today.
            var db = scope.ServiceProvider.GetRequiredService<Dealership.InvitationWorkflow.InvitationWorkflowDbContext>();
            var one = db.WorkflowDefinitions.Single(d => d.ProcessKey == "greeting" && d.Version == 1);
            one.Xml = one.Xml.Replace("<bpmn:endEvent id=\"end\" />", "<bpmn:scriptTask id=\"end\" />");
            await db.SaveChangesAsync();
        }

        var refused = await _ops.PostAsync("/api/workflows/greeting/versions/1/rollback", null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("N1 no longer passes the check; nothing was published.", problem["title"]!.GetValue<string>());
        Assert.Equal("The element type scriptTask is not supported.", problem["errors"]!["end"]![0]!.GetValue<string>());
        Assert.Equal("N2:published N1:retired", Labels((await _ops.GetFromJsonAsync<JsonArray>("/api/workflows/greeting/versions"))!));
    }

    [Fact]
    public async Task Should_label_a_dealerships_versions_apart_from_the_networks_and_list_them_side_by_side()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Network one"));
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Network two"));
        using var demoOps = await _app.SignInAsync("ops");
        await demoOps.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Demo Motors' own"), "DEMO01");

        var both = (await demoOps.GetFromJsonAsync<JsonArray>("/api/workflows/greeting/versions?dealershipCode=DEMO01&withNetwork=true"))!;
        var own = (await demoOps.GetFromJsonAsync<JsonArray>("/api/workflows/greeting/versions?dealershipCode=DEMO01"))!;
        var summary = (await demoOps.GetFromJsonAsync<JsonArray>("/api/workflows?dealershipCode=DEMO01"))!;

        Assert.Equal("DEMO01-1:published N2:published N1:retired", Labels(both));
        Assert.Equal("DEMO01-1:published", Labels(own));
        Assert.Equal(["DEMO01-1", "N2"], summary.Where(s => s!["processKey"]!.GetValue<string>() == "greeting").Select(s => s!["publishedLabel"]!.GetValue<string>()));
        // Naming the dealership, a bare number is its own version; a label reaches the network's.
        Assert.Contains("Demo Motors' own", await demoOps.GetStringAsync("/api/workflows/greeting/xml?dealershipCode=DEMO01&version=1"));
        Assert.Contains("Network one", await demoOps.GetStringAsync("/api/workflows/greeting/xml?dealershipCode=DEMO01&version=N1"));
        Assert.Contains("Demo Motors' own", await _ops.GetStringAsync("/api/workflows/greeting/xml?version=DEMO01-1"));
        Assert.Equal(HttpStatusCode.BadRequest, (await demoOps.GetAsync("/api/workflows/greeting/xml?dealershipCode=DEMO01&version=latest")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await demoOps.GetAsync("/api/workflows/greeting/xml?dealershipCode=DEMO01&version=N7")).StatusCode);
    }

    [Fact]
    public async Task Should_not_let_one_dealership_read_anothers_version_by_its_label()
    {
        await _app.CreateDealershipAsync("OTHER1");
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Other's own"), "OTHER1");
        using var demoOps = await _app.SignInAsync("ops");

        var refused = await demoOps.GetAsync("/api/workflows/greeting/xml?dealershipCode=DEMO01&version=OTHER1-1");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Should_show_what_changed_between_a_dealerships_version_and_the_networks_by_element_and_flow_id()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Network"));
        using var demoOps = await _app.SignInAsync("ops");
        var own = WorkflowApi.Diagram("greeting", """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
            <bpmn:userTask id="call" name="Call the customer within the hour">
              <bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultant" /></bpmn:extensionElements>
            </bpmn:userTask>
            <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="thank" />
            <bpmn:serviceTask id="thank"><bpmn:extensionElements><zeebe:taskDefinition type="send-sms" /></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:sequenceFlow id="f3" sourceRef="thank" targetRef="done" />
            <bpmn:endEvent id="done" />
            """);
        await demoOps.PublishDiagramAsync("greeting", own, "DEMO01");

        var diff = (await demoOps.GetFromJsonAsync<JsonObject>("/api/workflows/greeting/diff?dealershipCode=DEMO01&from=N1&to=1"))!;

        Assert.Equal(("N1", "DEMO01-1"), (diff["from"]!["label"]!.GetValue<string>(), diff["to"]!["label"]!.GetValue<string>()));
        var elements = diff["elements"]!.AsArray().ToDictionary(e => e!["id"]!.GetValue<string>(), e => e!);
        Assert.Equal(["call", "thank", "done", "end"], elements.Keys);
        Assert.Equal(("changed", "name"), (elements["call"]["change"]!.GetValue<string>(), elements["call"]["properties"]![0]!.GetValue<string>()));
        Assert.Equal(("added", "serviceTask"), (elements["thank"]["change"]!.GetValue<string>(), elements["thank"]["type"]!.GetValue<string>()));
        Assert.Equal("removed", elements["end"]["change"]!.GetValue<string>());
        var flows = diff["flows"]!.AsArray().ToDictionary(f => f!["id"]!.GetValue<string>(), f => f!);
        Assert.Equal("changed", flows["f2"]["change"]!.GetValue<string>());
        Assert.Equal(["target"], flows["f2"]["properties"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("added", flows["f3"]["change"]!.GetValue<string>());
        Assert.False(flows.ContainsKey("f1"));
    }
}
