using System.Text.RegularExpressions;
using System.Net.Http.Json;
using Dealership.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>The retail manager's morning: the month's funnel per source channel against the plan, moving as the day's work happens.</summary>
public sealed class Console_manager_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record Slot(DateTimeOffset StartsAt, int FreeReceptionDesks);
    private sealed record FlowTask(Guid Id, string Kind);
    private sealed record Booking(Guid Id, string Status);
    private sealed record Lead(string? AssignedConsultantName);

    [Fact]
    public async Task Should_show_the_month_s_funnel_per_source_against_the_plan_moving_as_a_lead_is_called_booked_and_received()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/plan");
        await Browser.SignInAsync(page, "manager");

        // The month's plan first: four visits from the car maker's leads for 王芳.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "月度计划" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await page.GetByLabel("王芳 Wang Fang 的 厂家分配的潜在客户 到店目标").FillAsync("4");
        await page.GetByLabel("王芳 Wang Fang 的 厂家分配的潜在客户 到店目标").PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存计划" }).ClickAsync();
        await Expect(page.Locator(".plan-message")).ToContainTextAsync("的计划已保存。");
        await Browser.ScreenshotAsync(page, "plan-zh");

        await page.GetByRole(AriaRole.Link, new() { Name = "销售漏斗" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "销售漏斗" })).ToBeVisibleAsync();
        var oem = page.Locator(".funnel-table tr", new() { HasText = "厂家分配" });
        await Expect(oem.Locator(".count-leads")).ToHaveTextAsync("0");
        await Expect(oem).ToContainTextAsync("4");
        await Expect(page.Locator(".figure-visits")).ToHaveTextAsync("0 / 4");

        // A lead from the car maker's system appears in the open page's counts.
        var leadId = await _app.PostLeadAsync("WEB-FUNNEL", "冯先生");
        await Expect(oem.Locator(".count-leads")).ToHaveTextAsync("1");
        await Expect(oem.Locator(".count-reached")).ToHaveTextAsync("0");
        await Expect(page.Locator(".figure-leads")).ToHaveTextAsync("1");

        // The consultant reaches the customer, who accepts a visit; reception then receives the customer.
        var task = await Eventually.Get(async () => (await _app.Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!,
            tasks => tasks.Count == 1, because: "the flow gives the consultant the first contact");
        var slot = await FreeSlotAsync();
        var done = await _app.Client.PostAsJsonAsync($"/api/tasks/{task[0].Id}/complete", new { contact = "reached", answer = "accepted", visitAt = slot.StartsAt });
        Assert.True(done.IsSuccessStatusCode, await done.Content.ReadAsStringAsync());
        await Expect(oem.Locator(".count-booked")).ToHaveTextAsync("1");
        await Expect(oem.Locator(".count-reached")).ToHaveTextAsync("1");
        await Expect(oem.Locator(".count-invited")).ToHaveTextAsync("1");
        await Expect(oem.Locator(".count-arrived")).ToHaveTextAsync("0");
        await Expect(page.Locator(".figure-set-rate")).ToHaveTextAsync("100%");
        await Expect(page.Locator(".figure-first-follow-up")).ToHaveTextAsync("100%");
        var consultant = (await _app.Client.GetFromJsonAsync<Lead>($"/api/leads/{leadId}"))!.AssignedConsultantName!;
        await Expect(page.Locator(".first-follow-up tr", new() { HasText = consultant })).ToContainTextAsync("100%");

        var booking = (await _app.Client.GetFromJsonAsync<List<Booking>>($"/api/appointments?leadId={leadId}"))!.Single();
        (await _app.Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/arrival", new { })).EnsureSuccessStatusCode();
        await Expect(oem.Locator(".count-arrived")).ToHaveTextAsync("1");
        await Expect(page.Locator(".figure-visits")).ToHaveTextAsync("1 / 4");
        await Browser.ScreenshotAsync(page, "funnel-zh");

        // Each count opens the leads behind it.
        await oem.Locator(".count-booked").ClickAsync();
        await Expect(page.Locator(".drill-down")).ToContainTextAsync("至少到达：已预约");
        await Expect(page.Locator(".lead-list")).ToContainTextAsync("冯先生");
        await Expect(page.Locator(".lead-count")).ToHaveTextAsync("共 1 条线索");

        await page.GotoAsync("/funnel");
        await Browser.ReadInEnglishAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sales funnel" })).ToBeVisibleAsync();
        var oemEn = page.Locator(".funnel-table tr", new() { HasText = "OEM" });
        await Expect(oemEn.Locator(".count-arrived")).ToHaveTextAsync("1");
        await Expect(page.GetByText("Appointment set rate")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "funnel-en");
    }

    [Fact]
    public async Task Should_keep_the_funnel_from_a_consultant_and_the_receptionist()
    {
        foreach (var person in new[] { "wangfang", "reception" })
        {
            var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
            await page.GotoAsync("/funnel");
            await Browser.SignInAsync(page, person);
            await Expect(page.Locator(".denied")).ToHaveTextAsync("此页面不属于您的岗位权限。");
            await Expect(page.Locator(".main-nav")).ToContainTextAsync("我的一天");
            await Expect(page.Locator(".main-nav")).Not.ToContainTextAsync("销售漏斗");
        }
        var consultant = await _app.SignInAsync("wangfang");
        var month = DateTimeOffset.UtcNow;
        var answer = await consultant.GetAsync($"/api/leads/funnel?dealershipCode=DEMO01&from={Uri.EscapeDataString(month.AddDays(-30).ToString("O"))}&to={Uri.EscapeDataString(month.ToString("O"))}");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, answer.StatusCode);
    }

    private sealed record Consultant(Guid Id, string Name, string Role, string Status);
    private sealed record Assigned(Guid? AssignedConsultantId, string? AssignedConsultantName);

    [Fact]
    public async Task Should_let_network_wide_staff_choose_the_dealership_the_pages_show()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync("/reception");
        await Browser.SignInAsync(page, "admin");

        // The administrator (English in the profile) belongs to no dealership: the page asks which one to show.
        await Expect(page.GetByText("This page shows one dealership: choose it at the top of the page.")).ToBeVisibleAsync();
        await page.GetByLabel("Dealership to work on").SelectOptionAsync("DEMO02");
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/reception$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today's visits" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Dealership to work on")).ToHaveValueAsync("DEMO02");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today's visits" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "reception-network-admin-en");
        // The choice stays for the session: the next page shows the same dealership.
        await page.GotoAsync("/plan");
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(page.Locator(".plan-grid")).ToContainTextAsync("周杰");
    }

    [Fact]
    public async Task Should_let_the_supervisor_move_a_consultant_s_leads_to_another_and_send_a_consultant_on_leave()
    {
        var first = await _app.PostLeadAsync("WEB-TEAM-1", "韩先生");
        var holder = await Eventually.Get(async () => (await _app.Client.GetFromJsonAsync<Assigned>($"/api/leads/{first}"))!,
            l => l.AssignedConsultantId is not null, because: "the lead is given to a consultant");
        var roster = (await _app.Client.GetFromJsonAsync<List<Consultant>>("/api/consultants?dealershipCode=DEMO01"))!;
        var other = roster.First(c => c.Role == "consultant" && c.Status == "active" && c.Id != holder.AssignedConsultantId);

        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync($"/team?consultant={holder.AssignedConsultantId}");
        await Browser.SignInAsync(page, "supervisor");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "团队与线索分配" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        var row = page.Locator(".lead-queue tr", new() { HasText = "韩先生" });
        await Expect(row).ToContainTextAsync(holder.AssignedConsultantName!);
        await row.Locator("input[type=checkbox]").CheckAsync();
        await page.Locator(".move-to").ClickAsync();
        await page.Locator(".mud-popover-open").GetByText(other.Name).ClickAsync();
        await Expect(page.GetByLabel("分配给", new() { Exact = true })).ToHaveValueAsync(other.Name);
        await page.GetByLabel("原因（记入线索时间线）").FillAsync("客户要求换顾问");
        await page.GetByRole(AriaRole.Button, new() { Name = "转派所选（1）" }).ClickAsync();
        await Expect(page.Locator(".team-message")).ToHaveTextAsync("已转派 1 条线索；0 条暂无可分配的顾问，留在待分配队列。");
        await Eventually.Get(async () => (await _app.Client.GetFromJsonAsync<Assigned>($"/api/leads/{first}"))!,
            l => l.AssignedConsultantId == other.Id, because: "the lead follows the supervisor's move");

        // The consultant who now holds it goes on leave: the lead goes on to someone at work.
        var roster_row = page.Locator(".roster tr", new() { HasText = other.Name });
        await page.GetByRole(AriaRole.Button, new() { Name = $"{other.Name} 请假" }).ClickAsync();
        await Expect(roster_row.Locator(".consultant-status")).ToHaveTextAsync("休假");
        await Expect(page.Locator(".team-message")).ToContainTextAsync($"{other.Name} 已请假");
        var after = await Eventually.Get(async () => (await _app.Client.GetFromJsonAsync<Assigned>($"/api/leads/{first}"))!,
            l => l.AssignedConsultantId != other.Id, because: "a consultant on leave keeps no open leads");
        Assert.NotNull(after.AssignedConsultantId);
        await Browser.ScreenshotAsync(page, "team-zh");
        await page.GetByRole(AriaRole.Button, new() { Name = $"{other.Name} 返岗" }).ClickAsync();
        await Expect(roster_row.Locator(".consultant-status")).ToHaveTextAsync("在职");
    }

    private async Task<Slot> FreeSlotAsync()
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime);
        Slot? slot;
        while ((slot = (await _app.Client.GetFromJsonAsync<List<Slot>>($"/api/appointments/calendar/DEMO01/slots?date={day:yyyy-MM-dd}"))!
                   .FirstOrDefault(s => s.FreeReceptionDesks > 0 && s.StartsAt > DateTimeOffset.UtcNow.AddMinutes(5))) is null)
            day = day.AddDays(1);
        return slot;
    }
}
