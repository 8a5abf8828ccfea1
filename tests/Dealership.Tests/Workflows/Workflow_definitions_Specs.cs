using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Workflows;

public class Workflow_definitions_Specs : IAsyncLifetime
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

    [Fact]
    public async Task Should_save_a_draft_and_give_back_the_xml_unchanged()
    {
        // Formatting, comments and extension elements the engine does not know are all kept.
        var xml = WorkflowApi.CallFlow("greeting").Replace("<bpmn:endEvent id=\"end\" />",
            "<!-- drawn by ops -->\n<bpmn:endEvent id=\"end\"><bpmn:extensionElements><zeebe:properties><zeebe:property name=\"color\" value=\"red\" /></zeebe:properties></bpmn:extensionElements></bpmn:endEvent>");

        var saved = await _ops.SaveDraftAsync("greeting", xml);
        var body = await saved.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(1, body!["version"]!["version"]!.GetValue<int>());
        Assert.Equal("draft", body["version"]!["status"]!.GetValue<string>());
        Assert.True(body["check"]!["publishable"]!.GetValue<bool>());
        Assert.Equal(xml, await _ops.GetStringAsync("/api/workflows/greeting/xml"));
    }

    [Fact]
    public async Task Should_refuse_to_publish_an_unsupported_element_or_a_broken_expression_and_change_nothing()
    {
        var xml = WorkflowApi.Diagram("broken", """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script" />
            <bpmn:scriptTask id="script" />
            <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="decide" />
            <bpmn:exclusiveGateway id="decide" default="f4" />
            <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="end"><bpmn:conditionExpression>= outcome = </bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end" />
            <bpmn:endEvent id="end" />
            """);
        var saved = await _ops.SaveDraftAsync("broken", xml);
        Assert.False((await saved.Content.ReadFromJsonAsync<JsonObject>())!["check"]!["publishable"]!.GetValue<bool>());

        var refused = await _ops.PublishAsync("broken");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("The element type scriptTask is not supported.", problem["errors"]!["script"]![0]!.GetValue<string>());
        Assert.StartsWith("Bad FEEL in the condition:", problem["errors"]!["f3"]![0]!.GetValue<string>());
        var versions = await _ops.GetFromJsonAsync<JsonArray>("/api/workflows/broken/versions");
        Assert.Equal("draft", Assert.Single(versions!)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_check_a_diagram_element_by_element_without_saving_it()
    {
        var response = await _ops.PostAsync("/api/workflows/check",
            new StringContent(WorkflowApi.Diagram("x", """
                <bpmn:startEvent id="start" />
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pay" />
                <bpmn:serviceTask id="pay"><bpmn:extensionElements><zeebe:taskDefinition type="take-payment" /></bpmn:extensionElements></bpmn:serviceTask>
                """), System.Text.Encoding.UTF8, "application/xml"));
        var check = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.False(check["publishable"]!.GetValue<bool>());
        var pay = check["elements"]!.AsArray().Single(e => e!["elementId"]!.GetValue<string>() == "pay")!;
        Assert.Equal("No registered activity implements the task type 'take-payment'.", pay["reasons"]![0]!.GetValue<string>());
        Assert.Contains(check["elements"]!.AsArray(), e => e!["elementId"]!.GetValue<string>() == "start" && e["supported"]!.GetValue<bool>());
        // The invitation flows are loaded at start; the checked diagram added nothing beside them.
        Assert.DoesNotContain((await _ops.GetFromJsonAsync<JsonArray>("/api/workflows"))!, w => w!["processKey"]!.GetValue<string>() == "x");
    }

    [Fact]
    public async Task Should_check_in_chinese_for_a_caller_who_prefers_chinese_and_in_english_otherwise()
    {
        var xml = WorkflowApi.Diagram("x", """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pay" />
            <bpmn:serviceTask id="pay"><bpmn:extensionElements><zeebe:taskDefinition type="take-payment" /></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:userTask id="orphan" />
            """);
        async Task<Dictionary<string, string>> ReasonsAsync(string? language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/check") { Content = new StringContent(xml, System.Text.Encoding.UTF8, "application/xml") };
            if (language is not null)
                request.Headers.AcceptLanguage.ParseAdd(language);
            var check = (await (await _ops.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>())!;
            return check["elements"]!.AsArray().Where(e => !e!["supported"]!.GetValue<bool>())
                .ToDictionary(e => e!["elementId"]!.GetValue<string>(), e => e!["reasons"]![0]!.GetValue<string>());
        }

        var chinese = await ReasonsAsync("zh-CN,zh;q=0.9,en;q=0.8");
        var english = await ReasonsAsync(null);

        Assert.Equal("引擎中没有任何活动能执行任务类型“take-payment”。", chinese["pay"]);
        Assert.Equal("流程永远走不到这里：没有任何连线指向它。", chinese["orphan"]);
        Assert.Equal("No registered activity implements the task type 'take-payment'.", english["pay"]);
        Assert.Equal("It can never be reached: no sequence flow leads to it.", english["orphan"]);
    }

    [Fact]
    public async Task Should_never_change_a_published_version_and_keep_running_instances_on_theirs()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Version one"));
        var first = await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" });

        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Version two"));
        var second = await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" });

        Assert.Equal(1, first["version"]!.GetValue<int>());
        Assert.Equal(2, second["version"]!.GetValue<int>());
        Assert.Contains("Version one", await _ops.GetStringAsync("/api/workflows/greeting/xml?version=1"));
        var versions = (await _ops.GetFromJsonAsync<JsonArray>("/api/workflows/greeting/versions"))!;
        Assert.Equal(["published", "retired"], versions.Select(v => v!["status"]!.GetValue<string>()));
        var summary = Assert.Single((await _ops.GetFromJsonAsync<JsonArray>("/api/workflows"))!, w => w!["processKey"]!.GetValue<string>() == "greeting")!;
        Assert.Equal(2, summary["publishedVersion"]!.GetValue<int>());

        // The instance on the retired version still runs to its end on that version.
        var task = (await _ops.GetInstanceAsync(first.Id()))["userTasks"]![0]!["key"]!.GetValue<long>();
        (await _ops.PostAsJsonAsync($"/api/workflow-instances/{first.Id()}/user-tasks/{task}/complete", new { variables = new { outcome = "ok" } })).EnsureSuccessStatusCode();
        var done = await _ops.GetInstanceAsync(first.Id());
        Assert.Equal("completed", done["instance"]!["status"]!.GetValue<string>());
        Assert.Equal(1, done["instance"]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Should_start_the_dealerships_own_version_and_fall_back_to_the_network_default()
    {
        await _ops.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Network default"));
        await _app.CreateDealershipAsync("OTHER1");
        var fallback = await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" }, dealershipCode: "DEMO01");

        // Demo Motors' operations staff manage their own dealership's flows, not the network's.
        using var demoOps = await _app.SignInAsync("ops");
        Assert.Equal(HttpStatusCode.Forbidden, (await demoOps.SaveDraftAsync("greeting", WorkflowApi.CallFlow("greeting"))).StatusCode);
        await demoOps.PublishDiagramAsync("greeting", WorkflowApi.CallFlow("greeting", "Demo Motors' own"), "DEMO01");
        var own = await demoOps.StartInstanceAsync("greeting", new { consultant = "c-1" }, dealershipCode: "DEMO01");
        var other = await _ops.StartInstanceAsync("greeting", new { consultant = "c-1" }, dealershipCode: "OTHER1");

        var network = await _ops.GetFromJsonAsync<JsonArray>("/api/workflows/greeting/versions");
        var demo = await _app.Client.GetFromJsonAsync<JsonArray>("/api/workflows/greeting/versions?dealershipCode=DEMO01");
        Assert.Equal(1, fallback["version"]!.GetValue<int>());
        Assert.Equal(network![0]!["version"]!.GetValue<int>(), other["version"]!.GetValue<int>());
        Assert.Equal(1, own["version"]!.GetValue<int>());
        Assert.Equal((TestApp.DemoDealershipId, "DEMO01"), (demo![0]!["dealershipId"]!.GetValue<Guid>(), demo[0]!["dealershipCode"]!.GetValue<string>()));
        Assert.Contains("Demo Motors' own", await _app.Client.GetStringAsync("/api/workflows/greeting/xml?dealershipCode=DEMO01"));
        Assert.Contains("Network default", await _app.Client.GetStringAsync("/api/workflows/greeting/xml"));
    }

    [Fact]
    public async Task Should_refuse_a_draft_whose_process_id_is_not_the_workflow_key()
    {
        var response = await _ops.SaveDraftAsync("greeting", WorkflowApi.CallFlow("something-else"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'something-else'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_let_a_dealerships_own_key_manage_its_workflows_once_an_admin_created_the_dealership()
    {
        await using var app = await TestApp.StartAsync(settings:
        [
            .. WorkflowApi.Settings,
            "--Integration:Clients:2:Name=Suzhou",
            "--Integration:Clients:2:Key=suzhou-key",
            "--Integration:Clients:2:Dealerships:0=SZ02",
        ]);
        using var suzhou = new HttpClient { BaseAddress = app.Client.BaseAddress };
        suzhou.DefaultRequestHeaders.Add("X-Api-Key", "suzhou-key");
        // The key names SZ02, but no such dealership exists yet.
        Assert.Equal(HttpStatusCode.NotFound, (await suzhou.SaveDraftAsync("greeting", WorkflowApi.CallFlow("greeting"), "SZ02")).StatusCode);

        var created = await app.Client.PostAsJsonAsync("/api/dealerships",
            new { code = "SZ02", nameZh = "苏州二店", nameEn = "Suzhou Two", timeZone = "Asia/Shanghai", phoneRegion = "CN" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await Eventually.Get(async () => (await suzhou.SaveDraftAsync("greeting", WorkflowApi.CallFlow("greeting"), "SZ02")).StatusCode,
            status => status == HttpStatusCode.OK);
        using var demoOps = await app.SignInAsync("ops");
        Assert.Equal(HttpStatusCode.Forbidden, (await demoOps.SaveDraftAsync("greeting", WorkflowApi.CallFlow("greeting"), "SZ02")).StatusCode);
    }
}
