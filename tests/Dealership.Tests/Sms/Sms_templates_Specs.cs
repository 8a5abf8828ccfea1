using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Sms;

/// <summary>Templates per dealership, purpose and language; placeholders are checked when one is saved.</summary>
public sealed class Sms_templates_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public record TemplateView(string Purpose, string Language, string Recipient, string Body, bool Custom, List<string> Placeholders);

    [Fact]
    public async Task Should_seed_every_purpose_in_chinese_and_english_for_the_demo_dealership()
    {
        var templates = (await _app.Client.GetFromJsonAsync<List<TemplateView>>("/api/sms/templates/DEMO01"))!;

        Assert.Equal(
            ["appointment-confirmation", "callback-promise", "care", "confirmation-request", "directions", "new-lead", "reminder"],
            templates.Select(t => t.Purpose).Distinct().Order());
        Assert.All(templates, t => Assert.True(t.Custom));
        Assert.Equal(2, templates.Count(t => t.Purpose == "care"));
        Assert.Contains(templates, t => t.Purpose == "new-lead" && t.Recipient == "consultant");
    }

    [Theory]
    [InlineData("zh-CN", "1月15日（周二）上午10:00")]
    [InlineData("en", "Tue 15 Jan, 10:00 AM")]
    [InlineData("zh-CN@evening", "1月15日（周二）晚上6:30")]
    public void Should_write_a_moment_as_the_showroom_says_it_in_the_message_s_language(string language, string expected)
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var moment = language.EndsWith("@evening", StringComparison.Ordinal)
            ? new DateTimeOffset(2030, 1, 15, 10, 30, 0, TimeSpan.Zero)
            : new DateTimeOffset(2030, 1, 15, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal(expected, Dealership.Notification.Sms.SmsDates.Format(moment, shanghai, language.Split('@')[0]));
    }

    [Theory]
    [InlineData("{customer}您好，{carModel}已到店。", "{carModel}")]
    [InlineData("Dear {customer}, see you at {startsAt} in {showroom}.", "{showroom}")]
    public async Task Should_refuse_a_template_with_an_unknown_placeholder_naming_it(string body, string placeholder)
    {
        var response = await _app.Client.PutAsJsonAsync("/api/sms/templates/DEMO01/reminder/zh-CN", new { body });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains(placeholder, errors.GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task Should_send_a_saved_template_with_the_signature_and_the_opt_out_line()
    {
        var saved = await _app.Client.PutAsJsonAsync("/api/sms/templates/DEMO01/care/en", new { body = "Dear {customer}, thank you for your time today." });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var leadId = await _app.PostLeadAsync("TPL-1", name: "Mr Chen");
        await _app.GrantSmsConsentAsync(leadId);
        await _app.WithoutQuietHoursAsync();

        await _app.Services.GetRequiredService<IBus>().Publish(new SendSms(leadId, TestApp.DemoDealershipId, SmsRecipients.Customer, "+8613812345678", "care",
            new Dictionary<string, string> { ["customer"] = "Mr Chen", ["language"] = "en" }, $"{leadId}:care:decline", DateTimeOffset.UtcNow));

        var sms = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}")!,
            l => l!.Any(s => s.Template == "care"));
        Assert.Equal("【演示汽车上海店】Dear Mr Chen, thank you for your time today. Reply TD to opt out", sms!.Single(s => s.Template == "care").Text);
    }
}
