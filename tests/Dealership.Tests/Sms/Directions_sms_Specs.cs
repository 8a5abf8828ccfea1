using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Notification;
using Dealership.Notification.Sms;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Sms;

/// <summary>
/// The directions SMS tells the customer where the showroom is, where to park and how to open the route, from what the admin
/// gave the dealership; and no SMS goes out with a gap where a value should be: it waits for it, on a clock the spec controls.
/// </summary>
public sealed class Directions_sms_Specs : IAsyncLifetime
{
    private const string Phone = "+8613912345678";
    private const string Address = "上海市浦东新区金科路2889号";
    private const string Parking = "展厅地下停车场B2，到店客户免费停车2小时";
    private const string Map = "https://uri.amap.com/marker?position=121.6025,31.2033";
    // Tuesday 15:00 in Shanghai: outside the default quiet hours (21:00-08:00).
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 15, 15));
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(null,
        b => b.Services.AddSingleton<TimeProvider>(_clock),
        ["--Sms:Sender:PollInterval=00:00:00.100"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("zh-CN", "【演示汽车上海店】陈先生您好，演示汽车上海店到店指引：" + Address + "；停车：" + Parking + "；地图：" + Map + " 回复TD退订")]
    [InlineData("en", "【演示汽车上海店】Dear 陈先生, how to find Demo Motors Shanghai: " + Address + "; parking: " + Parking + "; map: " + Map + " Reply TD to opt out")]
    public async Task Should_send_the_directions_with_the_showroom_s_address_parking_and_map_link_in_the_customer_s_language(string language, string expected)
    {
        await ShowroomAsync(Address, Map, Parking);
        var leadId = await LeadAsync("DIR-1");

        await RequestDirectionsAsync(leadId, language);

        var sms = await MessageAsync(leadId, s => s.Status == "delivered");
        Assert.Equal(expected, sms.Text);
    }

    [Fact]
    public async Task Should_hold_the_directions_of_a_dealership_without_an_address_saying_why_and_send_them_once_it_has_one()
    {
        await ShowroomAsync(address: null, map: null, parking: null);
        // Operations staff are warned on the template page before any customer waits.
        var preview = await _app.Client.PostAsJsonAsync("/api/sms/templates/DEMO01/directions/zh-CN/preview", new { body = "{customer}您好，{dealership}到店指引：{directions}" });
        Assert.Equal("directions", Assert.Single((await preview.Content.ReadFromJsonAsync<JsonObject>())!["missingValues"]!.AsArray())!.GetValue<string>());
        var leadId = await LeadAsync("DIR-2");

        await RequestDirectionsAsync(leadId, "zh-CN");

        var held = await MessageAsync(leadId, s => s.Status == "held");
        Assert.Equal("no value for {directions}", held.Reason);
        var lead = await TimelineAsync(leadId, "sms-held");
        Assert.Contains(lead.Timeline, t => t.Kind == "sms-held" && t.Text.Contains("no value for {directions}"));
        Assert.DoesNotContain(lead.Timeline, t => t.Kind == "sms-sent" && t.Text.Contains("'directions'"));

        // The admin gives the showroom its address: the customer gets whole directions, not the empty ones.
        await ShowroomAsync(Address, Map, Parking);

        var sent = await MessageAsync(leadId, s => s.Status == "delivered");
        Assert.Equal($"【演示汽车上海店】陈先生您好，演示汽车上海店到店指引：{Address}；停车：{Parking}；地图：{Map} 回复TD退订", sent.Text);
        await TimelineAsync(leadId, "sms-sent");
    }

    [Fact]
    public async Task Should_withdraw_the_directions_that_got_no_address_within_a_day_saying_why()
    {
        await ShowroomAsync(address: null, map: null, parking: "展厅地下停车场B2");
        var leadId = await LeadAsync("DIR-3");
        await RequestDirectionsAsync(leadId, "zh-CN");
        await MessageAsync(leadId, s => s.Status == "held");

        _clock.Advance(SmsRequests.ValueWait);

        var withdrawn = await MessageAsync(leadId, s => s.Status == "withdrawn");
        Assert.Equal("no value for {directions} within 24 hours of the request", withdrawn.Reason);
        await TimelineAsync(leadId, "sms-withdrawn");
    }

    /// <summary>What the admin keeps of the demo dealership's showroom; returns once notification writes SMS with it.</summary>
    private async Task ShowroomAsync(string? address, string? map, string? parking)
    {
        var response = await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO01", new
        {
            nameZh = "演示汽车上海店", nameEn = "Demo Motors Shanghai", timeZone = "Asia/Shanghai", phoneRegion = "CN",
            showroomAddress = address, showroomMapLink = map, parkingNote = parking, active = true,
        });
        response.EnsureSuccessStatusCode();
        // The template page's preview writes {directions} as an SMS would be written now: it shows when notification has followed.
        var directions = SmsRequests.Directions(null,
            new DealershipSmsSettings { DealershipCode = "DEMO01", ShowroomAddress = address, ShowroomMapLink = map, ParkingNote = parking }, SmsLanguages.Chinese);
        var expected = $"【演示汽车上海店】{(directions.Length > 0 ? directions : "{directions}")} 回复TD退订";
        await Eventually.Get(async () =>
            {
                var preview = await _app.Client.PostAsJsonAsync("/api/sms/templates/DEMO01/directions/zh-CN/preview", new { body = "{directions}" });
                return (await preview.Content.ReadFromJsonAsync<JsonObject>())!["text"]!.GetValue<string>();
            },
            text => text == expected, because: "notification should follow the dealership's showroom");
    }

    private async Task<Guid> LeadAsync(string externalId)
    {
        var leadId = await _app.PostLeadAsync(externalId, phone: "139 1234 5678");
        await _app.GrantSmsConsentAsync(leadId, Phone);
        return leadId;
    }

    /// <summary>The flow's step after a booking without directions of its own.</summary>
    private Task RequestDirectionsAsync(Guid leadId, string language) =>
        _app.Services.GetRequiredService<IBus>().Publish(new SendSms(leadId, TestApp.DemoDealershipId, SmsRecipients.Customer, Phone, "directions",
            new Dictionary<string, string> { ["customer"] = "陈先生", ["language"] = language }, $"{leadId}:directions:step-1", _clock.GetUtcNow()));

    private async Task<SmsDetailView> MessageAsync(Guid leadId, Func<SmsDetailView, bool> done)
    {
        var all = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}")!,
            l => l!.Any(s => s.Template == "directions" && done(s)), because: "the directions SMS should get there");
        return all!.First(s => s.Template == "directions" && done(s));
    }

    private async Task<LeadView> TimelineAsync(Guid leadId, string kind) =>
        (await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.Timeline.Any(t => t.Kind == kind),
            because: $"the timeline should show {kind}"))!;
}

/// <summary>A text that lacks a value, on the notification database alone: held once, never queued, written again when it may go.</summary>
public sealed class When_an_sms_text_lacks_a_value : IAsyncLifetime
{
    private const string Phone = "+8613912345678";
    private static readonly Guid DealershipId = TestApp.DemoDealershipId;
    private static readonly DateTimeOffset Afternoon = Showroom.Local(2030, 1, 15, 15);
    private readonly Guid _leadId = Guid.NewGuid();
    private ServiceDatabase<NotificationDbContext> _database = null!;

    public async Task InitializeAsync()
    {
        _database = await ServiceDatabase<NotificationDbContext>.CreateAsync<NotificationSqliteDbContext>();
        await using var db = _database.Open();
        db.Settings.Add(new DealershipSmsSettings { DealershipId = DealershipId, DealershipCode = "DEMO01", NameZh = "演示汽车上海店" });
        db.Consents.Add(new Dealership.Notification.Sms.CustomerConsent { DealershipId = DealershipId, Phone = Phone, Channel = ConsentChannels.Sms, Granted = true, Source = "spec" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Should_hold_a_consultant_alert_too_rather_than_send_it_with_a_gap()
    {
        var alert = await RequestAsync("new-lead", SmsRecipients.Consultant, new() { ["consultant"] = "王芳" });

        Assert.Equal((SmsStatus.Held, "no value for {dueAt}"), (alert.Status, alert.Reason));
        Assert.Equal("【经销商】王芳，您有一条新线索，请在 {dueAt} 前首次联系客户。", alert.Text);
        Assert.Equal(Afternoon + SmsRequests.ValueWait, alert.SendAt);
        Assert.Equal(new[] { nameof(SmsHeld) }, await PublishedAsync());
    }

    [Fact]
    public async Task Should_go_once_a_corrected_template_no_longer_needs_the_value_and_tell_the_timeline_of_the_same_gap_once()
    {
        var held = await RequestAsync("directions", SmsRecipients.Customer, new() { ["customer"] = "刘女士" });
        // The sender looks again (a dealership's change that did not give an address): still the same gap, no second announcement.
        await using (var db = _database.Open())
        {
            var message = await db.Messages.SingleAsync(m => m.Id == held.Id);
            await SmsRequests.ReleaseWaitingAsync(db, DealershipId, Afternoon.AddHours(1), CancellationToken.None);
            Assert.False(await SmsRequests.WriteAgainAsync(db, message, await SmsRequests.SettingsAsync(db, DealershipId, CancellationToken.None), Afternoon.AddHours(1), CancellationToken.None));
            db.Templates.Add(new SmsTemplate { Id = Guid.NewGuid(), DealershipId = DealershipId, Purpose = "directions", Language = SmsLanguages.Chinese, Body = "{customer}您好，请致电展厅询问到店路线。" });
            await db.SaveChangesAsync();
        }
        Assert.Equal(new[] { nameof(SmsHeld) }, await PublishedAsync());

        await using (var db = _database.Open())
        {
            var message = await db.Messages.SingleAsync(m => m.Id == held.Id);
            Assert.True(await SmsRequests.WriteAgainAsync(db, message, await SmsRequests.SettingsAsync(db, DealershipId, CancellationToken.None), Afternoon.AddHours(2), CancellationToken.None));
            await db.SaveChangesAsync();
        }

        await using var after = _database.Open();
        var written = await after.Messages.SingleAsync(m => m.Id == held.Id);
        Assert.Equal("【经销商】刘女士您好，请致电展厅询问到店路线。 回复TD退订", written.Text);
        Assert.Null(written.Parameters);
    }

    private async Task<SmsMessage> RequestAsync(string template, string recipient, Dictionary<string, string> parameters)
    {
        var key = $"{_leadId}:{template}:step-1";
        await using var db = _database.Open();
        await SmsRequests.RequestAsync(db, new SmsRequest(DealershipId, _leadId, recipient, Phone, template, parameters, key), Afternoon, CancellationToken.None);
        await db.SaveChangesAsync();
        return await db.Messages.AsNoTracking().SingleAsync(m => m.IdempotencyKey == key);
    }

    /// <summary>The short names of the events staged for publishing, oldest first.</summary>
    private async Task<List<string>> PublishedAsync()
    {
        await using var db = _database.Open();
        var types = await db.OutboxMessages.OrderBy(m => m.CreatedAt).Select(m => m.MessageType).ToListAsync();
        return types.Select(t => t[(t.LastIndexOf('.') + 1)..]).ToList();
    }
}
