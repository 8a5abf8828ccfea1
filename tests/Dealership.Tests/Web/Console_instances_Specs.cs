using System.Net.Http.Json;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>
/// Operations staff follow the leads' flows in the console: which version each runs, where it waits, what failed; they
/// move a lead's flow onto a newer version, retry a failed step and cancel a flow, each on the instance's own page.
/// </summary>
public sealed class Console_instances_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private TestApp _app = null!;
    private HttpClient _ops = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _ops = await _app.SignInAsync("ops");
    }

    public async Task DisposeAsync()
    {
        _ops.Dispose();
        await _app.DisposeAsync();
    }

    private sealed record Instance(Guid Id, string VersionLabel, string Status, bool HasOpenIncident, List<string> WaitingAt);
    private sealed record FlowTask(Guid Id, string Kind, DateTimeOffset CreatedAt, DateTimeOffset DueAt);

    private Task<Instance> FlowOfAsync(Guid leadId, Func<Instance, bool> until, string because) =>
        Eventually.Get(async () => (await _ops.GetFromJsonAsync<List<Instance>>($"/api/workflow-instances?businessKey={leadId}&dealershipCode=DEMO01"))!.SingleOrDefault(),
            i => i is not null && until(i), TimeSpan.FromSeconds(60), because)!;

    private Task<FlowTask> FirstContactAsync(Guid leadId) =>
        Eventually.Get(async () => (await _app.Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!.SingleOrDefault(t => t.Kind == "first-contact"),
            t => t is not null, TimeSpan.FromSeconds(60), "the flow gives the consultant the first contact")!;

    private static ILocator Marked(IPage page, string marker, string id) => page.Locator($".instance-canvas g.djs-element.{marker}[data-element-id=\"{id}\"]");

    private async Task<IPage> SignedInAsync(string path)
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!, viewport: new() { Width = 1440, Height = 1000 });
        await page.GotoAsync(path);
        await Browser.SignInAsync(page, "ops");
        await Expect(page.Locator(".mud-layout.interactive")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        return page;
    }

    [Fact]
    public async Task Should_keep_a_lead_of_the_old_version_on_it_until_operations_migrate_it_from_its_page_which_draws_its_path()
    {
        var before = await _app.PostLeadAsync("INSTANCES-BEFORE", "钱先生");
        var old = await FlowOfAsync(before, i => i.WaitingAt.Contains("Task_FirstContact"), "the lead's flow should wait for the first contact");
        Assert.StartsWith("N", old.VersionLabel);

        // Operations publish DEMO01's own version: the first contact within 2 hours, and an undecided customer offered the brochure.
        var xml = await _ops.GetStringAsync("/api/workflows/active-invitation/xml?dealershipCode=DEMO01");
        var edited = xml.Replace("\"PT24H\"", "\"PT2H\"")
            .Replace("<bpmn:sequenceFlow id=\"Flow_Gw_Answer_Timer_FollowUp\"", """
                <bpmn:sequenceFlow id="Flow_Brochure" sourceRef="Gw_Answer" targetRef="Task_Brochure"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">= answer = "undecided"</bpmn:conditionExpression></bpmn:sequenceFlow>
                <bpmn:serviceTask id="Task_Brochure" name="寄送车型资料"><bpmn:extensionElements><zeebe:taskDefinition type="publish-event" /><zeebe:taskHeaders><zeebe:header key="event" value="brochure-offered" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_Brochure_FollowUp" sourceRef="Task_Brochure" targetRef="Timer_FollowUp" />
                <bpmn:sequenceFlow id="Flow_Gw_Answer_Timer_FollowUp"
                """)
            // Drawn where the designer would place it: between the accepted and the declined branches.
            .Replace("</bpmndi:BPMNPlane>", """
                <bpmndi:BPMNShape id="Task_Brochure_di" bpmnElement="Task_Brochure"><dc:Bounds x="640" y="446" width="100" height="56" /></bpmndi:BPMNShape>
                <bpmndi:BPMNEdge id="Flow_Brochure_di" bpmnElement="Flow_Brochure"><di:waypoint x="570" y="445" /><di:waypoint x="570" y="474" /><di:waypoint x="640" y="474" /></bpmndi:BPMNEdge>
                <bpmndi:BPMNEdge id="Flow_Brochure_FollowUp_di" bpmnElement="Flow_Brochure_FollowUp"><di:waypoint x="680" y="446" /><di:waypoint x="680" y="318" /></bpmndi:BPMNEdge>
                </bpmndi:BPMNPlane>
                """);
        Assert.NotEqual(xml, edited);
        await _ops.PublishDiagramAsync("active-invitation", edited, "DEMO01");

        // A lead submitted now follows the new version; the one before stays on its own.
        var after = await _app.PostLeadAsync("INSTANCES-AFTER", "孙女士");
        var current = await FlowOfAsync(after, i => i.WaitingAt.Contains("Task_FirstContact"), "the new lead's flow should wait for the first contact");
        Assert.Equal("DEMO01-1", current.VersionLabel);
        var task = await FirstContactAsync(after);
        // Due 2 hours after the assignment, which the task's creation follows by moments.
        Assert.InRange(task.DueAt - task.CreatedAt, TimeSpan.FromMinutes(119), TimeSpan.FromHours(2));
        Assert.Equal(old.VersionLabel, (await FlowOfAsync(before, _ => true, "the old lead's flow is there")).VersionLabel);

        // Operations find the old lead's flow among the instances of the old version.
        var page = await SignedInAsync("/");
        await page.Locator(".main-nav").GetByRole(AriaRole.Link, new() { Name = "流程实例" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "流程实例" })).ToBeVisibleAsync();
        await Expect(page.Locator($".instance-list tr.instance[data-instance-id='{current.Id}']")).ToHaveAttributeAsync("data-version", "DEMO01-1", new() { Timeout = 60_000 });
        await page.Locator(".instance-filters select[name=processKey]").SelectOptionAsync("active-invitation");
        await page.Locator(".instance-filters select[name=version]").SelectOptionAsync(old.VersionLabel);
        await page.Locator(".show-instances").ClickAsync();
        var row = page.Locator(".instance-list tr.instance");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToHaveAttributeAsync("data-instance-id", old.Id.ToString());
        await Expect(row).ToContainTextAsync("钱先生");
        await Expect(row.Locator(".waiting-at")).ToHaveTextAsync("24小时内进行第一次跟进");
        await Expect(row).ToContainTextAsync("今天");
        await Browser.ScreenshotAsync(page, "instances-list-zh");

        // Its page draws the way it came and where it waits on its own version's diagram.
        await row.Locator(".open-instance").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "流程实例 · 主动联络与邀约客户" })).ToBeVisibleAsync();
        await Expect(Marked(page, "path-completed", "Start")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(Marked(page, "path-taken", "Flow_Start_Task_FirstContact")).ToHaveCountAsync(1);
        await Expect(Marked(page, "instance-waiting", "Task_FirstContact")).ToHaveCountAsync(1);
        await Expect(page.Locator(".instance-canvas g.djs-element.path-completed")).ToHaveCountAsync(1);
        await Expect(page.Locator(".instance-version")).ToHaveTextAsync(old.VersionLabel);
        await Expect(page.Locator(".wait-list")).ToContainTextAsync("人工任务");
        await Expect(page.Locator(".journal")).ToContainTextAsync("24小时内进行第一次跟进");
        await Browser.ScreenshotAsync(page, "instance-old-version-zh");

        // The plan maps the steps by id; tried first, then run.
        await page.Locator(".target-version").SelectOptionAsync("DEMO01-1");
        await Expect(page.Locator(".plan-row[data-element-id='Task_FirstContact'] .plan-target")).ToHaveValueAsync("Task_FirstContact");
        await Expect(page.Locator(".migrate")).ToBeDisabledAsync();
        await page.Locator(".dry-run").ClickAsync();
        await Expect(page.Locator(".dry-run-result")).ToContainTextAsync($"可以从 {old.VersionLabel} 迁移到 DEMO01-1");
        Assert.Equal(old.VersionLabel, (await FlowOfAsync(before, _ => true, "the dry run moves nothing")).VersionLabel);
        await Browser.ScreenshotAsync(page, "instance-dry-run-zh");
        // Mapped to nothing, the step it is at is refused, in the step's name.
        await page.Locator(".plan-row[data-element-id='Task_FirstContact'] .plan-target").SelectOptionAsync("");
        await page.Locator(".dry-run").ClickAsync();
        await Expect(page.Locator(".dry-run-result")).ToContainTextAsync("实例停在“24小时内进行第一次跟进”（人工任务）");
        await Expect(page.Locator(".migrate")).ToBeDisabledAsync();
        await Browser.ScreenshotAsync(page, "instance-dry-run-refused-zh");
        await page.Locator(".plan-row[data-element-id='Task_FirstContact'] .plan-target").SelectOptionAsync("Task_FirstContact");
        await page.Locator(".dry-run").ClickAsync();
        await Expect(page.Locator(".migrate")).ToBeEnabledAsync();
        await page.Locator(".migrate").ClickAsync();
        await Expect(page.Locator(".instance-message")).ToContainTextAsync($"已从 {old.VersionLabel} 迁移到 DEMO01-1");
        await Expect(page.Locator(".instance-version")).ToHaveTextAsync("DEMO01-1");
        await Expect(Marked(page, "instance-waiting", "Task_FirstContact")).ToHaveCountAsync(1);
        await Expect(page.Locator(".journal")).ToContainTextAsync("已迁移");
        Assert.Equal("DEMO01-1", (await FlowOfAsync(before, _ => true, "the migration moves it")).VersionLabel);

        // It now runs the new version: the undecided customer is offered the brochure, a step only DEMO01-1 has.
        var done = await _app.Client.PostAsJsonAsync($"/api/tasks/{(await FirstContactAsync(before)).Id}/complete", new { contact = "reached", answer = "undecided" });
        Assert.True(done.IsSuccessStatusCode, await done.Content.ReadAsStringAsync());
        await FlowOfAsync(before, i => i.WaitingAt.Contains("Timer_FollowUp"), "the migrated flow should go on along the new version's branch");
        await page.ReloadAsync();
        await Expect(Marked(page, "path-completed", "Task_Brochure")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(Marked(page, "path-taken", "Flow_Brochure")).ToHaveCountAsync(1);
        await Expect(Marked(page, "path-completed", "Task_FirstContact")).ToHaveCountAsync(1);
        await Expect(Marked(page, "instance-waiting", "Timer_FollowUp")).ToHaveCountAsync(1);
        await Expect(page.Locator(".wait-list")).ToContainTextAsync("定时");
        await Expect(page.Locator(".journal")).ToContainTextAsync("寄送车型资料");
        await Browser.ScreenshotAsync(page, "instance-migrated-path-zh");
        await page.Locator(".journal-entry[data-outcome='migrated']").First.ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "instance-journal-zh");
    }

    /// <summary>A flow of DEMO01's that waits as long as its variable "delay" says: a delay that is no duration fails the step.</summary>
    private const string CallbackFlow = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                          xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
          <bpmn:process id="callback-wait" name="Callback reminder" isExecutable="true">
            <bpmn:startEvent id="start" name="Callback promised" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
            <bpmn:intermediateCatchEvent id="wait" name="Until the promised time">
              <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">= duration(delay)</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
            <bpmn:endEvent id="end" name="Called back" />
          </bpmn:process>
          <bpmndi:BPMNDiagram id="diagram">
            <bpmndi:BPMNPlane id="plane" bpmnElement="callback-wait">
              <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
              <bpmndi:BPMNShape id="wait_di" bpmnElement="wait"><dc:Bounds x="260" y="100" width="36" height="36" /></bpmndi:BPMNShape>
              <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="420" y="100" width="36" height="36" /></bpmndi:BPMNShape>
              <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="118" /><di:waypoint x="260" y="118" /></bpmndi:BPMNEdge>
              <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="296" y="118" /><di:waypoint x="420" y="118" /></bpmndi:BPMNEdge>
            </bpmndi:BPMNPlane>
          </bpmndi:BPMNDiagram>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task Should_retry_a_failed_step_with_fixed_variables_and_cancel_the_flow_in_english()
    {
        await _ops.PublishDiagramAsync("callback-wait", CallbackFlow, "DEMO01");
        var broken = (await _ops.StartInstanceAsync("callback-wait", new { delay = "tomorrow" }, "DEMO01", businessKey: "CALLBACK-7")).Id();

        var page = await SignedInAsync("/workflows/instances");
        await Browser.ReadInEnglishAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Workflow instances" })).ToBeVisibleAsync();
        await Expect(page.Locator(".mud-layout.interactive")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await page.Locator(".instance-filters select[name=state]").SelectOptionAsync("incident");
        await page.Locator(".show-instances").ClickAsync();
        var row = page.Locator(".instance-list tr.instance");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Callback reminder");
        await Expect(row).ToContainTextAsync("Incident");
        await Expect(row).ToContainTextAsync("Today");
        await Browser.ScreenshotAsync(page, "instances-incident-list-en");
        await row.Locator(".open-instance").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Workflow instance · Callback reminder" })).ToBeVisibleAsync();
        await Expect(Marked(page, "instance-incident", "wait")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(page.Locator(".incident-note[data-element-id='wait']")).ToContainTextAsync("\"tomorrow\" is not an ISO 8601 duration");
        await Expect(page.Locator(".instance-incidents")).ToContainTextAsync("Until the promised time");
        await Browser.ScreenshotAsync(page, "instance-incident-en");

        // Retried as it is, it fails again; with the delay fixed it waits.
        await page.Locator(".retry-incident").ClickAsync();
        await Expect(page.Locator(".instance-message")).ToContainTextAsync("failed again");
        await page.Locator(".retry-variables input").FillAsync("{\"delay\": \"PT1H\"}");
        await page.Locator(".retry-incident").ClickAsync();
        await Expect(page.Locator(".instance-message")).ToHaveTextAsync("The step was retried.");
        await Expect(page.Locator(".instance-incidents")).ToHaveCountAsync(0);
        await Expect(Marked(page, "instance-waiting", "wait")).ToHaveCountAsync(1);
        await Expect(page.Locator(".wait-list")).ToContainTextAsync("A timer");
        await Expect(page.Locator(".journal")).ToContainTextAsync("Retried");

        // Cancelled after a confirmation, it waits for nothing.
        string? question = null;
        page.Dialog += async (_, dialog) =>
        {
            question = dialog.Message;
            await dialog.AcceptAsync();
        };
        await page.Locator(".cancel-instance").ClickAsync();
        await Expect(page.Locator(".instance-message")).ToHaveTextAsync("The instance is cancelled.");
        Assert.Contains("CALLBACK-7", question);
        await Expect(page.Locator(".instance-facts .state-cancelled")).ToBeVisibleAsync();
        await Expect(page.Locator(".cancel-instance")).ToHaveCountAsync(0);
        await Expect(page.Locator(".instance-canvas g.djs-element.instance-waiting")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "instance-cancelled-en");
        var view = await _ops.GetInstanceAsync(broken);
        Assert.Equal("cancelled", view["instance"]!["status"]!.GetValue<string>());
    }
}
