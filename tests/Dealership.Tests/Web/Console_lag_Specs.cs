using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake;
using Dealership.LeadIntake.Leads;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>
/// Operations staff see in the console how far behind each service is, in Chinese and English: lead intake's outbox
/// stuck, the services after it behind with a late message, the others normal. A consultant cannot open the page.
/// </summary>
public sealed class Console_lag_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private TestApp _app = null!;

    // Behind past two seconds, and a late message counts for ten minutes, so the page still shows it when read.
    public async Task InitializeAsync() => _app = await TestApp.StartAsync(settings: ["--Lag:DegradedAfter=00:00:02", "--Lag:Window=00:10:00"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<IPage> SignInAsync(string person, string path)
    {
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);
        await page.GotoAsync(path);
        await Browser.SignInAsync(page, person);
        // The circuit renders: before it, a file chosen or a link clicked may be lost in the switch from the prerendered page.
        await Expect(page.Locator(".mud-layout.interactive")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        return page;
    }

    private static ILocator Row(IPage page, string service) => page.Locator(".lag-list tr", new() { Has = page.Locator(".lag-service", new() { HasTextString = service }) });

    [Fact]
    public async Task Should_show_operations_each_service_s_lag_and_state_in_both_languages()
    {
        await StickLeadIntakesOutboxAsync();
        // A LeadAccepted that reaches the services after intake three seconds after it was sent, as behind a backlog.
        await _app.Services.GetRequiredService<IBus>().Publish(
            new LeadAccepted(NewId.NextGuid(), TestApp.DemoDealershipId, "DEMO01", "oem", "LAG-PAGE-LATE", "孙先生", "+8613712345670", DateTimeOffset.UtcNow),
            context => context.Delay = TimeSpan.FromSeconds(3));

        var page = await SignInAsync("ops", "/lag");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "消息延迟" })).ToBeVisibleAsync();
        await Expect(page.Locator(".main-nav")).ToContainTextAsync("消息延迟");
        await Expect(Row(page, "线索接收").Locator(".lag-state")).ToHaveTextAsync("停滞");
        await Expect(Row(page, "线索接收").Locator(".lag-outbox")).ToContainTextAsync("分");
        await Expect(page.Locator(".lag-refusing")).ToContainTextAsync("线索接收已暂停");
        // The page reads the lag again every few seconds: the late message shows once it has been consumed.
        await Expect(Row(page, "线索分配").Locator(".lag-state")).ToHaveTextAsync("延迟");
        await Expect(Row(page, "线索分配").Locator(".lag-consume")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ 秒$"));
        await Expect(Row(page, "人员与登录").Locator(".lag-state")).ToHaveTextAsync("正常");
        await Expect(Row(page, "控制台").Locator(".lag-outbox")).ToHaveTextAsync("—");
        await Browser.ScreenshotAsync(page, "lag-zh");

        await Browser.ReadInEnglishAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Message lag" })).ToBeVisibleAsync();
        await Expect(Row(page, "Lead intake").Locator(".lag-state")).ToHaveTextAsync("Stuck");
        await Expect(Row(page, "Lead intake").Locator(".lag-outbox")).ToContainTextAsync("min");
        await Expect(page.Locator(".lag-refusing")).ToContainTextAsync("Lead intake has stopped taking new leads");
        await Expect(Row(page, "Assignment").Locator(".lag-state")).ToHaveTextAsync("Behind");
        await Expect(Row(page, "People and sign-in").Locator(".lag-state")).ToHaveTextAsync("Normal");
        await Browser.ScreenshotAsync(page, "lag-en");
    }

    [Fact]
    public async Task Should_keep_the_lag_from_a_consultant()
    {
        var consultant = await SignInAsync("wangfang", "/lag");
        await Expect(consultant.Locator(".denied")).ToHaveTextAsync("此页面不属于您的岗位权限。");
        await Expect(consultant.Locator(".main-nav")).ToContainTextAsync("我的一天");
        await Expect(consultant.Locator(".main-nav")).Not.ToContainTextAsync("消息延迟");
    }

    [Fact]
    public async Task Should_tell_operations_importing_a_file_while_intake_refuses_that_nothing_was_stored_and_when_to_try_again()
    {
        await StickLeadIntakesOutboxAsync();
        await Eventually.Get(async () => (await _app.Client.GetFromJsonAsync<JsonElement>("/api/lag/lead-intake")).GetProperty("refusesLeads").GetBoolean(),
            refuses => refuses, because: "intake should refuse new leads while its outbox is ten minutes behind");

        var page = await SignInAsync("ops", "/imports");
        // A file chosen on the prerendered page reaches no one: wait for the page to be live.
        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Expect(page.Locator("input.csv-file")).ToBeEnabledAsync();
        await page.Locator("input.csv-file").SetInputFilesAsync(new FilePayload
        {
            Name = "车展.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes($"姓名,手机号码,活动\n张三丰,{TestApp.UniquePhone()},2026广州车展\n"),
        });
        // The preview stores nothing and is not refused; the import is, in the reader's words, instead of "service down".
        var preview = page.Locator(".import-preview");
        await Expect(preview.Locator(".preview-rows-count")).ToHaveTextAsync("共 1 行线索");
        await preview.GetByRole(AriaRole.Button, new() { Name = "导入", Exact = true }).ClickAsync();
        await Expect(page.Locator(".import-problem")).ToContainTextAsync("本次提交未保存，请在 60 秒后重新提交");
        await Expect(page.Locator(".service-error")).ToHaveCountAsync(0);
        await Expect(page.Locator(".import-percent")).ToHaveTextAsync("未导入");
        await Browser.ScreenshotAsync(page, "import-refused-behind-zh");
    }

    /// <summary>A LeadAccepted written ten minutes ago and claimed by a dispatcher whose publish never came back.</summary>
    private async Task StickLeadIntakesOutboxAsync()
    {
        var leadId = NewId.NextGuid();
        var then = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10);
        using var scope = _app.Services.CreateScope();
        var db = _app.Scoped<LeadIntakeDbContext>(scope);
        db.Leads.Add(new Lead
        {
            Id = leadId, DealershipId = TestApp.DemoDealershipId, DealershipCode = "DEMO01", Source = "oem", ExternalId = "LAG-PAGE-STUCK",
            Name = "郑先生", Phone = "+8613612345671", Stage = LeadStage.New, CreatedAt = then, UpdatedAt = then,
        });
        var stuck = OutboxMessage.Create(new LeadAccepted(leadId, TestApp.DemoDealershipId, "DEMO01", "oem", "LAG-PAGE-STUCK", "郑先生", "+8613612345671", then));
        stuck.CreatedAt = then;
        stuck.LockedBy = Guid.NewGuid();
        stuck.LockedUntil = DateTimeOffset.UtcNow + TimeSpan.FromHours(1);
        db.OutboxMessages.Add(stuck);
        await db.SaveChangesAsync();
    }
}
