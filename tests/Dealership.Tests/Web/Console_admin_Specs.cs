using System.Net;
using System.Net.Http.Json;
using Dealership.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>
/// The console's administration: routing rules edited by operations staff, sign-ins made and unlocked by the
/// retail manager, dealerships and integration keys kept by the admin, and each page kept from other roles.
/// </summary>
public sealed class Console_admin_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<IPage> SignInAsync(string person, string path)
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync(path);
        await Browser.SignInAsync(page, person);
        return page;
    }

    private sealed record Rule(string Name, List<string> Sources, List<string> Steps);
    private sealed record Routing(string OutsideHours, List<Rule> Rules);
    private sealed record Assignment(string? Rule);
    private sealed record AssignmentDetail(Assignment Assignment);

    [Fact]
    public async Task Should_save_the_routing_rules_edited_on_the_page_and_route_the_next_lead_by_them()
    {
        var page = await SignInAsync("ops", "/routing");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "线索分配规则" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(page.Locator(".no-rules")).ToHaveTextAsync("暂无本店规则：所有线索按默认方式分配。");

        // A rule without a name is refused, and the page says so beside the rule's name.
        await page.GetByRole(AriaRole.Button, new() { Name = "添加规则" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "保存规则" }).ClickAsync();
        var rules = page.Locator(".routing-rule");
        await Expect(rules.Nth(0)).ToContainTextAsync("请填写规则名称，它会显示在该规则的每次分配记录中。");
        await Expect(page.Locator(".routing-message")).ToContainTextAsync("未保存：");
        await Browser.ScreenshotAsync(page, "routing-invalid-zh");
        await rules.Nth(0).GetByLabel("规则名称").FillAsync("其他线索");

        // The motor show's visitors go to the open pool, before every other rule.
        await page.GetByRole(AriaRole.Button, new() { Name = "添加规则" }).ClickAsync();
        var show = rules.Nth(1);
        await show.GetByLabel("规则名称").FillAsync("车展线索进公共池");
        await show.GetByText("市场活动收集的潜在客户").ClickAsync();
        await show.GetByRole(AriaRole.Button, new() { Name = "为规则 2 添加步骤" }).ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("公共线索池（先抢先得）").ClickAsync();
        await show.GetByRole(AriaRole.Button, new() { Name = "从规则 2 中删除“轮流分配”" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "上移规则 2" }).ClickAsync();
        await Expect(rules.Nth(0).Locator(".rule-title")).ToHaveTextAsync("规则 1：车展线索进公共池");
        await Expect(rules.Nth(1).Locator(".rule-title")).ToHaveTextAsync("规则 2：其他线索");

        await page.Locator(".outside-hours").ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("分配给当前在岗的销售顾问").ClickAsync();
        // The choice reaches the page's state after the click's round trip: save only once the field shows it.
        await Expect(page.GetByLabel("非工作时间到达的线索")).ToHaveValueAsync("分配给当前在岗的销售顾问");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存规则" }).ClickAsync();
        await Expect(page.Locator(".routing-message")).ToHaveTextAsync("已保存，新线索将按这些规则分配。");
        await Browser.ScreenshotAsync(page, "routing-zh");

        var routing = (await _app.Client.GetFromJsonAsync<Routing>("/api/routing-rules?dealershipCode=DEMO01"))!;
        Assert.Equal("whoeverIsOnDuty", routing.OutsideHours);
        Assert.Equal(["车展线索进公共池", "其他线索"], routing.Rules.Select(r => r.Name));
        Assert.Equal(["marketing-event"], routing.Rules[0].Sources);
        Assert.Equal(["pool"], routing.Rules[0].Steps);
        var lead = await _app.PostLeadAsync("ROUTING-PAGE-1", "卫先生", source: "marketing-event");
        await Eventually.Get(async () =>
            {
                // Not found until assignment has taken the lead in.
                using var answer = await _app.Client.GetAsync($"/api/assignments/{lead}");
                return answer.IsSuccessStatusCode ? await answer.Content.ReadFromJsonAsync<AssignmentDetail>() : null;
            },
            a => a?.Assignment.Rule == "车展线索进公共池", because: "the motor show's lead goes by the rule saved on the page");

        // The same rules, read in English.
        await Browser.ReadInEnglishAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Routing rules" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(rules.Nth(0).Locator(".rule-title")).ToHaveTextAsync("Rule 1: 车展线索进公共池");
        await Expect(rules.Nth(0).Locator(".steps")).ToHaveTextAsync("Open pool: first to claim gets it");
        await Expect(page.GetByLabel("A lead outside working hours")).ToHaveValueAsync("Goes to whoever is on duty");
        await Browser.ScreenshotAsync(page, "routing-en");
    }

    [Fact]
    public async Task Should_let_network_staff_edit_the_routing_of_the_dealership_they_chose_and_start_new_sign_ins_there()
    {
        // The administrator (English in the profile) belongs to no dealership: the page asks which one to show.
        var page = await SignInAsync("admin", "/routing");
        await Expect(page.GetByText("This page shows one dealership: choose it at the top of the page.")).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await page.GetByLabel("Dealership to work on").SelectOptionAsync("DEMO02");
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/routing$"));
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(page.Locator(".no-rules")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Add a rule" }).ClickAsync();
        await page.Locator(".routing-rule").GetByLabel("Rule name").FillAsync("苏州店轮流分配");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the rules" }).ClickAsync();
        await Expect(page.Locator(".routing-message")).ToHaveTextAsync("Saved: new leads are routed by these rules.");
        Assert.Equal(["苏州店轮流分配"], (await _app.Client.GetFromJsonAsync<Routing>("/api/routing-rules?dealershipCode=DEMO02"))!.Rules.Select(r => r.Name));
        Assert.Empty((await _app.Client.GetFromJsonAsync<Routing>("/api/routing-rules?dealershipCode=DEMO01"))!.Rules);

        // A new sign-in starts at the chosen dealership; only a network role may have the whole network.
        await page.GotoAsync("/people");
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(page.Locator(".people-list")).ToContainTextAsync("sz-manager");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a person" }).ClickAsync();
        var editor = page.Locator(".person-editor");
        await Expect(editor.GetByLabel("Dealership", new() { Exact = true })).ToHaveValueAsync("DEMO02 · Demo Motors Suzhou");
        await editor.Locator(".person-dealership").ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).Not.ToContainTextAsync("Whole network");
        await page.Keyboard.PressAsync("Escape");
        await editor.Locator(".person-role").ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("operations staff").ClickAsync();
        await editor.Locator(".person-dealership").ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToContainTextAsync("Whole network");
    }

    [Fact]
    public async Task Should_let_the_retail_manager_give_a_consultant_of_the_roster_a_sign_in_that_works()
    {
        var page = await SignInAsync("manager", "/people");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "人员与登录账号" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(page.Locator(".people-list tr", new() { HasText = "wangfang" })).ToContainTextAsync("销售顾问");

        await page.GetByRole(AriaRole.Button, new() { Name = "添加人员" }).ClickAsync();
        var editor = page.Locator(".person-editor");
        await editor.GetByLabel("姓名", new() { Exact = true }).FillAsync("张伟");
        await editor.GetByLabel("用户名", new() { Exact = true }).FillAsync("zhangwei");
        // Only the roster's consultants without a sign-in are offered.
        await editor.Locator(".person-consultant").ClickAsync();
        var offered = page.Locator(".mud-popover-open");
        await Expect(offered).ToContainTextAsync("张伟 Zhang Wei");
        await Expect(offered).Not.ToContainTextAsync("王芳");
        await offered.GetByText("张伟 Zhang Wei").ClickAsync();
        // The select closes its list and awaits the browser before it hands the choice to the page: create only once
        // the field shows it, or the form goes without the consultant.
        await Expect(editor.GetByLabel("对应的销售顾问（排班名单）")).ToHaveValueAsync("张伟 Zhang Wei");

        // A weak password is refused beside the password field, in the reader's language.
        await editor.GetByLabel("初始密码").FillAsync("zhangwei");
        await editor.GetByRole(AriaRole.Button, new() { Name = "创建账号" }).ClickAsync();
        await Expect(editor).ToContainTextAsync("密码至少 8 位，须包含大写字母、小写字母和数字。");
        await Expect(page.Locator(".people-message")).ToContainTextAsync("未保存：");
        await Browser.ScreenshotAsync(page, "people-zh");
        await editor.GetByLabel("初始密码").FillAsync("Zhangwei2026");
        await editor.GetByRole(AriaRole.Button, new() { Name = "创建账号" }).ClickAsync();
        await Expect(page.Locator(".people-message")).ToHaveTextAsync("张伟 现在可以用 zhangwei 登录。");
        await Expect(page.Locator(".people-list tr", new() { HasText = "zhangwei" })).ToContainTextAsync("DEMO01");
        await page.SetViewportSizeAsync(768, 1024);
        // As a tablet opens it (a window narrowed in place keeps the desktop menu's margin a moment).
        await page.ReloadAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(page.Locator(".people-list")).ToContainTextAsync("zhangwei");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "添加人员" })).ToBeEnabledAsync();
        await Browser.ScreenshotAsync(page, "people-tablet-zh");

        var his = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await his.GotoAsync("/");
        await Browser.SignInAsync(his, "zhangwei", "Zhangwei2026");
        await Expect(his.GetByRole(AriaRole.Heading, new() { Name = "您好，张伟" })).ToBeVisibleAsync();
        await Expect(his.Locator(".who-am-i")).ToContainTextAsync("销售顾问");
    }

    [Fact]
    public async Task Should_let_the_retail_manager_unlock_a_consultant_locked_out_by_wrong_passwords()
    {
        using var anonymous = new HttpClient { BaseAddress = _app.Client.BaseAddress };
        for (var i = 0; i < 5; i++)
            await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "liqiang", password = "wrong password" });
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "liqiang", password = TestApp.DemoPassword })).StatusCode);

        var page = await SignInAsync("manager", "/people");
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        var row = page.Locator(".people-list tr", new() { HasText = "liqiang" });
        await Expect(row.Locator(".sign-in-status")).ToContainTextAsync("锁定至");
        await row.GetByRole(AriaRole.Button, new() { Name = "解锁 李强" }).ClickAsync();
        await Expect(page.Locator(".people-message")).ToHaveTextAsync("李强 已解锁，可以再次登录。");
        await Expect(row.Locator(".sign-in-status")).ToHaveTextAsync("可以登录");

        using var liqiang = await _app.SignInAsync("liqiang");
    }

    [Fact]
    public async Task Should_show_a_new_integration_key_once_let_it_submit_leads_and_refuse_it_once_revoked()
    {
        // The admin chose English in the profile.
        var page = await SignInAsync("admin", "/api-clients");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Integration keys" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New integration key" }).ClickAsync();
        var editor = page.Locator(".api-client-editor");
        await editor.GetByLabel("System", new() { Exact = true }).FillAsync("Autohome lead portal");
        await editor.GetByText("DEMO01 · Demo Motors Shanghai").ClickAsync();
        await editor.GetByRole(AriaRole.Button, new() { Name = "Create the key" }).ClickAsync();

        var shown = page.Locator(".new-key");
        await Expect(shown).ToContainTextAsync("it is shown only this once and cannot be shown again");
        var key = await shown.GetByLabel("API key").InputValueAsync();
        Assert.StartsWith("dk_", key);
        await Browser.ScreenshotAsync(page, "api-clients-en");
        using var portal = _app.KeyClient(key);
        var submitted = await portal.PostAsJsonAsync("/api/leads", Lead());
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);

        // Once put away, the key is nowhere on the page again, only its first letters to tell it by.
        await shown.GetByRole(AriaRole.Button, new() { Name = "I have kept it" }).ClickAsync();
        await page.GotoAsync("/api-clients");
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        var row = page.Locator(".api-client-list tr", new() { HasText = "Autohome lead portal" });
        await Expect(row).ToContainTextAsync(key[..8] + "…");
        Assert.DoesNotContain(key, await page.ContentAsync());

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke the key of Autohome lead portal" }).ClickAsync();
        await Expect(page.Locator(".revoke-confirmation")).ToContainTextAsync("cannot be undone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the key", Exact = true }).ClickAsync();
        await Expect(page.Locator(".api-client-message")).ToHaveTextAsync("The key of Autohome lead portal is revoked.");
        await Expect(row.Locator(".key-status")).ToContainTextAsync("Revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.PostAsJsonAsync("/api/leads", Lead())).StatusCode);

        // The page in Chinese on a tablet, for the screenshot.
        await page.GetByRole(AriaRole.Link, new() { Name = "中文" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "系统对接与接口密钥" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await page.SetViewportSizeAsync(768, 1024);
        // On a tablet the list fits the screen: the last column, with the state of the key, is not cut off.
        var right = await page.Locator(".api-client-list .key-status").First.EvaluateAsync<double>("e => e.getBoundingClientRect().right");
        Assert.True(right <= 768, $"the key's state ends at {right} px, past a tablet's 768");
        await Browser.ScreenshotAsync(page, "api-clients-tablet-zh");

        static object Lead() => new
        {
            dealershipCode = "DEMO01", name = "钱女士", phone = TestApp.UniquePhone(), source = "other", channelName = "Autohome", externalId = "AH-" + Guid.NewGuid(),
        };
    }

    [Fact]
    public async Task Should_let_the_admin_open_a_dealership_that_the_other_services_then_know_and_rename_it()
    {
        var page = await SignInAsync("admin", "/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Administrator" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await page.Locator(".main-nav").GetByRole(AriaRole.Link, new() { Name = "Dealerships" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/dealerships"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dealerships" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "New dealership" }).ClickAsync();
        var editor = page.Locator(".dealership-editor");
        await editor.GetByLabel("Code").FillAsync("DEMO01");
        await editor.GetByLabel("Chinese name").FillAsync("演示汽车杭州店");
        await editor.GetByLabel("English name").FillAsync("Demo Motors Hangzhou");
        await editor.GetByLabel("Time zone").FillAsync("Hangzhou");
        await editor.GetByLabel("Showroom address").FillAsync("杭州市西湖区文三路 100 号");
        await editor.GetByLabel("Map link").FillAsync("uri.amap.com/marker?position=120.1310,30.2770");
        await editor.GetByLabel("Parking").FillAsync("展厅东侧地面停车场，免费");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(editor).ToContainTextAsync("Not a time zone: use an id such as Asia/Shanghai.");
        await Expect(editor).ToContainTextAsync("Give a web link that starts with https:// or http://");
        await editor.GetByLabel("Time zone").FillAsync("Asia/Shanghai");
        await editor.GetByLabel("Map link").FillAsync("https://uri.amap.com/marker?position=120.1310,30.2770");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(editor).ToContainTextAsync("A dealership with this code exists already.");
        await Browser.ScreenshotAsync(page, "dealerships-en");
        await editor.GetByLabel("Code").FillAsync("DEMO03");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator(".dealership-message")).ToHaveTextAsync("DEMO03 is saved; the other services follow within moments.");
        await Expect(page.Locator(".dealership-list tr", new() { HasText = "DEMO03" })).ToContainTextAsync("Demo Motors Hangzhou");

        // Assignment learns of it: the new dealership has routing settings of its own.
        await Eventually.Get(async () => (await _app.Client.GetAsync("/api/routing-rules?dealershipCode=DEMO03")).StatusCode,
            status => status == HttpStatusCode.OK, because: "assignment follows the new dealership");

        await page.GetByRole(AriaRole.Button, new() { Name = "Edit DEMO03" }).ClickAsync();
        await Expect(editor.GetByLabel("English name")).ToHaveValueAsync("Demo Motors Hangzhou");
        await Expect(editor.GetByLabel("Map link")).ToHaveValueAsync("https://uri.amap.com/marker?position=120.1310,30.2770");
        await Expect(editor.GetByLabel("Parking")).ToHaveValueAsync("展厅东侧地面停车场，免费");
        await editor.GetByLabel("English name").FillAsync("Demo Motors Hangzhou West Lake");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator(".dealership-list tr", new() { HasText = "DEMO03" })).ToContainTextAsync("Demo Motors Hangzhou West Lake");
    }

    [Fact]
    public async Task Should_keep_each_page_from_the_roles_whose_work_it_is_not()
    {
        var consultant = await SignInAsync("wangfang", "/people");
        await Expect(consultant.Locator(".denied")).ToHaveTextAsync("此页面不属于您的岗位权限。");
        await consultant.GotoAsync("/routing");
        await Expect(consultant.Locator(".denied")).ToHaveTextAsync("此页面不属于您的岗位权限。");
        await Expect(consultant.Locator(".main-nav")).ToContainTextAsync("我的一天");
        await Expect(consultant.Locator(".main-nav")).Not.ToContainTextAsync("分配规则");
        await Expect(consultant.Locator(".main-nav")).Not.ToContainTextAsync("人员账号");

        // The retail manager keeps the dealership's people and routing, not the network's dealerships and keys.
        var manager = await SignInAsync("manager", "/api-clients");
        await Expect(manager.Locator(".denied")).ToHaveTextAsync("此页面不属于您的岗位权限。");
        await manager.GotoAsync("/dealerships");
        await Expect(manager.Locator(".denied")).ToHaveTextAsync("此页面不属于您的岗位权限。");
        await Expect(manager.Locator(".main-nav")).ToContainTextAsync("人员账号");
        await Expect(manager.Locator(".main-nav")).ToContainTextAsync("分配规则");
        await Expect(manager.Locator(".main-nav")).Not.ToContainTextAsync("接口密钥");
        await Expect(manager.Locator(".main-nav")).Not.ToContainTextAsync("经销商");

        // Operations staff edit routing, but do not make sign-ins.
        var ops = await SignInAsync("ops", "/people");
        await Expect(ops.Locator(".denied")).ToHaveTextAsync("此页面不属于您的岗位权限。");
        await Expect(ops.Locator(".main-nav")).ToContainTextAsync("分配规则");
        await Expect(ops.Locator(".main-nav")).Not.ToContainTextAsync("人员账号");
    }
}
