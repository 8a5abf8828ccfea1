using Dealership.Tests.Support;
using Microsoft.Playwright;

namespace Dealership.Tests.Web;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser): one browser per spec class,
/// a fresh context (cookies, storage) per person. <c>CHROMIUM_PATH</c> points elsewhere if needed.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: install Debian's chromium (apt-get install chromium), as .ci/run does.");
        // An assertion waits for its condition up to this long (Playwright's default is 5 s): on a loaded 2-core machine
        // a live page's refresh after a bus message took longer than that, and the funnel spec failed without a fault.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A browser window of its own, as a new visitor (no cookies) with a Chinese browser by default.</summary>
    /// <summary>A page of a new browser session: a desktop's screen, or another size (a showroom tablet's 768 × 1024).</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, string locale = "zh-CN", ViewportSize? viewport = null)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(), Locale = locale, ViewportSize = viewport ?? new() { Width = 1280, Height = 900 },
        });
        // A page's load and an action's navigation wait this long before failing: under a load average of 80 (a
        // 2-core machine building and testing at once) a sign-in's redirect took more than 15 s.
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs a person in on the console's sign-in form, as it reads in a Chinese browser (a demo person by default).</summary>
    public static async Task SignInAsync(IPage page, string userName, string password = TestApp.DemoPassword)
    {
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(password);
        // The click waits for the sign-in's redirect and the next page's prerender: past 30 s once at a load average of 40 (the
        // distributed topology's tests beside this assembly's), so it gets the time a page load gets on the slowest machine.
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync(new() { Timeout = 90_000 });
    }

    /// <summary>
    /// Switches the console to English with its language link, as a reader does, once the page is live: a click while the
    /// prerendered page was being taken over by its circuit was lost once (the sign-in spec's page stayed in Chinese for 20 s).
    /// </summary>
    public static async Task ReadInEnglishAsync(IPage page)
    {
        await Assertions.Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
    }

    /// <summary>Keeps what a person saw, for a human to look at (TestResults/screenshots); nothing is asserted on it.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        // The window as the person sees it: a full-page capture would paint the fixed app bar half-way down.
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png") });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
