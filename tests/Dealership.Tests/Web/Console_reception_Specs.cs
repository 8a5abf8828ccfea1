using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dealership.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>The showroom's reception in the console: the day's expected visits with check-in, inbound calls and walk-ins logged as leads.</summary>
public sealed class Console_reception_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record Slot(DateTimeOffset StartsAt, int FreeReceptionDesks);
    private sealed record Booked(Guid Id);
    private sealed record Lead(Guid Id, string? Name, string Source);
    private sealed record LeadPage(List<Lead> Items);

    [Fact]
    public async Task Should_check_in_a_customer_expected_that_day_and_log_an_inbound_call_as_a_lead()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        // The first free time still ahead: today's if the showroom is still open, else a later day's.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, shanghai).DateTime);
        Slot? slot;
        while ((slot = (await _app.Client.GetFromJsonAsync<List<Slot>>($"/api/appointments/calendar/DEMO01/slots?date={day:yyyy-MM-dd}"))!
                   .FirstOrDefault(s => s.FreeReceptionDesks > 0 && s.StartsAt > DateTimeOffset.UtcNow.AddMinutes(5))) is null)
            day = day.AddDays(1);
        var leadId = await _app.PostLeadAsync("WEB-RECEPTION", "吴先生");
        // Booking waits until appointment has heard of the lead.
        var booking = await Eventually.Get(() => _app.Client.PostAsJsonAsync("/api/appointments", new { leadId, startsAt = slot.StartsAt, purpose = "test-drive" }),
            r => r.IsSuccessStatusCode, because: "the appointment service should learn of the lead");

        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync($"/reception?date={day:yyyy-MM-dd}");
        await Browser.SignInAsync(page, "reception");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "展厅接待" })).ToBeVisibleAsync();
        var row = page.Locator(".todays-visits tr", new() { HasText = "吴先生" });
        await Expect(row).ToContainTextAsync($"{TimeZoneInfo.ConvertTime(slot.StartsAt, shanghai):HH:mm}");
        await Expect(row).ToContainTextAsync("试驾");
        await Expect(row.Locator(".visit-status")).ToHaveTextAsync("已预约");
        await row.GetByRole(AriaRole.Button, new() { Name = "为 吴先生 签到" }).ClickAsync();
        await Expect(row.Locator(".visit-status")).ToHaveTextAsync("已到店");

        var call = page.Locator(".inbound-call");
        await call.GetByLabel("电话").FillAsync("021 6234 5679");
        await call.GetByLabel("客户姓名").FillAsync("郑女士");
        await call.GetByLabel("来电咨询内容").FillAsync("途观L 有没有现车？");
        await call.GetByRole(AriaRole.Button, new() { Name = "保存来电" }).ClickAsync();
        await Expect(page.Locator(".call-result")).ToHaveTextAsync("来电已登记，线索将分配给销售顾问回电跟进。");

        var walkIn = page.Locator(".walk-in");
        await walkIn.GetByLabel("电话").FillAsync("138 3333 0002");
        await walkIn.GetByLabel("客户姓名").FillAsync("谢先生");
        await walkIn.GetByRole(AriaRole.Button, new() { Name = "登记到店" }).ClickAsync();
        await Expect(page.Locator(".walk-in-result")).ToHaveTextAsync("已登记，系统正在分配在岗销售顾问接待。");
        await Browser.ScreenshotAsync(page, "reception-zh");

        // Another day's visits, headed by the day as the showroom writes it.
        var later = day.AddDays(9);
        await page.GotoAsync($"/reception?date={later:yyyy-MM-dd}");
        string[] weekdays = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
        var year = later.Year == TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, shanghai).Year ? "" : $"{later.Year}年";
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 }).First)
            .ToHaveTextAsync($"{year}{later.Month}月{later.Day}日（{weekdays[(int)later.DayOfWeek]}）预约到店");

        var leads = await _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&source=inbound-call");
        Assert.Contains(leads!.Items, l => l.Name == "郑女士");
        var walkIns = await _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&source=walk-in");
        Assert.Contains(walkIns!.Items, l => l.Name == "谢先生");
    }

    [Fact]
    public async Task Should_list_reception_s_steps_of_a_call_and_record_its_purpose_and_the_hand_over_on_the_lead_card()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/reception");
        await Browser.SignInAsync(page, "reception");
        await Expect(page.Locator(".reception-tasks")).ToContainTextAsync("前台暂无待办。");

        var call = page.Locator(".inbound-call");
        await call.GetByLabel("电话").FillAsync("021 6234 5680");
        await call.GetByLabel("客户姓名").FillAsync("冯女士");
        await call.GetByRole(AriaRole.Button, new() { Name = "保存来电" }).ClickAsync();

        // The call's first step is reception's: it appears in reception's list without a reload.
        var row = page.Locator(".reception-tasks tr", new() { HasText = "冯女士" });
        await Expect(row).ToContainTextAsync("接听电话，确认来电目的");
        await Browser.ScreenshotAsync(page, "reception-tasks-zh");
        await row.GetByRole(AriaRole.Link, new() { Name = "冯女士" }).ClickAsync();

        // The step offers what reception can record of a call, and asks its purpose first.
        var step = page.Locator(".log-call", new() { HasText = "接听电话，确认来电目的" });
        await Expect(step.GetByRole(AriaRole.Radio)).ToHaveCountAsync(2);
        await step.GetByRole(AriaRole.Radio, new() { Name = "转销售顾问" }).CheckAsync();
        await step.GetByRole(AriaRole.Button, new() { Name = "保存通话记录" }).ClickAsync();
        await Expect(step.Locator(".call-error")).ToHaveTextAsync("请填写客户来电目的。");
        await step.GetByLabel("客户来电目的").FillAsync("问贷款政策");
        await step.GetByRole(AriaRole.Button, new() { Name = "保存通话记录" }).ClickAsync();

        // Handed over: the consultant's step follows on the card, with the consultant's outcomes.
        await Expect(page.Locator(".log-call", new() { HasText = "接听电话，确认来电目的" })).ToHaveCountAsync(0);
        var consultant = page.Locator(".log-call", new() { HasText = "解答客户问题" });
        await Expect(consultant.GetByRole(AriaRole.Radio, new() { Name = "已当场解答" })).ToBeVisibleAsync();
        await Expect(consultant.GetByRole(AriaRole.Radio, new() { Name = "无法当场解答，约定答复时间" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "lead-card-handed-over-zh");

        await page.GotoAsync("/reception");
        await Expect(page.Locator(".reception-tasks")).Not.ToContainTextAsync("冯女士");
    }

    [Fact]
    public async Task Should_keep_reception_from_a_consultant()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/signin");
        await Browser.SignInAsync(page, "wangfang");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "您好，王芳" })).ToBeVisibleAsync();
        await Expect(page.Locator(".main-nav")).ToContainTextAsync("我的一天");
        await Expect(page.Locator(".main-nav")).Not.ToContainTextAsync("展厅接待");
        await page.GotoAsync("/reception");
        await Expect(page.Locator(".denied")).ToHaveTextAsync("此页面不属于您的岗位权限。");
    }
}
