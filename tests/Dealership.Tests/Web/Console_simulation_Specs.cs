using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>
/// Operations staff try a change before publishing it: from the designer, a draft with a 2-hour first contact is simulated over the
/// leads recorded in the last days (the figures beside the published version's, the leads that would take another way drawn on both
/// diagrams), and played by hand, one step at a time, in Chinese and in English.
/// </summary>
public sealed class Console_simulation_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    // Three days ago: the leads are recorded on a clock that then catches up with the real one, so that the console's default
    // period (the last 30 days) holds them and the browser's session is of today.
    private readonly ShiftedClock _clock = new(TimeSpan.FromDays(-3));
    private TestApp _app = null!;
    private readonly Dictionary<string, Guid> _leads = [];

    private sealed record FlowTask(Guid Id, Guid LeadId, string Kind);

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(_clock), settings: ["--Workflow:Engine:TimerPollInterval=00:00:00.200"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static ILocator Figure(IPage page, string key, string column) => page.Locator($".simulation-figures tr[data-figure='{key}'] .{column}");

    [Fact]
    public async Task Should_simulate_a_2_hour_first_contact_over_the_recorded_leads_show_who_would_take_another_way_and_play_it_by_hand()
    {
        await RecordThreeLeadsAsync();
        // Operations draft the 2-hour first contact (the designer spec draws the same change by hand).
        using var ops = await _app.SignInAsync("ops");
        var xml = await ops.GetStringAsync("/api/workflows/active-invitation/xml?dealershipCode=DEMO01");
        var saved = await ops.SaveDraftAsync("active-invitation", xml.Replace("""source='= "PT24H"'""", """source='= "PT2H"'"""), "DEMO01");
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        var draft = (await saved.Content.ReadFromJsonAsync<JsonObject>())!["version"]!["label"]!.GetValue<string>();

        // Notification announces the dealership's SMS rules when it first hears of it; the simulation applies them once they are in.
        await Eventually.Get(async () => await (await ops.PostAsJsonAsync("/api/workflows/active-invitation/simulations", new
            {
                version = draft, dealershipCode = "DEMO01", from = DateTimeOffset.UtcNow.AddDays(-1), to = DateTimeOffset.UtcNow,
            })).Content.ReadFromJsonAsync<JsonObject>(), r => r!["smsRules"] is not null, because: "the dealership's SMS rules should reach the workflow service");

        var page = await browser.NewPageAsync(_app.Client.BaseAddress!, viewport: new() { Width = 1440, Height = 1000 });
        await page.GotoAsync("/designer/active-invitation");
        await Browser.SignInAsync(page, "ops");
        await Expect(page.Locator(".mud-layout.interactive")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(page.Locator(".designer-state")).ToContainTextAsync("草稿 · " + draft, new() { Timeout = 60_000 });
        await Expect(page.Locator(".simulate")).ToBeEnabledAsync(new() { Timeout = 60_000 });
        await Browser.ScreenshotAsync(page, "designer-simulate-zh");

        // 模拟, beside 发布: the draft over the last 30 days of DEMO01, the dealership of the person, against the published version.
        await page.Locator(".simulate").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "模拟 · 主动联络与邀约客户" })).ToBeVisibleAsync();
        await Expect(page.Locator(".simulate-version")).ToHaveValueAsync(draft);
        await Expect(page.Locator(".simulate-dealership-fixed")).ToHaveTextAsync("DEMO01");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Showroom.Shanghai).DateTime);
        await Expect(page.Locator(".simulate-from")).ToHaveValueAsync(today.AddDays(-30).ToString("yyyy-MM-dd"));
        await page.Locator(".run-simulation").ClickAsync();
        await Expect(page.Locator(".simulation-summary")).ToContainTextAsync("回放了", new() { Timeout = 60_000 });
        await Expect(page.Locator(".simulation-summary")).ToContainTextAsync("记录的 3 条线索");
        // Two of the three first calls came after 2 hours: missed in the draft, kept as published; the supervisor would hear twice.
        await Expect(Figure(page, "first-contact-missed", "simulated")).ToHaveTextAsync("2");
        await Expect(Figure(page, "first-contact-missed", "published")).ToHaveTextAsync("0");
        await Expect(Figure(page, "first-contact-missed", "difference")).ToHaveTextAsync("+2");
        await Expect(Figure(page, "first-contact-kept", "simulated")).ToHaveTextAsync("1");
        await Expect(Figure(page, "first-contact-kept", "published")).ToHaveTextAsync("3");
        await Expect(Figure(page, "supervisor-alerts", "simulated")).ToHaveTextAsync("2");
        await Expect(page.Locator(".simulation-figures tr.differs[data-figure='first-contact-missed']")).ToHaveCountAsync(1);
        await Expect(Figure(page, "visits-booked", "simulated")).ToHaveTextAsync("1");
        await Expect(page.Locator(".simulation-figures tr.figure", new() { HasText = "新线索提醒（顾问）" }).Locator(".simulated")).ToHaveTextAsync("3");
        // The dealership's SMS rules (a new dealership's: quiet from 21:00 to 08:00, five a week) are applied to the customer SMS.
        await Expect(page.Locator(".simulation-sms-rules")).ToHaveTextAsync("发给客户的短信按经销商当前的短信规则计算：免打扰时段 21:00–08:00，每位客户任意 7 天内最多 5 条。");
        await Expect(page.Locator(".simulation-figures tr[data-figure='sms-held'] .figure-label")).ToHaveTextAsync("其中因免打扰时段暂缓（时段结束后发出）");
        await Expect(Figure(page, "sms-stopped", "simulated")).ToHaveTextAsync("0");
        // The two leads that would miss the promise, by name; both were called in time as published.
        await Expect(page.Locator("#missed-title")).ToHaveTextAsync($"在 {draft} 下未能按时首次跟进的线索（2）");
        await Expect(page.Locator($".missed-lead[data-lead-id='{_leads["slow"]}'] .missed-customer")).ToHaveTextAsync("慢先生");
        await Expect(page.Locator($".missed-lead[data-lead-id='{_leads["slower"]}'] .missed-published")).ToHaveTextAsync("按时完成或尚未到期");
        await Expect(page.Locator(".simulation-sms-chart")).ToBeVisibleAsync();
        await Expect(page.Locator(".simulation-tasks-chart")).ToBeVisibleAsync();
        // Each person's busiest day and tasks a day, by name.
        await Expect(page.Locator(".simulation-person")).ToHaveCountAsync(3);
        await Expect(page.Locator(".simulation-people")).ToContainTextAsync("王芳");
        await Expect(page.Locator(".simulation-person").First).ToContainTextAsync("最忙");

        // The two leads that would take another way, each drawn on both diagrams: the supervisor's step only in the draft's.
        await Expect(page.Locator(".differing-lead")).ToHaveCountAsync(2);
        var slow = page.Locator($".differing-lead[data-lead-id='{_leads["slow"]}']");
        await Expect(slow.Locator(".differing-customer")).ToHaveTextAsync("慢先生");
        // The draft's timer fires before the first call: the ways part after the start.
        await Expect(slow.Locator(".parts-after")).ToContainTextAsync("线索已分配");
        await Expect(slow.Locator(".next-published")).ToHaveTextAsync("24小时内进行第一次跟进");
        await slow.Locator(".open-differing").ClickAsync();
        var simulated = page.Locator(".simulated-canvas");
        await Expect(simulated.Locator("g.path-completed[data-element-id='Task_NotifySupervisor']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(simulated.Locator("g.path-taken[data-element-id='Flow_Timer_FirstContactOverdue_Task_NotifySupervisor']")).ToHaveCountAsync(1);
        await Expect(page.Locator(".published-canvas g.path-completed[data-element-id='Task_FirstContact']")).ToHaveCountAsync(1);
        await Expect(page.Locator(".published-canvas g.path-completed[data-element-id='Task_NotifySupervisor']")).ToHaveCountAsync(0);
        await Expect(simulated.Locator("g.path-differs[data-element-id='Task_NotifySupervisor']")).ToHaveCountAsync(1);
        await Expect(simulated.Locator("g.path-differs[data-element-id='Task_FirstContact']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#simulated-lead-title")).ToHaveTextAsync("慢先生 的模拟路径");
        // Nothing was started: the lead still has its one flow.
        using (var check = await _app.SignInAsync("ops"))
            Assert.Single((await check.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={_leads["slow"]}&dealershipCode=DEMO01"))!);
        await Browser.ScreenshotAsync(page, "simulation-lead-zh");
        await page.Locator(".simulation-figures").ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "simulation-report-zh");

        // A period the service refuses is said in the reader's words.
        await page.Locator(".simulate-from").FillAsync(today.AddDays(-200).ToString("yyyy-MM-dd"));
        await page.Locator(".run-simulation").ClickAsync();
        await Expect(page.Locator(".simulation-problem")).ToContainTextAsync("最多回放 92 天");

        // 试运行 from the designer: the draft stepped by hand, the token moving on the diagram.
        await page.GetByRole(AriaRole.Link, new() { Name = "返回设计器" }).ClickAsync();
        await page.Locator(".play-draft").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "试运行 · 主动联络与邀约客户" })).ToBeVisibleAsync();
        await Expect(page.Locator(".play-version")).ToHaveValueAsync(draft);
        await page.Locator(".start-play").ClickAsync();
        var canvas = page.Locator(".play-canvas");
        await Expect(canvas.Locator("g.instance-waiting[data-element-id='Task_FirstContact']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(page.Locator(".play-token[data-element-id='Task_FirstContact']")).ToHaveTextAsync("令牌");
        // The 2-hour timer: the supervisor is told, the first call stays open.
        await page.Locator(".play-advance").ClickAsync();
        await Expect(page.Locator(".play-log")).ToContainTextAsync("通知销售主管：将通知销售主管");
        await Expect(canvas.Locator("g.instance-waiting[data-element-id='Task_Reassign']")).ToHaveCountAsync(1);
        await page.Locator(".play-task .play-outcome[data-outcome='accepted']").ClickAsync();
        await Expect(canvas.Locator("g.path-completed[data-element-id='Task_FirstContact']")).ToHaveCountAsync(1);
        await Expect(canvas.Locator("g.instance-waiting[data-element-id='Task_FirstContact']")).ToHaveCountAsync(0);
        await Expect(page.Locator(".play-log")).ToContainTextAsync("将向展厅申请预约");
        await page.Locator(".play-deliver[data-message='appointment-booked']").First.ClickAsync();
        await Expect(page.Locator(".play-log")).ToContainTextAsync("将发送短信“到店指引”");
        await page.Locator(".play-advance").ClickAsync();
        await Expect(page.Locator(".play-log")).ToContainTextAsync("将发送短信“预约前一天确认”");
        await Expect(page.Locator(".play-deliver[data-message='customer-arrived']")).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "play-zh");
        await page.Locator(".start-play").ClickAsync();
        await Expect(canvas.Locator("g.instance-waiting[data-element-id='Task_FirstContact']")).ToHaveCountAsync(1);
        await Expect(canvas.Locator("g.path-completed[data-element-id='Task_Book']")).ToHaveCountAsync(0);

        // The same in English.
        await Browser.ReadInEnglishAsync(page);
        // The switch reloads the page in English: gone elsewhere before, the choice could be lost on the way.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Play · 主动联络与邀约客户" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.GotoAsync($"/designer/active-invitation/simulation?version={draft}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Simulate · 主动联络与邀约客户" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.Locator(".run-simulation").ClickAsync();
        await Expect(page.Locator(".simulation-summary")).ToContainTextAsync("3 leads recorded", new() { Timeout = 60_000 });
        await Expect(page.Locator(".simulation-figures thead")).ToContainTextAsync($"This version ({draft})");
        await Expect(page.Locator(".simulation-figures tr[data-figure='first-contact-missed'] .figure-label")).ToHaveTextAsync("Missed");
        await Expect(Figure(page, "first-contact-missed", "difference")).ToHaveTextAsync("+2");
        await Expect(page.Locator("#differing-title")).ToHaveTextAsync("Leads that would take another way (2)");
        await Expect(page.Locator(".simulation-sms-rules")).ToContainTextAsync("quiet hours 21:00–08:00, at most 5 per customer in any 7 days");
        await Expect(page.Locator("#missed-title")).ToHaveTextAsync($"Leads that would miss the first follow-up promise under {draft} (2)");
        await page.Locator($".differing-lead[data-lead-id='{_leads["slower"]}'] .open-differing").ClickAsync();
        await Expect(page.Locator(".simulated-canvas g.path-completed[data-element-id='Task_NotifySupervisor']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(page.Locator(".published-canvas g.path-completed[data-element-id='Task_FirstContact']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#simulated-lead-title")).ToHaveTextAsync("The simulated way of 更慢女士");
        await Browser.ScreenshotAsync(page, "simulation-lead-en");
        await page.Locator(".simulation-figures").ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "simulation-report-en");

        await page.GotoAsync($"/designer/active-invitation/play?version={draft}");
        await page.Locator(".start-play").ClickAsync();
        await Expect(page.Locator(".play-task .play-outcome[data-outcome='no-answer']")).ToHaveTextAsync("No answer", new() { Timeout = 60_000 });
        await page.Locator(".play-task .play-outcome[data-outcome='no-answer']").ClickAsync();
        await Expect(page.Locator(".play-log")).ToContainTextAsync("No answer");
        await page.Locator(".play-advance").ClickAsync();
        await Expect(page.Locator(".play-canvas g.instance-waiting[data-element-id='Task_Retry']")).ToHaveCountAsync(1);
        await Expect(page.Locator(".play-log")).ToContainTextAsync("Timer fired");
        await Browser.ScreenshotAsync(page, "play-en");

        // Network-wide operations choose the dealership whose leads to replay; its versions follow the choice.
        var network = await browser.NewPageAsync(_app.Client.BaseAddress!, viewport: new() { Width = 1440, Height = 1000 });
        await network.GotoAsync("/designer/active-invitation/simulation");
        await Browser.SignInAsync(network, "network-ops");
        await Expect(network.Locator(".mud-layout.interactive")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(network.Locator(".simulate-dealership")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(network.Locator(".run-simulation")).ToBeDisabledAsync();
        await network.Locator(".simulate-dealership").SelectOptionAsync("DEMO01");
        await Expect(network.Locator($".simulate-version option[value='{draft}']")).ToHaveCountAsync(1);
        await network.Locator(".simulate-version").SelectOptionAsync(draft);
        await network.Locator(".run-simulation").ClickAsync();
        await Expect(Figure(network, "first-contact-missed", "difference")).ToHaveTextAsync("+2", new() { Timeout = 60_000 });
        await Expect(network.Locator(".differing-lead")).ToHaveCountAsync(2);
        await Browser.ScreenshotAsync(network, "simulation-network");
    }

    /// <summary>
    /// Three OEM leads of three days ago, first called after half an hour (declined), three hours (accepted, a visit next week) and
    /// five hours (still thinking): all within the published 24 hours, two of them past a 2-hour deadline.
    /// </summary>
    private async Task RecordThreeLeadsAsync()
    {
        var start = _clock.GetUtcNow();
        _leads["quick"] = await _app.PostLeadAsync("SIMUI-quick", "快先生");
        _leads["slow"] = await _app.PostLeadAsync("SIMUI-slow", "慢先生");
        _leads["slower"] = await _app.PostLeadAsync("SIMUI-slower", "更慢女士");
        var first = new Dictionary<string, FlowTask>();
        foreach (var (name, id) in _leads)
            first[name] = await OpenTaskAsync(id, "first-contact");

        await AtAsync(start.AddMinutes(30));
        await CompleteAsync(first["quick"], new { contact = "reached", answer = "declined" });
        await AtAsync(start.AddHours(3));
        await CompleteAsync(first["slow"], new { contact = "reached", answer = "accepted", visitAt = Showroom.Slot(start, 10) });
        await AtAsync(start.AddHours(5));
        await CompleteAsync(first["slower"], new { contact = "reached", answer = "undecided" });
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<JsonArray>($"/api/appointments?leadId={_leads["slow"]}")!, b => b!.Count == 1,
            because: "the accepted visit should be booked");
        // Back to today: whatever the flows wait for now is days ahead.
        _clock.Offset = TimeSpan.Zero;
        await _app.Services.GetRequiredService<WorkflowTimerPoller>().WaitForNextPassAsync();
    }

    private async Task AtAsync(DateTimeOffset moment)
    {
        _clock.Offset = moment - DateTimeOffset.UtcNow;
        await _app.Services.GetRequiredService<WorkflowTimerPoller>().WaitForNextPassAsync();
    }

    private Task<FlowTask> OpenTaskAsync(Guid leadId, string kind) =>
        Eventually.Get(async () => (await _app.Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!.SingleOrDefault(t => t.Kind == kind),
            t => t is not null, because: $"a {kind} task should open")!;

    private async Task CompleteAsync(FlowTask task, object outcome)
    {
        var response = await _app.Client.PostAsJsonAsync($"/api/tasks/{task.Id}/complete", outcome);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The system's clock moved by an offset: it ticks as the real one does, and the spec moves it forward.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public TimeSpan Offset { get; set; } = offset;
        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;
    }
}
