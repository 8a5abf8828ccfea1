using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dealership.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>
/// Operations staff change a flow in the workflow designer (the vendored bpmn-js modeler with the Zeebe properties panel):
/// the server's check follows every edit, draws its findings on the diagram and keeps publishing closed until none is left.
/// </summary>
public sealed partial class Console_designer_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record VersionRow(int Version, string Status, string? PublishedBy, DateTimeOffset? PublishedAt, string? Label = null, string? RestoredFrom = null);

    private static ILocator Shape(IPage page, string id) => page.Locator($".designer-canvas g.djs-element[data-element-id=\"{id}\"]").First;

    private static ILocator Group(IPage page, string title) =>
        page.Locator(".designer-properties .bio-properties-panel-group-header", new() { HasText = title }).First;

    /// <summary>Opens a group of the properties panel unless it is open already.</summary>
    private static async Task OpenGroupAsync(IPage page, string title)
    {
        var header = Group(page, title);
        if (!(await header.GetAttributeAsync("class") ?? "").Contains("open"))
            await header.ClickAsync();
    }

    /// <summary>Types into a FEEL field of the properties panel (an editor, not an input), replacing what it held.</summary>
    private static async Task TypeFeelAsync(IPage page, ILocator entry, string text)
    {
        var editor = entry.Locator(".cm-content").First;
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.InsertTextAsync(text);
    }

    /// <summary>Clicks a (straight) sequence flow in the middle of its line, as a person picks a line with the mouse.</summary>
    private static async Task ClickFlowAsync(IPage page, string id)
    {
        var box = (await page.Locator($".designer-canvas g.djs-connection[data-element-id=\"{id}\"]").First.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
    }

    /// <summary>Clicks where the diagram is empty: nothing selected, no context pad in the way.</summary>
    private static Task ClickEmptyAsync(IPage page) =>
        page.Locator(".designer-canvas .djs-container svg").First.ClickAsync(new() { Position = new() { X = 40, Y = 600 } });

    // A finding quotes an id 'so' in English and “so” in Chinese.
    [GeneratedRegex("['“](Flow_[A-Za-z0-9_]+)['”]")]
    private static partial Regex FlowId();

    [Fact]
    public async Task Should_change_a_deadline_draw_a_branch_see_it_checked_and_publish_it()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!, viewport: new() { Width = 1440, Height = 960 });
        // Signed in on the start page, as a person arrives: the menu then leads to another page, not to the one shown.
        await page.GotoAsync("/");
        await Browser.SignInAsync(page, "ops");
        // Sign-in loads the page anew: a click before its circuit is live can be lost while the router takes over
        // (2 of 4 runs stayed on the list).
        await Expect(page.Locator(".mud-layout.interactive")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        // Operations find the designer in the menu, and the flow in its list.
        await page.Locator(".main-nav").GetByRole(AriaRole.Link, new() { Name = "流程设计器" }).ClickAsync();
        await Expect(page.Locator(".mud-layout.interactive")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await page.Locator(".workflow-list tr", new() { HasText = "active-invitation" }).GetByRole(AriaRole.Link, new() { Name = "在设计器中打开" }).ClickAsync();
        try
        {
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "流程设计器 · 主动联络与邀约客户" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        }
        catch
        {
            await Browser.ScreenshotAsync(page, "designer-not-opened");
            throw;
        }
        await Expect(Shape(page, "Task_FirstContact")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator(".no-findings")).ToBeVisibleAsync();
        await Expect(page.Locator(".version-list .version")).ToContainTextAsync(["已发布（使用中）"]);
        // DEMO01 has no version of its own yet: it runs the network's, labelled N….
        await Expect(page.Locator(".designer-state")).ToContainTextAsync("已发布 · N");
        await Expect(page.Locator(".designer-owner")).ToContainTextAsync("首次保存");
        await Browser.ScreenshotAsync(page, "designer-opened-zh");

        // The first contact is due within 2 hours, not 24: the deadline the task's timer and due date read.
        await Shape(page, "Task_FirstContact").ClickAsync();
        await OpenGroupAsync(page, "输入映射");
        // What the publish check refuses is not offered: no listeners, no priority.
        await Expect(Group(page, "执行监听器")).ToHaveCountAsync(0);
        await Expect(Group(page, "任务优先级")).ToHaveCountAsync(0);
        var input = page.Locator(".designer-properties .bio-properties-panel-collapsible-entry", new() { HasText = "firstContactDeadline" }).First;
        await input.Locator(".bio-properties-panel-collapsible-entry-header").ClickAsync();
        await TypeFeelAsync(page, input.Locator("[data-entry-id$='source']"), "\"PT2H\"");
        await Shape(page, "Timer_FirstContactOverdue").ClickAsync();
        await OpenGroupAsync(page, "常规");
        await page.Locator(".designer-properties [name=name]").FillAsync("超过2小时未跟进");
        await Expect(Shape(page, "Timer_FirstContactOverdue_label")).ToContainTextAsync("超过2小时未跟进");
        // Leaving with these edits unsaved asks first; declined, the page and its edits stay.
        var asked = new TaskCompletionSource<string>();
        void Decline(object? sender, IDialog dialog)
        {
            asked.TrySetResult(dialog.Message);
            _ = dialog.DismissAsync();
        }
        page.Dialog += Decline;
        await page.Locator(".designer-owner").GetByRole(AriaRole.Link, new() { Name = "全部流程" }).ClickAsync();
        Assert.Contains("未保存", await asked.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        page.Dialog -= Decline;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "流程设计器 · 主动联络与邀约客户" })).ToBeVisibleAsync();
        await Expect(Shape(page, "Timer_FirstContactOverdue_label")).ToContainTextAsync("超过2小时未跟进");

        // A new branch after "does the customer accept?": a task of the consultant's, appended from the gateway's context pad,
        // close enough to read (the wheel with Ctrl zooms around the pointer).
        await Shape(page, "Gw_Answer").HoverAsync();
        await page.Keyboard.DownAsync("Control");
        for (var i = 0; i < 4; i++)
            await page.Mouse.WheelAsync(0, -120);
        await page.Keyboard.UpAsync("Control");
        await Shape(page, "Gw_Answer").ClickAsync();
        await page.Locator(".djs-context-pad .entry[data-action='append.user-task']").ClickAsync();
        await page.Keyboard.InsertTextAsync("客户要求回电");
        await ClickEmptyAsync(page);

        // Incomplete, it is a finding: the new flow has no condition, so the gateway could not choose.
        var finding = page.Locator(".finding", new() { HasText = "客户是否接受？" });
        await Expect(finding).ToBeVisibleAsync();
        await Expect(finding).ToContainTextAsync("从网关出发的连线“Flow_");
        await Expect(page.Locator(".finding-badge[data-element-id='Gw_Answer']")).ToBeVisibleAsync();
        await Expect(page.Locator(".publish")).ToBeDisabledAsync();
        await Browser.ScreenshotAsync(page, "designer-finding-zh");
        var flowId = FlowId().Match(await finding.InnerTextAsync()).Groups[1].Value;
        Assert.NotEmpty(flowId);
        // The finding selects what it is about.
        await ClickEmptyAsync(page);
        await Expect(page.Locator(".designer-properties .bio-properties-panel-header-label")).ToContainTextAsync("主动联络与邀约客户");
        await finding.ClickAsync();
        await Expect(page.Locator(".designer-properties .bio-properties-panel-header-label")).ToContainTextAsync("客户是否接受？");

        // Completed: the flow's condition and name, the consultant as the task's assignee, and an end.
        await ClickEmptyAsync(page);
        await ClickFlowAsync(page, flowId);
        await Expect(page.Locator(".designer-properties [name=name]")).ToHaveValueAsync("");
        await OpenGroupAsync(page, "条件");
        await TypeFeelAsync(page, page.Locator(".designer-properties [data-entry-id='conditionExpression']"), "answer = \"call-me-back\"");
        await OpenGroupAsync(page, "常规");
        await page.Locator(".designer-properties [name=name]").FillAsync("客户要求回电");
        // The new task lies over the gateway's other flow where bpmn-js placed it: picked by its corner, off the line.
        var task = page.Locator(".designer-canvas g.djs-shape", new() { HasText = "客户要求回电" }).First;
        await ClickEmptyAsync(page);
        await task.ClickAsync(new() { Position = new() { X = 12, Y = 12 } });
        await OpenGroupAsync(page, "分配");
        await page.Locator("#bio-properties-panel-assignmentDefinitionAssignee").FillAsync("=consultantId");
        await ClickEmptyAsync(page);
        await task.ClickAsync(new() { Position = new() { X = 12, Y = 12 } });
        await page.Locator(".djs-context-pad .entry[data-action='append.end-event']").ClickAsync();
        await Expect(page.Locator(".no-findings")).ToBeVisibleAsync();
        await Expect(page.Locator(".finding-badge")).ToHaveCountAsync(0);

        await page.Locator(".save-draft").ClickAsync();
        await Expect(page.Locator(".designer-message")).ToContainTextAsync("草稿已保存（DEMO01-1）");
        await Expect(page.Locator(".publish")).ToBeEnabledAsync();
        await page.Locator(".publish").ClickAsync();
        await Expect(page.Locator(".designer-message")).ToContainTextAsync("DEMO01-1 已发布");
        await Expect(page.Locator(".version-list .version").First).ToContainTextAsync("孙磊 (运营)");
        // Its own version from now on, labelled as DEMO01's so that it is not read as the network's version 1.
        await Expect(page.Locator(".designer-state")).ToHaveTextAsync("已发布 · DEMO01-1");
        await Expect(page.Locator(".version-list .version").First.Locator(".version-label")).ToHaveTextAsync("DEMO01-1");
        await Expect(page.Locator(".designer-owner")).Not.ToContainTextAsync("首次保存");
        await Browser.ScreenshotAsync(page, "designer-published-zh");

        using var ops = await _app.SignInAsync("ops");
        var versions = await ops.GetFromJsonAsync<List<VersionRow>>("/api/workflows/active-invitation/versions?dealershipCode=DEMO01");
        var published = Assert.Single(versions!, v => v.Status == "published");
        Assert.Equal(1, published.Version);
        Assert.NotNull(published.PublishedAt);
        var xml = await ops.GetStringAsync($"/api/workflows/active-invitation/xml?dealershipCode=DEMO01&version={published.Version}");
        Assert.Contains("PT2H", xml);
        Assert.DoesNotContain("PT24H", xml);
        Assert.Contains("name=\"客户要求回电\"", xml);
        Assert.Contains("call-me-back", xml);

        // A second version, then second thoughts: the first is published again, as the newest version, after a confirmation.
        // The second is saved as a draft, edited once more, and published at once: the page hears of an edit only after a
        // pause, yet what is published is what the diagram shows, the last edit with it.
        await ClickEmptyAsync(page);
        await task.ClickAsync(new() { Position = new() { X = 12, Y = 12 } });
        await OpenGroupAsync(page, "常规");
        await page.Locator(".designer-properties [name=name]").FillAsync("客户要求今天回电");
        await Expect(page.Locator(".publish")).ToBeEnabledAsync();
        await page.Locator(".save-draft").ClickAsync();
        await Expect(page.Locator(".designer-message")).ToContainTextAsync("草稿已保存（DEMO01-2）");
        await page.Locator(".designer-properties [name=name]").FillAsync("客户要求尽快回电");
        await Expect(page.Locator(".designer-canvas g.djs-shape", new() { HasText = "客户要求尽快回电" }).First).ToBeVisibleAsync();
        await page.Locator(".publish").ClickAsync();
        await Expect(page.Locator(".designer-message")).ToContainTextAsync("DEMO01-2 已发布");
        var second = await ops.GetStringAsync("/api/workflows/active-invitation/xml?dealershipCode=DEMO01&version=2");
        Assert.Contains("name=\"客户要求尽快回电\"", second);
        string? question = null;
        page.Dialog += async (_, dialog) =>
        {
            question = dialog.Message;
            await dialog.AcceptAsync();
        };
        await page.Locator(".version-list .version[data-version='1'] .restore-version").ClickAsync();
        await Expect(page.Locator(".designer-message")).ToContainTextAsync("DEMO01-1 已重新发布为 DEMO01-3");
        Assert.Contains("DEMO01-1", question);
        await Expect(page.Locator(".designer-state")).ToHaveTextAsync("已发布 · DEMO01-3");
        await Expect(page.Locator(".version-list .version").First).ToContainTextAsync("恢复自 DEMO01-1");
        await Expect(Shape(page, "Timer_FirstContactOverdue_label")).ToContainTextAsync("超过2小时未跟进");
        await Expect(page.Locator(".designer-canvas g.djs-shape", new() { HasText = "客户要求回电" })).Not.ToHaveCountAsync(0);
        await Expect(page.Locator(".designer-canvas g.djs-shape", new() { HasText = "客户要求尽快回电" })).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "designer-restored-zh");
        versions = await ops.GetFromJsonAsync<List<VersionRow>>("/api/workflows/active-invitation/versions?dealershipCode=DEMO01");
        var restored = Assert.Single(versions!, v => v.Status == "published");
        Assert.Equal(3, restored.Version);
        Assert.Equal("DEMO01-1", restored.RestoredFrom);

        // DEMO01's own flow against the network's default, drawn: what DEMO01 added, what it changed, on both diagrams.
        await page.Locator(".designer-owner .compare-with-network").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "版本对比 · 主动联络与邀约客户" })).ToBeVisibleAsync();
        await Expect(page.Locator("#older-title")).ToHaveTextAsync(new Regex("^基准：N1 · 全网默认"));
        await Expect(page.Locator("#newer-title")).ToHaveTextAsync(new Regex("^对比：DEMO01-3 · 专用流程"));
        var newer = page.Locator(".compare-newer");
        var older = page.Locator(".compare-older");
        await Expect(newer.Locator("g.djs-shape.diff-added", new() { HasText = "客户要求回电" })).ToHaveCountAsync(1);
        await Expect(newer.Locator("g.diff-changed[data-element-id='Timer_FirstContactOverdue']")).ToHaveCountAsync(1);
        await Expect(older.Locator("g.diff-changed[data-element-id='Timer_FirstContactOverdue']")).ToHaveCountAsync(1);
        // What was added exists only in the newer version; nothing was removed.
        await Expect(older.Locator("g.diff-added")).ToHaveCountAsync(0);
        await Expect(page.Locator(".change.diff-removed")).ToHaveCountAsync(0);
        await Expect(page.Locator(".change.diff-added", new() { HasText = "客户要求回电 · 人工任务" })).ToHaveCountAsync(1);
        // The end event drawn after it has no name: it is called by its kind, not by the id the modeller made up.
        await Expect(page.Locator(".change.diff-added", new() { HasText = "（未命名） · 结束事件" })).ToHaveCountAsync(1);
        await Expect(page.Locator(".change.diff-added", new() { HasText = "连线：客户要求回电 → 结束事件" })).ToHaveCountAsync(1);
        // The deadline is the first-contact task's input; the timer on it only took the new name.
        await Expect(page.Locator(".change.diff-changed[data-element-id='Timer_FirstContactOverdue']")).ToContainTextAsync("改动：名称");
        var deadlineChange = page.Locator(".change.diff-changed[data-element-id='Task_FirstContact']");
        await Expect(deadlineChange).ToContainTextAsync("改动：输入变量");
        await deadlineChange.ClickAsync();
        await Expect(newer.Locator("g.diff-selected[data-element-id='Task_FirstContact']")).ToHaveCountAsync(1);
        await Expect(older.Locator("g.diff-selected[data-element-id='Task_FirstContact']")).ToHaveCountAsync(1);
        // Brought close enough to read, then the whole flow again, then the wheel: both diagrams always at one scale.
        var newTask = newer.Locator("g.djs-shape[data-element-id='Task_FirstContact']");
        var oldTask = older.Locator("g.djs-shape[data-element-id='Task_FirstContact']");
        Assert.True((await newTask.BoundingBoxAsync())!.Width >= 90);
        await page.Locator(".compare-fit").ClickAsync();
        var whole = await Eventually.Get(() => newTask.BoundingBoxAsync(), b => b!.Width < 80, because: "the whole flow should be drawn again");
        await newer.HoverAsync();
        await page.Mouse.WheelAsync(0, -300);
        var zoomed = await Eventually.Get(() => newTask.BoundingBoxAsync(), b => b!.Width > whole!.Width * 1.3, because: "the wheel should zoom in");
        await Eventually.Get(() => oldTask.BoundingBoxAsync(), b => Math.Abs(b!.Width - zoomed!.Width) < 1, because: "the other diagram should follow");
        await Browser.ScreenshotAsync(page, "compare-network-zh");

        // Two of DEMO01's own versions, picked from the designer's list: the second only renamed the new task.
        await page.GetByRole(AriaRole.Link, new() { Name = "返回设计器" }).ClickAsync();
        await page.Locator(".version-list .version[data-version='2'] .compare-version").ClickAsync();
        await Expect(page.Locator("#older-title")).ToHaveTextAsync(new Regex("^基准：DEMO01-1 · 专用流程"));
        await Expect(page.Locator(".change")).ToHaveCountAsync(1);
        await Expect(page.Locator(".change.diff-changed")).ToContainTextAsync("客户要求尽快回电 · 人工任务");
        await Expect(page.Locator(".change.diff-changed")).ToContainTextAsync("改动：名称");
        await Expect(page.Locator(".compare-newer g.djs-shape.diff-changed", new() { HasText = "客户要求尽快回电" })).ToHaveCountAsync(1);
        await Expect(page.Locator(".compare-older g.djs-shape.diff-changed", new() { HasText = "客户要求回电" })).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "compare-versions-zh");
        await page.GetByRole(AriaRole.Link, new() { Name = "返回设计器" }).ClickAsync();
        // Back on the designer before the language is switched: the switch returns to the page it was clicked on.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "流程设计器 · 主动联络与邀约客户" })).ToBeVisibleAsync();

        // The same page in English.
        await Browser.ReadInEnglishAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Workflow designer · 主动联络与邀约客户" })).ToBeVisibleAsync();
        await Expect(Shape(page, "Task_FirstContact")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator(".no-findings")).ToContainTextAsync("Nothing found");
        await Shape(page, "Task_Book").ClickAsync();
        await OpenGroupAsync(page, "Settings");
        await Browser.ScreenshotAsync(page, "designer-en");
        await page.Locator(".designer-owner .compare-with-network").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Compare versions · 主动联络与邀约客户" })).ToBeVisibleAsync();
        await Expect(page.Locator(".change.diff-added", new() { HasText = "客户要求回电 · user task" })).ToHaveCountAsync(1);
        await Expect(page.Locator(".change.diff-changed[data-element-id='Timer_FirstContactOverdue']")).ToContainTextAsync("Changed: name");
        // Flows are named by their ends once the diagrams are drawn.
        await Expect(page.Locator(".change.diff-added", new() { HasText = "Flow 客户要求回电 → end event" })).ToHaveCountAsync(1);
        await Expect(page.Locator(".compare-newer g.djs-shape.diff-added", new() { HasText = "客户要求回电" })).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "compare-network-en");
    }
}
