using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dealership.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>
/// People sign in once, in a real browser, and the console then calls the services with their token:
/// what a consultant sees is what the services let that consultant see.
/// </summary>
public sealed class Console_sign_in_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private static readonly Guid WangFang = Guid.Parse("0c0a0000-0000-4000-8000-000000000001");
    private static readonly Guid LiQiang = Guid.Parse("0c0a0000-0000-4000-8000-000000000002");
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record OpenTask(Guid Id, Guid ConsultantId);

    /// <summary>A lead whose first-contact task waits for the given consultant.</summary>
    private async Task<Guid> LeadOfAsync(Guid consultantId, string externalId, string name, string phone)
    {
        var leadId = await _app.PostLeadAsync(externalId, name, phone);
        var task = (await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<OpenTask>>($"/api/tasks?leadId={leadId}"), t => t!.Count == 1,
            because: "the lead's first-contact task should be created"))![0];
        if (task.ConsultantId != consultantId)
        {
            (await _app.Client.PostAsJsonAsync($"/api/assignments/{leadId}/reassign", new { consultantId, reason = "spec" })).EnsureSuccessStatusCode();
            await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<OpenTask>>($"/api/tasks?leadId={leadId}"), t => t!.Count == 1 && t[0].ConsultantId == consultantId,
                because: "the task should follow the lead to its new consultant");
        }
        return leadId;
    }

    /// <summary>A time as a Chinese reader says it: 凌晨0:30, 上午10:00, 中午12:30, 下午3:00, 晚上8:00.</summary>
    private static string ChineseTime(int hour, int minute) => hour switch
    {
        < 6 => $"凌晨{hour}:{minute:00}",
        < 12 => $"上午{hour}:{minute:00}",
        12 => $"中午12:{minute:00}",
        < 18 => $"下午{hour - 12}:{minute:00}",
        _ => $"晚上{hour - 12}:{minute:00}",
    };

    private static async Task SignInAsync(IPage page, string userName, string password, string signInButton = "登录")
    {
        await page.GetByLabel(signInButton == "登录" ? "用户名" : "User name").FillAsync(userName);
        await page.GetByLabel(signInButton == "登录" ? "密码" : "Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = signInButton }).ClickAsync();
    }

    [Fact]
    public async Task Should_send_a_visitor_to_sign_in_and_show_a_consultant_her_own_open_tasks_in_Chinese_or_English_until_she_signs_out()
    {
        await LeadOfAsync(WangFang, "WEB-MINE", "孙先生", "13912340001");
        var theirs = await LeadOfAsync(LiQiang, "WEB-THEIRS", "周女士", "13912340002");
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex(@"/signin\?returnUrl=%2F$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "客户邀约" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "sign-in-zh");
        await SignInAsync(page, "wangfang", TestApp.DemoPassword);

        await Expect(page).ToHaveURLAsync(new Regex(@"/$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "您好，王芳" })).ToBeVisibleAsync();
        await Expect(page.Locator(".who-am-i")).ToHaveTextAsync("演示汽车上海店 · 销售顾问");
        var tasks = page.Locator(".open-tasks");
        await Expect(tasks).ToContainTextAsync("孙先生");
        // Her own customer's number in full; 李强's customer is not hers to see.
        await Expect(tasks).ToContainTextAsync("139 1234 0001");
        await Expect(tasks).Not.ToContainTextAsync("周女士");
        await Expect(page.Locator(".due-today")).ToHaveTextAsync(new Regex(@"^今日到期：\d+ 项$"));
        await Browser.ScreenshotAsync(page, "my-day-zh");

        // A lead that reaches her while the page is open appears without a reload.
        await LeadOfAsync(WangFang, "WEB-LIVE", "钱女士", "13912340003");
        await Expect(tasks).ToContainTextAsync("钱女士", new() { Timeout = 15_000 });
        // Still in her language after the refresh the bus set off.
        await Expect(tasks).ToContainTextAsync("截止时间");

        // The session cookie is out of the page's scripts' reach, and it opens no API: the APIs take a token or a key.
        Assert.DoesNotContain("dealership.session", await page.EvaluateAsync<string>("document.cookie"));
        Assert.Equal(401, await page.EvaluateAsync<int>($"fetch('/api/tasks?consultantId={WangFang}').then(r => r.status)"));

        // Her lead's yellow card; 李强's lead, opened by its address, reads as one that does not exist.
        await tasks.GetByRole(AriaRole.Link, new() { Name = "孙先生" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "孙先生" })).ToBeVisibleAsync();
        await Expect(page.Locator(".lead-summary")).ToHaveTextAsync("已分配 · 厂家分配的潜在客户");
        await Expect(page.Locator(".yellow-card")).ToContainTextAsync("139 1234 0001");
        await Expect(page.Locator(".lead-timeline")).ToContainTextAsync("收到线索");
        await Browser.ScreenshotAsync(page, "lead-card-zh");
        await page.GotoAsync($"/leads/{theirs}");
        await Expect(page.Locator(".lead-not-found")).ToHaveTextAsync("找不到这条线索，或您无权查看。");
        await Expect(page.GetByText("周女士")).ToHaveCountAsync(0);
        await page.GotoAsync("/");

        await Browser.ReadInEnglishAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, 王芳" })).ToBeVisibleAsync();
        await Expect(page.Locator(".who-am-i")).ToHaveTextAsync("Demo Motors Shanghai · sales consultant");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My open tasks" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "my-day-en");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/signin$"));
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex(@"/signin\?returnUrl=%2F$"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    private sealed record Slot(DateTimeOffset StartsAt, int FreeReceptionDesks);

    [Fact]
    public async Task Should_log_an_accepted_invitation_at_a_free_time_and_show_the_visit_the_flow_booked()
    {
        var leadId = await LeadOfAsync(WangFang, "WEB-CALL", "冯先生", "13912340004");
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, shanghai).DateTime);
        // The first day from tomorrow on which the showroom has a free time.
        var day = today.AddDays(1);
        while ((await _app.Client.GetFromJsonAsync<List<Slot>>($"/api/appointments/calendar/DEMO01/slots?date={day:yyyy-MM-dd}"))!.All(s => s.FreeReceptionDesks == 0))
            day = day.AddDays(1);
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync($"/leads/{leadId}");
        await SignInAsync(page, "wangfang", TestApp.DemoPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "冯先生" })).ToBeVisibleAsync();
        // The prerendered form shows before the circuit takes its clicks: a click before that is lost.
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        // The step's guidance in the consultant's language.
        await Expect(page.Locator(".log-call")).ToContainTextAsync("须在 24 小时内进行第一次跟进");
        await Expect(page.Locator(".log-call")).ToContainTextAsync("邀约客户到店");

        await page.GetByRole(AriaRole.Radio, new() { Name = "已接通" }).CheckAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "接受邀约" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "保存通话记录" }).ClickAsync();
        await Expect(page.Locator(".call-error")).ToHaveTextAsync("请选择到店日期和空闲时段。");
        await page.GetByLabel("到店日期").FillAsync(day.ToString("yyyy-MM-dd"));
        var slot = page.Locator(".slot:not([disabled])").First;
        var time = (await slot.InnerTextAsync())[..5];
        await slot.ClickAsync();
        await page.Locator(".log-call").ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "log-call-zh");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存通话记录" }).ClickAsync();

        // The flow books the visit at the time chosen; the card shows it without a reload.
        var booking = page.Locator(".bookings .booking");
        var hour = int.Parse(time[..2]);
        var spoken = ChineseTime(hour, int.Parse(time[3..]));
        await Expect(booking).ToContainTextAsync(spoken, new() { Timeout = 20_000 });
        await Expect(booking).ToContainTextAsync("已预约");
        await Expect(page.Locator(".lead-summary")).ToContainTextAsync("已预约到店");
        // Done: no longer among the open tasks (the timeline still tells of it).
        await Expect(page.Locator(".log-call").GetByText("首次跟进（24小时内）")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "lead-card-booked-zh");

        // The call and the booking on the timeline, at the visit time on the showroom's clock.
        var visit = (day.DayNumber - today.DayNumber) switch
        {
            1 => "明天",
            2 => "后天",
            _ => $"{day.Month}月{day.Day}日（周{"日一二三四五六"[(int)day.DayOfWeek]}）",
        } + spoken;
        var timeline = page.Locator(".lead-timeline");
        await Expect(timeline).ToContainTextAsync($"首次跟进（24小时内）：接受邀约，到店时间：{visit}");
        await Expect(timeline).ToContainTextAsync($"{visit} · 到店看车");
        await NoTimestampAsync(timeline);
        await timeline.Locator(".mud-timeline-item").Last.ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "lead-timeline-booked-zh");
    }

    [Fact]
    public async Task Should_write_the_lead_s_timeline_in_the_reader_s_language_with_times_on_the_showroom_s_clock()
    {
        var leadId = await LeadOfAsync(WangFang, "WEB-TIMELINE", "韩先生", "13912340008");
        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.Timeline.Any(t => t.Kind == "sms-sent"), because: "the consultant should be told of the lead");
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var due = TimeZoneInfo.ConvertTime(DateTimeOffset.Parse(lead!.Timeline.Single(t => t.Kind == "task-created").Facts!["dueAt"], CultureInfo.InvariantCulture), shanghai);
        var days = (due.Date - TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, shanghai).Date).Days;
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync($"/leads/{leadId}");
        await Browser.SignInAsync(page, "wangfang");
        await Expect(page).ToHaveURLAsync(new Regex($"/leads/{leadId}$"));
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();

        // The first follow-up's deadline, 24 hours on: tomorrow on the showroom's clock, in the glossary's words.
        var timeline = page.Locator(".lead-timeline");
        var zhDay = days switch { 0 => "今天", 1 => "明天", 2 => "后天", _ => $"{due.Month}月{due.Day}日" };
        var zhTime = ChineseTime(due.Hour, due.Minute);
        await Expect(timeline).ToContainTextAsync($"首次跟进（24小时内），截止时间：{zhDay}{zhTime}");
        await Expect(timeline).ToContainTextAsync("新线索提醒（顾问），发给顾问（");
        await Expect(timeline).ToContainTextAsync("厂家分配的潜在客户 · 渠道：HTTP 接口");
        await NoTimestampAsync(timeline);
        await timeline.ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "lead-timeline-zh");

        await Browser.ReadInEnglishAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page).ToHaveURLAsync(new Regex($"/leads/{leadId}$"));
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        var enDay = days switch { 0 => "Today ", 1 => "Tomorrow ", _ => due.ToString("ddd d MMM, ", CultureInfo.InvariantCulture) };
        await Expect(timeline).ToContainTextAsync($"First follow-up (within 24 hours) · due: {enDay}{due.ToString("h:mm tt", CultureInfo.InvariantCulture)}");
        await Expect(timeline).ToContainTextAsync("New lead for a consultant, to the consultant (");
        await Expect(timeline).ToContainTextAsync("OEM-assigned lead · channel: HTTP API");
        await NoTimestampAsync(timeline);
        await timeline.ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "lead-timeline-en");
    }

    /// <summary>No UTC timestamp as lead-intake's English sentences wrote them (2026-12-01 10:41:28Z), nor an ISO one.</summary>
    private static async Task NoTimestampAsync(ILocator timeline)
    {
        var text = await timeline.InnerTextAsync();
        Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}:\d{2}|\d\s?Z\b", text);
    }

    [Fact]
    public async Task Should_let_a_consultant_close_a_lead_whose_customer_bought_elsewhere_ending_its_tasks_and_saying_why()
    {
        var leadId = await LeadOfAsync(WangFang, "WEB-CLOSE", "邓先生", "13912340031");
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync($"/leads/{leadId}");
        await SignInAsync(page, "wangfang", TestApp.DemoPassword);
        await Expect(page.Locator(".log-call")).ToHaveCountAsync(1);
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "关闭线索" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认关闭" }).ClickAsync();
        await Expect(page.Locator(".close-error")).ToHaveTextAsync("请选择关闭原因。");
        await page.GetByRole(AriaRole.Radio, new() { Name = "已在他处购车" }).CheckAsync();
        await page.Locator(".close-note textarea").FillAsync("上周在别家4S店订了车");
        await Browser.ScreenshotAsync(page, "lead-close-zh");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认关闭" }).ClickAsync();

        // The card follows the close as it travels: lost, no task left to call, and the reason on the timeline.
        await Expect(page.Locator(".lead-summary")).ToContainTextAsync("战败");
        await Expect(page.Locator(".log-call")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "关闭线索" })).ToHaveCountAsync(0);
        await Expect(page.Locator(".lead-timeline")).ToContainTextAsync("战败：已在他处购车（王芳操作），备注：上周在别家4S店订了车");
        await Browser.ScreenshotAsync(page, "lead-closed-zh");
        Assert.Empty((await _app.Client.GetFromJsonAsync<List<OpenTask>>($"/api/tasks?leadId={leadId}"))!);
    }

    [Fact]
    public async Task Should_find_a_consultant_s_own_leads_by_name_or_phone_and_narrow_them_by_stage()
    {
        await LeadOfAsync(WangFang, "WEB-FIND-1", "胡先生", "13912340006");
        await LeadOfAsync(LiQiang, "WEB-FIND-2", "胡女士", "13912340007");
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/leads?search=" + Uri.EscapeDataString("胡"));
        await SignInAsync(page, "wangfang", TestApp.DemoPassword);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "我的线索" })).ToBeVisibleAsync();
        var list = page.Locator(".lead-list");
        await Expect(list).ToContainTextAsync("胡先生");
        await Expect(list).Not.ToContainTextAsync("胡女士");
        await Expect(page.Locator(".lead-count")).ToHaveTextAsync("共 1 条线索");

        // The digits as a customer reads them out find the number however it was written. What is typed before
        // the page is live would be replaced by the live page, as a person's would: wait for it, after each load.
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await page.GetByLabel("姓名或电话").FillAsync("1234 0006");
        await page.GetByRole(AriaRole.Button, new() { Name = "查看" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("search=1234"));
        await Expect(list).ToContainTextAsync("胡先生");
        await Expect(list).ToContainTextAsync("139****0006");
        await Browser.ScreenshotAsync(page, "my-leads-zh");

        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await page.GetByLabel("阶段").SelectOptionAsync(new SelectOptionValue { Label = "已预约到店" });
        await page.GetByRole(AriaRole.Button, new() { Name = "查看" }).ClickAsync();
        await Expect(list).ToContainTextAsync("没有符合条件的线索。");
    }

    [Fact]
    public async Task Should_let_a_consultant_add_an_own_contact_that_becomes_her_lead()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/leads");
        await SignInAsync(page, "wangfang", TestApp.DemoPassword);
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();

        await page.GetByText("新增我的客户").ClickAsync();
        var form = page.Locator(".own-contact");
        await form.GetByLabel("电话").FillAsync("137 2222 0001");
        await form.GetByLabel("客户姓名").FillAsync("老同学 邓");
        await form.GetByLabel("意向车型").FillAsync("ID.7");
        await form.GetByRole(AriaRole.Button, new() { Name = "保存客户" }).ClickAsync();
        await Expect(page.Locator(".own-contact-result")).ToHaveTextAsync("已新增，线索归您跟进，请在24小时内首次跟进。");

        // Hers, not the routing rules': it is on her day as soon as the flow gives her the first follow-up.
        await page.GetByRole(AriaRole.Link, new() { Name = "我的一天" }).ClickAsync();
        await Expect(page.Locator(".open-tasks")).ToContainTextAsync("老同学 邓");
    }

    [Fact]
    public async Task Should_refuse_a_wrong_password_without_saying_which_part_was_wrong_then_lock_the_account()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/signin");

        await SignInAsync(page, "wangfang", "not-her-password");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("用户名或密码错误。");
        await Expect(page.GetByLabel("密码")).ToHaveValueAsync("");
        await SignInAsync(page, "nobody-here", "whatever1");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("用户名或密码错误。");
        await Expect(page).ToHaveURLAsync(new Regex(@"/signin$"));

        // Five failures lock the account (Identity:Lockout): even the right password is then refused, with the wait.
        for (var i = 0; i < 4; i++)
            await SignInAsync(page, "wangfang", "not-her-password");
        await SignInAsync(page, "wangfang", TestApp.DemoPassword);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new Regex(@"^登录失败次数过多，账户已锁定。请 \d+ 分钟后重试，或请管理员解锁。$"));
        await Browser.ScreenshotAsync(page, "sign-in-locked-zh");
        await Expect(page).ToHaveURLAsync(new Regex(@"/signin$"));
    }

    [Fact]
    public async Task Should_speak_the_language_of_the_person_s_profile_and_show_network_staff_the_whole_network()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/signin?returnUrl=%2F");
        await SignInAsync(page, "admin", TestApp.DemoPassword);

        // The admin chose English in the profile; the browser asks for Chinese.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Administrator" })).ToBeVisibleAsync();
        await Expect(page.Locator(".who-am-i")).ToHaveTextAsync("Whole network · administrator");
        await Expect(page.Locator(".open-tasks")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Should_not_lead_away_from_the_site_after_sign_in()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/signin?returnUrl=" + Uri.EscapeDataString("//evil.example/phish"));
        await SignInAsync(page, "manager", TestApp.DemoPassword);

        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(_app.Client.BaseAddress!.ToString()) + "$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "您好，陈静 (零售经理)" })).ToBeVisibleAsync();
    }
}
