using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;

namespace Dealership.Tests.Dealerships;

/// <summary>
/// An admin creates and changes a dealership once, at the identity service; the other services follow
/// from its DealershipChanged events instead of each keeping a setting of its own.
/// </summary>
public sealed class Following_dealerships_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object Dealership(string code, string timeZone, bool active = true) => new
    {
        code, nameZh = "演示汽车杭州店", nameEn = "Demo Motors Hangzhou", timeZone, phoneRegion = "CN",
        showroomAddress = "杭州市西湖区文三路 90 号", active,
    };

    private Task<JsonObject> WhenAsync(string path, Func<JsonObject, bool> done, string because) =>
        Eventually.Get(async () =>
        {
            var response = await _app.Client.GetAsync(path);
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())! : new JsonObject { ["status"] = (int)response.StatusCode };
        }, done, TimeSpan.FromSeconds(30), because)!;

    private Task<HttpResponseMessage> PostLeadAsync(string code, string externalId) =>
        _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = code, name = "钱先生", phone = TestApp.UniquePhone(), source = "oem", externalId });

    [Fact]
    public async Task Should_give_a_new_dealership_its_calendar_sms_rules_and_routing_in_its_time_zone_and_take_its_leads()
    {
        var created = await _app.Client.PostAsJsonAsync("/api/dealerships", Dealership("DEMO03", "Asia/Urumqi"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var calendar = await WhenAsync("/api/appointments/calendar/DEMO03", c => c["timeZone"] is not null, "appointment should open DEMO03's calendar");
        var sms = await WhenAsync("/api/sms/settings/DEMO03", s => s["timeZone"] is not null, "notification should give DEMO03 SMS rules");
        var routing = await WhenAsync("/api/routing-rules?dealershipCode=DEMO03", r => r["timeZone"] is not null, "assignment should know DEMO03");

        Assert.Equal("Asia/Urumqi", calendar["timeZone"]!.GetValue<string>());
        Assert.Equal("Asia/Urumqi", sms["timeZone"]!.GetValue<string>());
        Assert.Equal("Asia/Urumqi", routing["timeZone"]!.GetValue<string>());
        // The signature heads every customer SMS; the carrier registers the dealership's Chinese name.
        Assert.Equal("【演示汽车杭州店】", sms["signature"]!.GetValue<string>());
        var lead = await Eventually.Get(() => PostLeadAsync("DEMO03", "NEW-DEALER-1"), r => r.StatusCode != HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Created, lead.StatusCode);
    }

    [Fact]
    public async Task Should_move_every_service_to_the_time_zone_an_admin_gives_the_dealership()
    {
        Assert.Equal(HttpStatusCode.Created, (await _app.Client.PostAsJsonAsync("/api/dealerships", Dealership("DEMO04", "Asia/Shanghai"))).StatusCode);
        await WhenAsync("/api/sms/settings/DEMO04", s => s["timeZone"] is not null, "notification should know DEMO04");

        Assert.Equal(HttpStatusCode.OK, (await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO04", Dealership("DEMO04", "Europe/Berlin"))).StatusCode);

        await WhenAsync("/api/appointments/calendar/DEMO04", c => c["timeZone"]?.GetValue<string>() == "Europe/Berlin", "the calendar should follow the new time zone");
        await WhenAsync("/api/sms/settings/DEMO04", s => s["timeZone"]?.GetValue<string>() == "Europe/Berlin", "the quiet hours should follow the new time zone");
        // The calendar's own page no longer sets a time zone that could differ from the dealership's.
        var calendar = (await _app.Client.GetFromJsonAsync<JsonObject>("/api/appointments/calendar/DEMO04"))!;
        calendar["timeZone"] = "Asia/Tokyo";
        calendar["opensAt"] = "10:00:00";
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.PutAsJsonAsync("/api/appointments/calendar/DEMO04", calendar)).StatusCode);
        var saved = (await _app.Client.GetFromJsonAsync<JsonObject>("/api/appointments/calendar/DEMO04"))!;
        Assert.Equal(("Europe/Berlin", "10:00:00"), (saved["timeZone"]!.GetValue<string>(), saved["opensAt"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Should_refuse_new_leads_for_a_dealership_an_admin_closes_saying_why()
    {
        Assert.Equal(HttpStatusCode.Created, (await _app.Client.PostAsJsonAsync("/api/dealerships", Dealership("DEMO05", "Asia/Shanghai"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Eventually.Get(() => PostLeadAsync("DEMO05", "CLOSE-1"), r => r.StatusCode != HttpStatusCode.BadRequest)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO05", Dealership("DEMO05", "Asia/Shanghai", active: false))).StatusCode);

        var refused = await Eventually.Get(() => PostLeadAsync("DEMO05", $"CLOSE-{Guid.NewGuid():N}"), r => r.StatusCode != HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("DEMO05 is closed", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_keep_the_showroom_s_map_link_and_parking_note_and_refuse_a_link_a_phone_cannot_open_saying_what_it_takes()
    {
        var hangzhou = new JsonObject
        {
            ["code"] = "DEMO06", ["nameZh"] = "演示汽车杭州店", ["nameEn"] = "Demo Motors Hangzhou", ["showroomAddress"] = "杭州市西湖区文三路 90 号",
            ["showroomMapLink"] = " https://uri.amap.com/marker?position=120.1310,30.2770 ", ["parkingNote"] = "展厅东侧地面停车场，免费",
        };
        Assert.Equal(HttpStatusCode.Created, (await _app.Client.PostAsJsonAsync("/api/dealerships", hangzhou)).StatusCode);
        var saved = (await _app.Client.GetFromJsonAsync<JsonObject>("/api/dealerships/DEMO06"))!;
        Assert.Equal(("https://uri.amap.com/marker?position=120.1310,30.2770", "展厅东侧地面停车场，免费"),
            (saved["showroomMapLink"]!.GetValue<string>(), saved["parkingNote"]!.GetValue<string>()));

        foreach (var link in new[] { "uri.amap.com/marker?position=120.1310,30.2770", "javascript:alert(1)", "ftp://maps.example.com/showroom", "https://uri.amap.com/marker?name=展厅 东门",
            "https://" + new string('a', 500) + ".com" })
        {
            hangzhou["showroomMapLink"] = link;
            var refused = await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO06", hangzhou);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!;
            Assert.StartsWith("A web link that starts with https:// or http://", errors["showroomMapLink"]![0]!.GetValue<string>());
        }
        hangzhou["showroomMapLink"] = null;
        hangzhou["parkingNote"] = new string('停', 201);
        var tooLong = await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO06", hangzhou);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("parkingNote", (await tooLong.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal("https://uri.amap.com/marker?position=120.1310,30.2770",
            (await _app.Client.GetFromJsonAsync<JsonObject>("/api/dealerships/DEMO06"))!["showroomMapLink"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_route_the_second_demo_dealerships_leads_to_its_own_consultant()
    {
        var posted = await PostLeadAsync("DEMO02", "SZ-1");
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var leadId = (await posted.Content.ReadFromJsonAsync<SubmittedLead>())!.Id;

        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"), l => l!.AssignedConsultantId is not null);

        Assert.Equal(("DEMO02", "周杰 Zhou Jie"), (lead!.DealershipCode, lead.AssignedConsultantName));
    }
}
