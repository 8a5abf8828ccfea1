using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Sms;

/// <summary>
/// The rules before any customer SMS: consent, quiet hours (held, then sent), the weekly cap,
/// opt-out replies and the daily spending cap, on a clock the spec controls.
/// </summary>
public sealed class Customer_sms_rules_Specs : IAsyncLifetime
{
    private const string Phone = "+8613912345678";
    // 2030-01-15 is a Tuesday; 15:00 in Shanghai is outside the default quiet hours (21:00-08:00).
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 15, 15));
    private readonly string _dataDirectory = TestApp.NewDataDirectory();
    private TestApp _app = null!;
    private int _externalId;

    public async Task InitializeAsync() => _app = await StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<TestApp> StartAsync() => TestApp.StartAsync(_dataDirectory,
        b =>
        {
            b.Services.AddSingleton<TimeProvider>(_clock);
            b.Services.AddMassTransitTestHarness();
        },
        ["--Sms:Sender:PollInterval=00:00:00.100"]);

    [Fact]
    public async Task Should_refuse_a_customer_sms_without_consent_and_say_why_on_the_timeline()
    {
        var leadId = await LeadAsync();

        await RequestAsync(leadId, "care", "step-1");

        var sms = await MessageAsync(leadId, "care", s => s.Status == "refused");
        Assert.Equal("no SMS consent on record for this customer", sms.Reason);
        var lead = await TimelineAsync(leadId, "sms-refused");
        Assert.Contains(lead.Timeline, t => t.Kind == "sms-refused" && t.Text.Contains("no SMS consent on record"));
    }

    [Fact]
    public async Task Should_hold_a_customer_sms_in_quiet_hours_and_send_it_when_they_end_also_after_a_restart()
    {
        var leadId = await LeadAsync();
        await _app.GrantSmsConsentAsync(leadId, Phone);
        _clock.SetUtcNow(Showroom.Local(2030, 1, 15, 22, 30));

        await RequestAsync(leadId, "care", "step-1");

        var held = await MessageAsync(leadId, "care", s => s.Status == "held");
        Assert.Equal(Showroom.Local(2030, 1, 16, 8), held.SendAt);
        Assert.Equal("quiet hours 21:00-08:00 (Asia/Shanghai)", held.Reason);
        var lead = await TimelineAsync(leadId, "sms-held");
        Assert.Contains(lead.Timeline, t => t.Kind == "sms-held" && t.Text.Contains("quiet hours 21:00-08:00"));

        // The held message is a row: a restart in the night does not lose it.
        await _app.App.StopAsync();
        await _app.App.DisposeAsync();
        _clock.SetUtcNow(Showroom.Local(2030, 1, 16, 7, 59));
        _app = await StartAsync();
        await Task.Delay(500);
        Assert.Equal("held", (await MessageAsync(leadId, "care", _ => true)).Status);

        _clock.SetUtcNow(Showroom.Local(2030, 1, 16, 8));
        var sent = await MessageAsync(leadId, "care", s => s.Status == "delivered");
        Assert.Equal(Showroom.Local(2030, 1, 16, 8), sent.SentAt);
        await TimelineAsync(leadId, "sms-sent");
    }

    [Fact]
    public async Task Should_refuse_customer_sms_past_the_weekly_cap()
    {
        await ChangeSettingsAsync(s => s["weeklyCap"] = 2);
        var leadId = await LeadAsync();
        await _app.GrantSmsConsentAsync(leadId, Phone);

        await RequestAsync(leadId, "care", "step-1");
        await MessageAsync(leadId, "care", s => s.Status == "delivered");
        await RequestAsync(leadId, "reminder", "step-2");
        await MessageAsync(leadId, "reminder", s => s.Status == "delivered");
        await RequestAsync(leadId, "callback-promise", "step-3");

        var refused = await MessageAsync(leadId, "callback-promise", s => s.Status == "refused");
        Assert.Equal("weekly cap reached: 2 customer SMS in the last 7 days (cap 2)", refused.Reason);
        await TimelineAsync(leadId, "sms-refused");

        // A week later the customer may hear from the dealership again.
        _clock.Advance(TimeSpan.FromDays(7));
        await RequestAsync(leadId, "callback-promise", "step-4");
        await Eventually.Get(() => MessagesAsync(leadId), l => l.Count(s => s.Template == "callback-promise" && s.Status == "delivered") == 1);
    }

    [Theory]
    [InlineData("TD")]
    [InlineData("t")]
    [InlineData("退订")]
    [InlineData("  Stop ")]
    public async Task Should_withdraw_consent_at_once_when_the_customer_replies_an_opt_out_keyword(string reply)
    {
        var leadId = await LeadAsync();
        await _app.GrantSmsConsentAsync(leadId, Phone);
        await RequestAsync(leadId, "care", "step-1");
        await MessageAsync(leadId, "care", s => s.Status == "delivered");

        var response = await _app.Client.PostAsJsonAsync("/api/sms/replies", new { phone = Phone, text = reply });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var consent = Assert.Single((await _app.Client.GetFromJsonAsync<List<SmsConsentView>>($"/api/sms/consents?phone={Uri.EscapeDataString(Phone)}"))!);
        Assert.False(consent.Granted);
        var harness = _app.Services.GetRequiredService<ITestHarness>();
        var optedOut = await Eventually.Get(
            () => Task.FromResult(harness.Published.Select<CustomerOptedOut>(x => x.Context.Message.LeadId == leadId).Select(x => x.Context.Message).FirstOrDefault()),
            m => m is not null, because: "lead-intake should be told of the opt-out");
        Assert.Equal(reply.Trim().ToUpperInvariant(), optedOut!.Keyword.ToUpperInvariant());
        Assert.Equal(Phone, optedOut.Phone);

        await RequestAsync(leadId, "reminder", "step-2");
        var refused = await MessageAsync(leadId, "reminder", s => s.Status == "refused");
        Assert.StartsWith("the customer withdrew SMS consent", refused.Reason);
    }

    [Fact]
    public async Task Should_refuse_what_is_held_for_a_customer_who_opts_out_in_the_meantime()
    {
        var leadId = await LeadAsync();
        await _app.GrantSmsConsentAsync(leadId, Phone);
        await RequestAsync(leadId, "care", "step-1");
        await MessageAsync(leadId, "care", s => s.Status == "delivered");
        _clock.SetUtcNow(Showroom.Local(2030, 1, 15, 23));
        await RequestAsync(leadId, "reminder", "step-2");
        await MessageAsync(leadId, "reminder", s => s.Status == "held");

        await _app.Client.PostAsJsonAsync("/api/sms/replies", new { phone = Phone, text = "TD" });
        _clock.SetUtcNow(Showroom.Local(2030, 1, 16, 9));

        var refused = await MessageAsync(leadId, "reminder", s => s.Status == "refused");
        Assert.Equal("the customer opted out (replied TD)", refused.Reason);
    }

    [Fact]
    public async Task Should_hold_customer_messages_past_the_daily_spending_cap_until_the_next_day_but_never_the_staffs_alerts()
    {
        // Two messages of one segment each fit in 0.10 yuan a day: the consultant's new-lead alert and one customer SMS.
        await ChangeSettingsAsync(s =>
        {
            s["dailySpendingCapFen"] = 10;
            s["pricePerSegmentFen"] = 5;
        });
        var leadId = await LeadAsync();
        await MessageAsync(leadId, "new-lead", s => s.Status == "delivered");
        await _app.GrantSmsConsentAsync(leadId, Phone);
        await RequestAsync(leadId, "care", "step-1");
        await MessageAsync(leadId, "care", s => s.Status == "delivered");

        await RequestAsync(leadId, "reminder", "step-2");

        var held = await MessageAsync(leadId, "reminder", s => s.Status == "held");
        Assert.Equal("daily SMS spending cap of 0.10 yuan reached", held.Reason);
        Assert.Equal(Showroom.Local(2030, 1, 16, 0), held.SendAt);
        // A consultant still hears of a new lead the same day: the cap is for what customers are sent.
        var other = NewId.NextGuid();
        await _app.Services.GetRequiredService<IBus>().Publish(new SendSms(other, TestApp.DemoDealershipId, SmsRecipients.Consultant, "+8613800138001", "new-lead",
            new Dictionary<string, string> { ["consultant"] = "王芳", ["dueAt"] = "明天" }, $"{other}:new-lead:step-1", _clock.GetUtcNow()));
        await MessageAsync(other, "new-lead", s => s.Status == "delivered");
        Assert.Equal("held", (await MessageAsync(leadId, "reminder", _ => true)).Status);

        // The next day starts in the quiet hours: the customer is sent it when they end.
        _clock.SetUtcNow(Showroom.Local(2030, 1, 16, 8));
        await MessageAsync(leadId, "reminder", s => s.Status == "delivered");
    }

    [Fact]
    public async Task Should_tell_the_consultant_the_first_contact_deadline_in_the_showrooms_own_time()
    {
        var leadId = await LeadAsync();

        var alert = await MessageAsync(leadId, "new-lead", s => s.Status == "delivered");

        // Assigned at 15:00 Shanghai time, first contact within 24 hours: the consultant reads 15:00 the next day, as the showroom's clock shows it.
        Assert.Contains("2030-01-16 15:00", alert.Text);
        Assert.DoesNotContain("UTC", alert.Text);
    }

    private async Task<Guid> LeadAsync() => await _app.PostLeadAsync($"RULES-{++_externalId}", phone: "139 1234 5678");

    private async Task RequestAsync(Guid leadId, string template, string step) =>
        await _app.Services.GetRequiredService<IBus>().Publish(new SendSms(leadId, TestApp.DemoDealershipId, SmsRecipients.Customer, Phone, template,
            new Dictionary<string, string> { ["customer"] = "刘女士", ["startsAt"] = "明天 10:00", ["consultant"] = "王芳", ["callbackAt"] = "17:00" },
            $"{leadId}:{template}:{step}", _clock.GetUtcNow()));

    private async Task<List<SmsDetailView>> MessagesAsync(Guid leadId) =>
        (await _app.Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}"))!;

    private async Task<SmsDetailView> MessageAsync(Guid leadId, string template, Func<SmsDetailView, bool> done)
    {
        var all = await Eventually.Get(() => MessagesAsync(leadId), l => l.Any(s => s.Template == template && done(s)), because: $"the '{template}' SMS should get there");
        return all.First(s => s.Template == template && done(s));
    }

    private async Task<LeadView> TimelineAsync(Guid leadId, string kind) =>
        (await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.Timeline.Any(t => t.Kind == kind),
            because: $"the timeline should show {kind}"))!;

    private async Task ChangeSettingsAsync(Action<JsonObject> change)
    {
        var settings = (await _app.Client.GetFromJsonAsync<JsonObject>("/api/sms/settings/DEMO01"))!;
        change(settings);
        (await _app.Client.PutAsJsonAsync("/api/sms/settings/DEMO01", settings)).EnsureSuccessStatusCode();
    }
}
