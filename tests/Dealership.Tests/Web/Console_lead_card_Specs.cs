using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dealership.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dealership.Tests.Web;

/// <summary>The lead's yellow card shows what the customer told the lead portal: how soon, which cars, what to trade in.</summary>
public sealed class Console_lead_card_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Should_show_how_soon_the_customer_means_to_buy_and_the_car_to_trade_in_on_the_yellow_card()
    {
        var xml = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Intake", "Samples", "portal-leads.adf.xml"));
        var response = await _app.Client.PostAsync("/api/leads/adf?dealershipCode=DEMO01",
            new ByteArrayContent(xml) { Headers = { ContentType = new MediaTypeHeaderValue("application/xml") } });
        var leadId = (await response.Content.ReadFromJsonAsync<List<ItemResult>>())![0].LeadId;
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!);

        await page.GotoAsync($"/leads/{leadId}");
        await Browser.SignInAsync(page, "manager");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "周晓梅" })).ToBeVisibleAsync();
        var card = page.Locator(".yellow-card");
        await Expect(card).ToContainTextAsync("预计购车时间");
        await Expect(card.Locator(".timeframe")).ToHaveTextAsync($"两周内 · {Day(2026, 12, 1)}至{Day(2026, 12, 14)}");
        await Expect(card).ToContainTextAsync("置换车辆");
        await Expect(card.Locator(".trade-in")).ToHaveTextAsync("2018 Volkswagen Lavida · 86,000 公里 · 车况良好 · 一手车，保养记录齐全 · VIN LSVAM4187J2012345");
        await Expect(card.Locator(".vehicles-of-interest")).ToHaveTextAsync("2026 Volkswagen ID.4 CROZZ Pro、Volkswagen ID.7 VIZZION（试驾）");
        await Expect(card.Locator(".preferred-contact")).ToHaveTextAsync("电话 · 晚上");
        await Expect(card.Locator(".address")).ToHaveTextAsync("上海 浦东新区张杨路 500 号 12 楼 1203 室 200120");
        var enquiry = page.Locator(".enquiry");
        await Expect(enquiry).ToContainTextAsync("置换：2018 Volkswagen Lavida");
        await Expect(enquiry).ToContainTextAsync("想周末带家人来试驾，旧车想置换");
        await Browser.ScreenshotAsync(page, "lead-card-timeframe-trade-in-zh");

        await Expect(page.Locator(".page-live")).ToBeVisibleAsync();
        await Browser.ReadInEnglishAsync(page);
        await Expect(card).ToContainTextAsync("Plans to buy");
        await Expect(card.Locator(".trade-in")).ToContainTextAsync("2018 Volkswagen Lavida · 86,000 km · good condition");
        await Expect(card.Locator(".preferred-contact")).ToHaveTextAsync("phone · evenings");
        await Browser.ScreenshotAsync(page, "lead-card-timeframe-trade-in-en");
    }

    /// <summary>A day as the card writes it in Chinese: with its weekday, and its year when not this year's.</summary>
    private static string Day(int year, int month, int day)
    {
        var date = new DateOnly(year, month, day);
        var thisYear = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Year;
        return $"{(year == thisYear ? "" : $"{year}年")}{month}月{day}日（周{"日一二三四五六"[(int)date.DayOfWeek]}）";
    }
}
