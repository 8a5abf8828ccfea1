using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.LeadIntake;
using Dealership.Notification;
using Dealership.Notification.Sms;
using Dealership.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
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
    public async Task Should_send_a_customer_sms_on_the_consent_stated_with_the_lead_itself()
    {
        var response = await _app.Client.PostAsJsonAsync("/api/leads", new
        {
            dealershipCode = "DEMO01", name = "刘女士", phone = "139 1234 5678", source = "oem", externalId = $"RULES-{++_externalId}",
            consent = new { sms = true, source = "OEM web form" },
        });
        response.EnsureSuccessStatusCode();
        var leadId = (await response.Content.ReadFromJsonAsync<SubmittedLead>())!.Id;

        // The consent travels with the lead: notification has it once it knows the lead, with no message of its own.
        var consent = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsConsentView>>($"/api/sms/consents?phone={Uri.EscapeDataString(Phone)}")!,
            c => c!.Count > 0, because: "notification should have the consent stated with the lead");
        Assert.Equal(("sms", true, "OEM web form"), (Assert.Single(consent!).Channel, consent![0].Granted, consent[0].Source));
        using (var scope = _app.Services.CreateScope())
        {
            var announced = await _app.Scoped<LeadIntakeDbContext>(scope).OutboxMessages.Select(m => m.MessageType).ToListAsync();
            Assert.DoesNotContain(announced, t => t.EndsWith("." + nameof(ConsentChanged)));
        }

        await RequestAsync(leadId, "care", "step-1");
        var sms = await MessageAsync(leadId, "care", s => s.Status is "delivered" or "refused");
        Assert.Equal("delivered", sms.Status);
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
        await _app.Services.GetRequiredService<SmsSender>().WaitForNextPassAsync();
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

        // Assigned at 15:00 Shanghai time, first contact within 24 hours: the consultant reads 3 pm the next day, as the showroom says it.
        Assert.Contains("1月16日（周三）下午3:00", alert.Text);
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

/// <summary>
/// The same rules, and the opt-out reply, on the notification database alone: every limit at its
/// edge, without a host, so that mutation testing can run them (docs/mutation/sms.md).
/// </summary>
public sealed class When_the_rules_take_an_sms_request : IAsyncLifetime
{
    private const string Phone = "+8613912345678";
    private static readonly Guid DealershipId = TestApp.DemoDealershipId;
    // Tuesday 15:00 in Shanghai: outside the default quiet hours (21:00-08:00).
    private static readonly DateTimeOffset Afternoon = Showroom.Local(2030, 1, 15, 15);
    private readonly Guid _leadId = Guid.NewGuid();
    private ServiceDatabase<NotificationDbContext> _database = null!;
    private int _step;

    public async Task InitializeAsync() => _database = await ServiceDatabase<NotificationDbContext>.CreateAsync<NotificationSqliteDbContext>();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Should_queue_a_customer_sms_with_consent_at_once_signed_and_with_the_opt_out_line()
    {
        await ConsentAsync(granted: true);

        var sms = await RequestAsync("care", Afternoon);

        Assert.Equal(SmsStatus.Queued, sms.Status);
        Assert.Null(sms.Reason);
        Assert.Equal(Afternoon, sms.SendAt);
        Assert.Equal("【经销商】刘女士您好，感谢您今天接听王芳的电话。如有任何需要，欢迎随时联系我们。 回复TD退订", sms.Text);
        Assert.Empty(await PublishedAsync());
    }

    [Fact]
    public async Task Should_refuse_a_customer_sms_without_consent_or_after_it_was_withdrawn_and_say_why()
    {
        var none = await RequestAsync("care", Afternoon);
        await ConsentAsync(granted: false, source: "OEM web form");
        var withdrawn = await RequestAsync("care", Afternoon);

        Assert.Equal((SmsStatus.Refused, "no SMS consent on record for this customer"), (none.Status, none.Reason));
        Assert.Equal((SmsStatus.Refused, "the customer withdrew SMS consent (OEM web form)"), (withdrawn.Status, withdrawn.Reason));
        Assert.Equal(new[] { nameof(SmsRefused), nameof(SmsRefused) }, await PublishedAsync());
    }

    [Fact]
    public async Task Should_send_a_consultant_alert_at_night_without_consent_or_cap()
    {
        await using (var db = _database.Open())
        {
            db.Settings.Add(new DealershipSmsSettings { DealershipId = DealershipId, DealershipCode = "DEMO01", WeeklyCap = 0 });
            await db.SaveChangesAsync();
        }
        var night = Showroom.Local(2030, 1, 15, 23);

        var alert = await RequestAsync("new-lead", night, recipient: SmsRecipients.Consultant);

        Assert.Equal((SmsStatus.Queued, night), (alert.Status, alert.SendAt));
        Assert.Equal("【经销商】王芳，您有一条新线索，请在 明天 前首次联系客户。", alert.Text);
    }

    [Fact]
    public async Task Should_refuse_the_customer_sms_past_the_weekly_cap_counting_only_the_last_seven_days_of_that_customer()
    {
        await ConsentAsync(granted: true);
        // Eight days ago, and one refused, another customer's, another dealership's: none of them counts.
        await RequestAsync("care", Afternoon.AddDays(-8));
        await SentAsync(await RequestAsync("care", Afternoon.AddDays(-1)));
        await using (var db = _database.Open())
        {
            db.Messages.Add(Message(Phone, SmsStatus.Refused, Afternoon.AddHours(-1)));
            db.Messages.Add(Message("+8613800000000", SmsStatus.Delivered, Afternoon.AddHours(-1)));
            db.Messages.Add(Message(Phone, SmsStatus.Delivered, Afternoon.AddHours(-1), dealershipId: TestApp.SecondDealershipId));
            db.Messages.Add(Message(Phone, SmsStatus.Delivered, Afternoon.AddHours(-1), recipient: SmsRecipients.Consultant));
            await db.SaveChangesAsync();
        }
        // Queued, held, sent, delivered or undelivered: each went (or goes) to the handset, so each counts.
        await RequestAsync("care", Afternoon.AddHours(-2));
        await HoldAsync(await RequestAsync("care", Afternoon.AddHours(-2)));
        await SetStatusAsync(await RequestAsync("care", Afternoon.AddHours(-2)), SmsStatus.Undelivered);

        var fifth = await RequestAsync("care", Afternoon);
        var sixth = await RequestAsync("care", Afternoon);

        Assert.Equal(SmsStatus.Queued, fifth.Status);
        Assert.Equal((SmsStatus.Refused, "weekly cap reached: 5 customer SMS in the last 7 days (cap 5)"), (sixth.Status, sixth.Reason));
        // Exactly seven days after the first of them, that one no longer counts.
        Assert.Equal(SmsStatus.Queued, (await RequestAsync("care", Afternoon.AddDays(6))).Status);
    }

    [Fact]
    public async Task Should_hold_a_customer_sms_in_quiet_hours_until_they_end_and_announce_each_new_hold_once()
    {
        await ConsentAsync(granted: true);

        var held = await RequestAsync("care", Showroom.Local(2030, 1, 15, 22, 30));
        var announced = await PublishedAsync();
        // The sender holds it again when it finds it due: the same hold is not announced twice, a new time or reason is.
        await HoldAgainAsync(held, held.Reason!, held.SendAt);
        var same = await PublishedAsync();
        await HoldAgainAsync(held, held.Reason!, held.SendAt.AddHours(1));
        await HoldAgainAsync(held, "daily SMS spending cap of 100.00 yuan reached", held.SendAt.AddHours(1));

        Assert.Equal((SmsStatus.Held, "quiet hours 21:00-08:00 (Asia/Shanghai)"), (held.Status, held.Reason));
        Assert.Equal(Showroom.Local(2030, 1, 16, 8), held.SendAt);
        Assert.Equal(new[] { nameof(SmsHeld) }, announced);
        Assert.Equal(new[] { nameof(SmsHeld) }, same);
        Assert.Equal(3, (await PublishedAsync()).Count(t => t == nameof(SmsHeld)));
    }

    [Fact]
    public async Task Should_refuse_a_customer_sms_past_the_weekly_cap_also_in_quiet_hours_rather_than_hold_it()
    {
        await ConsentAsync(granted: true);
        await using (var db = _database.Open())
        {
            db.Settings.Add(new DealershipSmsSettings { DealershipId = DealershipId, DealershipCode = "DEMO01", WeeklyCap = 1 });
            await db.SaveChangesAsync();
        }
        await RequestAsync("care", Afternoon);

        var night = await RequestAsync("reminder", Showroom.Local(2030, 1, 15, 23));

        Assert.Equal((SmsStatus.Refused, "weekly cap reached: 1 customer SMS in the last 7 days (cap 1)"), (night.Status, night.Reason));
        Assert.DoesNotContain(nameof(SmsHeld), await PublishedAsync());
    }

    [Fact]
    public async Task Should_not_take_the_consent_given_to_another_dealership_or_for_another_phone()
    {
        await using (var db = _database.Open())
        {
            db.Consents.Add(new Dealership.Notification.Sms.CustomerConsent { DealershipId = TestApp.SecondDealershipId, Phone = Phone, Channel = ConsentChannels.Sms, Granted = true, Source = "其他门店" });
            db.Consents.Add(new Dealership.Notification.Sms.CustomerConsent { DealershipId = DealershipId, Phone = "+8613700000000", Channel = ConsentChannels.Sms, Granted = true, Source = "家人" });
            db.Consents.Add(new Dealership.Notification.Sms.CustomerConsent { DealershipId = DealershipId, Phone = Phone, Channel = ConsentChannels.Phone, Granted = true, Source = "电话" });
            await db.SaveChangesAsync();
        }

        var sms = await RequestAsync("care", Afternoon);

        Assert.Equal((SmsStatus.Refused, "no SMS consent on record for this customer"), (sms.Status, sms.Reason));
    }

    [Fact]
    public async Task Should_take_a_repeated_request_once()
    {
        await ConsentAsync(granted: true);

        await RequestAsync("care", Afternoon, key: "care:step-1");
        await RequestAsync("care", Afternoon.AddMinutes(5), key: "care:step-1");

        await using var db = _database.Open();
        Assert.Equal(1, await db.Messages.CountAsync());
    }

    [Fact]
    public async Task Should_write_in_the_language_asked_for_or_else_the_dealerships_with_its_own_text()
    {
        await ConsentAsync(granted: true);
        await using (var db = _database.Open())
        {
            db.Settings.Add(new DealershipSmsSettings { DealershipId = DealershipId, DealershipCode = "DEMO01", Signature = "[Demo Motors]", Language = SmsLanguages.English });
            db.Templates.Add(new SmsTemplate { Id = Guid.NewGuid(), DealershipId = DealershipId, Purpose = "care", Language = SmsLanguages.Chinese, Body = "{customer}，谢谢！" });
            db.Templates.Add(new SmsTemplate { Id = Guid.NewGuid(), DealershipId = TestApp.SecondDealershipId, Purpose = "care", Language = SmsLanguages.English, Body = "Suzhou thanks you" });
            await db.SaveChangesAsync();
        }

        var english = await RequestAsync("care", Afternoon);
        var chinese = await RequestAsync("care", Afternoon, language: SmsLanguages.Chinese);
        var unknown = await RequestAsync("care", Afternoon, language: "fr");

        Assert.Equal("[Demo Motors]Dear 刘女士, thank you for talking with 王芳 today. Whenever you need us, we are here. Reply TD to opt out", english.Text);
        Assert.Equal("[Demo Motors]刘女士，谢谢！ 回复TD退订", chinese.Text);
        Assert.Equal(SmsLanguages.English, unknown.Language);
    }

    [Fact]
    public async Task Should_withdraw_consent_and_refuse_what_waits_when_the_customer_replies_an_opt_out_keyword()
    {
        await ConsentAsync(granted: true);
        await SentAsync(await RequestAsync("care", Afternoon.AddHours(-1)));
        var waiting = await RequestAsync("reminder", Afternoon);
        var held = await RequestAsync("reminder", Showroom.Local(2030, 1, 15, 22));

        ReplyOutcome? outcome;
        await using (var db = _database.Open())
        {
            outcome = await SmsReplies.HandleAsync(db, Phone, " td ", Afternoon, CancellationToken.None);
            await db.SaveChangesAsync();
        }

        Assert.Equal(new ReplyOutcome(DealershipId, _leadId, true, "TD"), outcome);
        await using var after = _database.Open();
        var consent = await after.Consents.SingleAsync();
        Assert.Equal((false, "sms-reply:TD"), (consent.Granted, consent.Source));
        foreach (var id in new[] { waiting.Id, held.Id })
        {
            var message = await after.Messages.SingleAsync(m => m.Id == id);
            Assert.Equal((SmsStatus.Refused, "the customer opted out (replied TD)"), (message.Status, message.Reason));
        }
        Assert.Contains(nameof(CustomerOptedOut), await PublishedAsync());
    }

    [Fact]
    public async Task Should_take_an_opt_out_for_the_latest_conversation_and_refuse_only_what_waits_for_that_customer_there()
    {
        await ConsentAsync(granted: true);
        var earlier = await RequestAsync("care", Afternoon.AddHours(-3));
        await SetStatusAsync(earlier, SmsStatus.Sent);
        await using (var db = _database.Open())
        {
            // The latest SMS to this phone came from the second dealership, which has no consent on record for it.
            var latest = Message(Phone, SmsStatus.Sent, Afternoon.AddHours(-1), dealershipId: TestApp.SecondDealershipId);
            latest.SentAt = latest.CreatedAt;
            db.Messages.Add(latest);
            db.Messages.Add(Message(Phone, SmsStatus.Queued, Afternoon, dealershipId: TestApp.SecondDealershipId));
            db.Messages.Add(Message(Phone, SmsStatus.Held, Afternoon));
            db.Messages.Add(Message("+8613700000000", SmsStatus.Queued, Afternoon, dealershipId: TestApp.SecondDealershipId));
            db.Messages.Add(Message(Phone, SmsStatus.Queued, Afternoon, dealershipId: TestApp.SecondDealershipId, recipient: SmsRecipients.Consultant));
            await db.SaveChangesAsync();
        }

        ReplyOutcome? outcome;
        await using (var db = _database.Open())
        {
            outcome = await SmsReplies.HandleAsync(db, Phone, "退订", Afternoon, CancellationToken.None);
            await db.SaveChangesAsync();
        }

        Assert.Equal(TestApp.SecondDealershipId, outcome!.DealershipId);
        await using var after = _database.Open();
        var consent = await after.Consents.SingleAsync(c => c.DealershipId == TestApp.SecondDealershipId);
        Assert.Equal((false, "sms-reply:退订"), (consent.Granted, consent.Source));
        Assert.True((await after.Consents.SingleAsync(c => c.DealershipId == DealershipId)).Granted);
        var statuses = await after.Messages.Where(m => m.CreatedAt == Afternoon).Select(m => new { m.DealershipId, m.Phone, m.Recipient, m.Status }).ToListAsync();
        Assert.Equal(SmsStatus.Refused, statuses.Single(m => m.DealershipId == TestApp.SecondDealershipId && m.Phone == Phone && m.Recipient == SmsRecipients.Customer).Status);
        Assert.Equal(SmsStatus.Held, statuses.Single(m => m.DealershipId == DealershipId).Status);
        Assert.Equal(SmsStatus.Queued, statuses.Single(m => m.Phone != Phone).Status);
        Assert.Equal(SmsStatus.Queued, statuses.Single(m => m.Recipient == SmsRecipients.Consultant).Status);
    }

    [Fact]
    public async Task Should_pass_on_any_other_reply_to_the_last_conversation_and_ignore_a_phone_never_texted()
    {
        await ConsentAsync(granted: true);
        await SentAsync(await RequestAsync("care", Afternoon.AddHours(-1)));

        await using var db = _database.Open();
        var answer = await SmsReplies.HandleAsync(db, Phone, " 1 ", Afternoon, CancellationToken.None);
        var stranger = await SmsReplies.HandleAsync(db, "+8613700000000", "TD", Afternoon, CancellationToken.None);
        await db.SaveChangesAsync();

        Assert.Equal(new ReplyOutcome(DealershipId, _leadId, false, null), answer);
        Assert.Null(stranger);
        Assert.True((await db.Consents.SingleAsync()).Granted);
        Assert.Contains(nameof(SmsReplyReceived), await PublishedAsync());
    }

    private async Task ConsentAsync(bool granted, string source = "lead submission")
    {
        await using var db = _database.Open();
        var consent = await db.Consents.FindAsync(DealershipId, Phone, ConsentChannels.Sms);
        if (consent is null)
            db.Consents.Add(new Dealership.Notification.Sms.CustomerConsent { DealershipId = DealershipId, Phone = Phone, Channel = ConsentChannels.Sms, Granted = granted, Source = source });
        else
            (consent.Granted, consent.Source) = (granted, source);
        await db.SaveChangesAsync();
    }

    private async Task<SmsMessage> RequestAsync(string template, DateTimeOffset now, string recipient = SmsRecipients.Customer, string? key = null, string? language = null)
    {
        key ??= $"{_leadId}:{template}:step-{++_step}";
        var parameters = new Dictionary<string, string> { ["customer"] = "刘女士", ["consultant"] = "王芳", ["dueAt"] = "明天", ["startsAt"] = "明天 10:00" };
        if (language is not null)
            parameters["language"] = language;
        await using var db = _database.Open();
        await SmsRequests.RequestAsync(db, new SmsRequest(DealershipId, _leadId, recipient, Phone, template, parameters, key), now, CancellationToken.None);
        await db.SaveChangesAsync();
        return await db.Messages.AsNoTracking().SingleAsync(m => m.IdempotencyKey == key);
    }

    private SmsMessage Message(string phone, SmsStatus status, DateTimeOffset createdAt, Guid? dealershipId = null, string recipient = SmsRecipients.Customer) => new()
    {
        Id = Guid.NewGuid(), DealershipId = dealershipId ?? DealershipId, LeadId = _leadId, Recipient = recipient, Phone = phone, Template = "care",
        Text = "…", IdempotencyKey = Guid.NewGuid().ToString(), Status = status, CreatedAt = createdAt, SendAt = createdAt,
    };

    private async Task HoldAgainAsync(SmsMessage message, string reason, DateTimeOffset until)
    {
        await using var db = _database.Open();
        SmsRequests.Hold(db, await db.Messages.SingleAsync(m => m.Id == message.Id), reason, until, Afternoon);
        await db.SaveChangesAsync();
    }

    private Task SentAsync(SmsMessage message) => SetStatusAsync(message, SmsStatus.Sent);

    private Task HoldAsync(SmsMessage message) => SetStatusAsync(message, SmsStatus.Held);

    private async Task SetStatusAsync(SmsMessage message, SmsStatus status)
    {
        await using var db = _database.Open();
        var row = await db.Messages.SingleAsync(m => m.Id == message.Id);
        row.Status = status;
        row.SentAt = status is SmsStatus.Sent or SmsStatus.Delivered or SmsStatus.Undelivered ? row.CreatedAt : null;
        await db.SaveChangesAsync();
    }

    /// <summary>The short names of the events staged for publishing, oldest first.</summary>
    private async Task<List<string>> PublishedAsync()
    {
        await using var db = _database.Open();
        var types = await db.OutboxMessages.OrderBy(m => m.CreatedAt).Select(m => m.MessageType).ToListAsync();
        return types.Select(t => t[(t.LastIndexOf('.') + 1)..]).ToList();
    }
}
