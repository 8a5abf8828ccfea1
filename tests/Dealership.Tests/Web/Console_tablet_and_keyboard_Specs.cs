using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dealership.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>
/// The console on the showroom floor: on a tablet's screen, by keyboard alone, and when a service behind it cannot be
/// reached.
/// </summary>
public sealed class Console_tablet_and_keyboard_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private static readonly Guid WangFang = Guid.Parse("0c0a0000-0000-4000-8000-000000000001");
    private static readonly ViewportSize Tablet = new() { Width = 768, Height = 1024 };
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record OpenTask(Guid Id, Guid ConsultantId);

    [Fact]
    public async Task Should_fit_every_page_a_manager_opens_on_a_tablet_and_reach_them_from_the_menu_button()
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!, viewport: Tablet);
        await page.GotoAsync("/");
        await Browser.SignInAsync(page, "manager");
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();

        // The menu does not take the tablet's width from the page: it closes once the page knows the screen's width (the first
        // page drawn on the server shows it open), opens over the page from the button and takes the reader where asked.
        var menuButton = page.Locator(".menu-button");
        var funnelLink = page.Locator(".main-nav").GetByRole(AriaRole.Link, new() { Name = "销售漏斗" });
        await Expect(menuButton).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(funnelLink).Not.ToBeInViewportAsync();
        await menuButton.ClickAsync();
        await Expect(menuButton).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(funnelLink).ToBeInViewportAsync();
        await funnelLink.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/funnel$"));
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();

        foreach (var path in new[] { "/", "/leads", "/reception", "/funnel", "/team", "/plan", "/imports", "/rejected", "/sms-templates", "/routing", "/people" })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
            await Expect(page.Locator(".page-title, h1").First).ToBeVisibleAsync();
            // Nothing runs off the side of the screen: wide tables scroll inside their own box.
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a tablet's screen");
            if (path == "/funnel")
                await Browser.ScreenshotAsync(page, "funnel-tablet-zh");
        }
    }

    [Fact]
    public async Task Should_let_a_consultant_sign_in_and_log_a_declined_invitation_by_keyboard_alone()
    {
        var leadId = await LeadOfWangFangAsync("KEYBOARD-1", "卫先生", "13912340077");
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync($"/leads/{leadId}");

        await TabToAsync(page, page.GetByLabel("用户名"));
        await page.Keyboard.TypeAsync("wangfang");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(TestApp.DemoPassword);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "卫先生" })).ToBeVisibleAsync();
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();

        var reached = page.GetByRole(AriaRole.Radio, new() { Name = "已接通" });
        await TabToAsync(page, reached);
        await page.Keyboard.PressAsync("Space");
        await Expect(reached).ToBeCheckedAsync();
        var declined = page.GetByRole(AriaRole.Radio, new() { Name = "婉拒" });
        await TabToAsync(page, page.GetByRole(AriaRole.Radio, new() { Name = "接受邀约" }));
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(declined).ToBeCheckedAsync();
        await TabToAsync(page, page.GetByLabel("婉拒原因"));
        await page.Keyboard.TypeAsync("已在别处订车");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "保存通话记录" }));
        await page.Keyboard.PressAsync("Enter");

        // Thanked and left alone for now: no call is waiting for her on this lead, and the card says why.
        await Expect(page.Locator(".log-call")).ToHaveCountAsync(0);
        await Expect(page.Locator(".lead-timeline")).ToContainTextAsync("已在别处订车");
    }

    [Fact]
    public async Task Should_say_in_the_reader_s_language_that_a_service_cannot_be_reached_instead_of_showing_an_error()
    {
        // A console whose services cannot be reached (the gateway it calls is down); signing in still works.
        var port = ServiceProcess.FreePort();
        await using var app = await TestApp.StartAsync(settings:
        [
            $"--Urls=http://127.0.0.1:{port}",
            $"--Identity:Url=http://127.0.0.1:{port}",
            $"--Web:ApiBaseUrl=http://127.0.0.1:{ServiceProcess.FreePort()}",
        ]);
        var page = await browser.NewPageAsync(app.Client.BaseAddress!);
        await page.GotoAsync("/");
        await Browser.SignInAsync(page, "wangfang");

        await Expect(page.Locator(".service-error")).ToHaveTextAsync("系统暂时无法访问该部分，已有数据不会丢失，请稍后重试。");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "重试" })).ToBeVisibleAsync();
        await Expect(page.Locator("body")).Not.ToContainTextAsync("Exception");
        await Browser.ScreenshotAsync(page, "service-down-zh");

        await Browser.ReadInEnglishAsync(page);
        await Expect(page.Locator(".service-error")).ToHaveTextAsync("This part of the system cannot be reached at the moment. Your work is not lost: try again shortly.");
    }

    /// <summary>Presses Tab until the element has the focus, as a keyboard user moves through the page.</summary>
    private static async Task TabToAsync(IPage page, ILocator target)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
                return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached {target}");
    }

    private async Task<Guid> LeadOfWangFangAsync(string externalId, string name, string phone)
    {
        var leadId = await _app.PostLeadAsync(externalId, name, phone);
        var task = (await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<OpenTask>>($"/api/tasks?leadId={leadId}"), t => t!.Count == 1,
            because: "the lead's first-contact task should be created"))![0];
        if (task.ConsultantId != WangFang)
        {
            (await _app.Client.PostAsJsonAsync($"/api/assignments/{leadId}/reassign", new { consultantId = WangFang, reason = "spec" })).EnsureSuccessStatusCode();
            await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<OpenTask>>($"/api/tasks?leadId={leadId}"), t => t!.Count == 1 && t[0].ConsultantId == WangFang,
                because: "the task should follow the lead to 王芳");
        }
        return leadId;
    }
}
