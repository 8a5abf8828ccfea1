using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;

namespace Dealership.Tests.Intake;

/// <summary>
/// ADF documents as lead portals really send them: the specification's own prolog, instructions in any case and
/// order, every fact a consultant would use kept, and the dealership found from the document itself.
/// </summary>
public sealed class Adf_as_portals_send_it_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    static Adf_as_portals_send_it_Specs() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Intake", "Samples", name));

    private static Task<HttpResponseMessage> PostAdfAsync(HttpClient client, byte[] xml, string query = "") =>
        client.PostAsync("/api/leads/adf" + query, new ByteArrayContent(xml) { Headers = { ContentType = new MediaTypeHeaderValue("application/xml") } });

    private static string Prospect(string name, string phone) =>
        $"""<adf><prospect><vehicle><model>Passat</model></vehicle><customer><contact><name part="full">{name}</name><phone>{phone}</phone></contact></customer></prospect></adf>""";

    [Theory]
    // The ADF 1.0 specification's own example starts so: XML itself would refuse its second line.
    [InlineData("<?ADF VERSION \"1.0\"?>\n<?XML VERSION \"1.0\"?>\n")]
    [InlineData("<?adf version=\"1.0\"?>\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")]
    [InlineData("<?XML VERSION=\"1.0\" ENCODING=\"UTF-8\"?>\r\n<?ADF VERSION=\"1.0\"?>\r\n")]
    [InlineData("<!-- exported by the portal --><?Adf Version \"1.0\"?><!DOCTYPE adf SYSTEM \"adf.dtd\"><?Xml Version \"1.0\"?>")]
    [InlineData("")]
    public async Task Should_take_a_document_whatever_its_prolog_says_before_the_root(string prolog)
    {
        var phone = TestApp.UniquePhone();

        var response = await PostAdfAsync(_app.Client, Encoding.UTF8.GetBytes(prolog + Prospect("冯先生", phone)), "?dealershipCode=DEMO01");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var row = Assert.Single(JsonSerializer.Deserialize<List<ItemResult>>(body, Web)!);
        Assert.Equal("accepted", row.Outcome);
        var lead = await _app.Client.GetFromJsonAsync<AdfLead>($"/api/leads/{row.LeadId}");
        Assert.Equal(("冯先生", "+86" + phone, "Passat"), (lead!.Name, lead.Phone, lead.VehicleOfInterest));
    }

    [Fact]
    public async Task Should_read_a_document_in_the_chinese_encoding_its_upper_case_declaration_names()
    {
        var xml = Encoding.GetEncoding("GB18030").GetBytes("<?XML VERSION=\"1.0\" ENCODING=\"GB18030\"?>\n<?ADF VERSION=\"1.0\"?>\n" + Prospect("王建国", "13811115555"));

        var response = await PostAdfAsync(_app.Client, xml, "?dealershipCode=DEMO01");

        var row = Assert.Single((await response.Content.ReadFromJsonAsync<List<ItemResult>>())!);
        Assert.Equal("王建国", (await _app.Client.GetFromJsonAsync<AdfLead>($"/api/leads/{row.LeadId}"))!.Name);
    }

    [Theory]
    [InlineData("<?ADF VERSION \"1.0\"?><?XML VERSION \"1.0\"?><!DOCTYPE adf [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><adf><prospect><customer><contact><name>&xxe;</name></contact></customer></prospect></adf>", "xxe")]
    [InlineData("<?ADF VERSION \"1.0\"?>\n<?XML VERSION \"1.0\"\n<adf></adf>", "never closed (line 2)")]
    [InlineData("<?ADF VERSION \"1.0\"?>", "no root element")]
    [InlineData("<?xml version=\"1.0\" encoding=\"klingon-8\"?><adf/>", "klingon-8")]
    public async Task Should_still_refuse_what_it_cannot_read_with_the_reason_and_keep_it(string xml, string reasonMentions)
    {
        var response = await PostAdfAsync(_app.Client, Encoding.UTF8.GetBytes(xml), "?dealershipCode=DEMO01");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(reasonMentions, problem.GetProperty("errors").GetProperty("adf")[0].GetString());
        var kept = await _app.Client.GetFromJsonAsync<RejectionView>($"/api/leads/rejected/{problem.GetProperty("rejectionId").GetGuid()}");
        Assert.Equal(xml, kept!.RawPayload);
    }

    [Fact]
    public async Task Should_keep_the_timeframe_comments_address_contact_preference_every_vehicle_and_the_trade_in()
    {
        var response = await PostAdfAsync(_app.Client, Sample("portal-leads.adf.xml"), "?dealershipCode=DEMO01");

        var rows = (await response.Content.ReadFromJsonAsync<List<ItemResult>>())!;
        var lead = (await _app.Client.GetFromJsonAsync<AdfLead>($"/api/leads/{rows[0].LeadId}"))!;
        Assert.Equal(("周晓梅", "+8613811112222", "zhou.xm@example.cn"), (lead.Name, lead.Phone, lead.Email));
        Assert.Equal(new Timeframe("两周内", new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 14)), lead.Timeframe);
        Assert.Equal(new Address("浦东新区张杨路 500 号\n12 楼 1203 室", "上海", "CN-SH", "200120", "CN"), lead.Address);
        Assert.Equal(("phone", "evening"), (lead.PreferredContact, lead.PreferredContactTime));
        Assert.Equal("2026 Volkswagen ID.4 CROZZ Pro", lead.VehicleOfInterest);
        Assert.Equal(new Vehicle("trade-in", "used", 2018, "Volkswagen", "Lavida", null, "LSVAM4187J2012345", 86000, "km", "good", "一手车，保养记录齐全"), lead.TradeIn);

        var enquiry = Assert.Single(lead.Enquiries);
        Assert.Equal("想周末带家人来试驾，旧车想置换", enquiry.Note);
        Assert.Equal(lead.Timeframe, enquiry.Timeframe);
        Assert.Equal([("buy", "ID.4 CROZZ"), ("test-drive", "ID.7 VIZZION"), ("trade-in", "Lavida")], enquiry.Vehicles.Select(v => (v.Interest, v.Model)));

        // The customer says it again, sooner: the lead takes the new timeframe, the first enquiry keeps what it said.
        var again = await _app.Client.PostAsJsonAsync("/api/leads", new
        {
            dealershipCode = "DEMO01", source = "dealership", externalId = "WEB-55120", phone = "13811112222",
            timeframe = new { description = "本周内", latestDate = "2026-12-06" },
        });
        Assert.Equal("merged", (await again.Content.ReadFromJsonAsync<SubmitResult>())!.Outcome);
        lead = (await _app.Client.GetFromJsonAsync<AdfLead>($"/api/leads/{rows[0].LeadId}"))!;
        Assert.Equal(new Timeframe("本周内", null, new DateOnly(2026, 12, 6)), lead.Timeframe);
        Assert.Equal("两周内", lead.Enquiries[0].Timeframe!.Description);
        Assert.Equal("Lavida", lead.TradeIn!.Model);
    }

    [Fact]
    public async Task Should_find_each_prospect_s_dealership_from_its_vendor_as_the_client_s_map_names_it_when_the_url_does_not()
    {
        var client = await NewClientAsync("AutoPortal", "DEMO01", "DEMO02");
        var mapped = await _app.Client.PutAsJsonAsync($"/api/api-clients/{client.Id}/vendors", new
        {
            vendors = new[] { new { vendor = "AP-SH-0042", dealershipCode = "demo01" }, new { vendor = "autoportal suzhou showroom", dealershipCode = "DEMO02" } },
        });
        Assert.Equal(HttpStatusCode.OK, mapped.StatusCode);
        Assert.Equal(2, (await mapped.Content.ReadFromJsonAsync<JsonObject>())!["vendors"]!.AsArray().Count);

        var response = await PostAdfAsync(_app.KeyClient(client.Key), Sample("portal-leads.adf.xml"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var rows = JsonSerializer.Deserialize<List<ItemResult>>(body, Web)!;
        Assert.Equal(["accepted", "accepted", "rejected"], rows.Select(r => r.Outcome));
        // By the vendor's id, and by its name as the specification's example writes it (the vendor's contact).
        Assert.Equal("DEMO01", (await _app.Client.GetFromJsonAsync<AdfLead>($"/api/leads/{rows[0].LeadId}"))!.DealershipCode);
        Assert.Equal("DEMO02", (await _app.Client.GetFromJsonAsync<AdfLead>($"/api/leads/{rows[1].LeadId}"))!.DealershipCode);
        // A vendor nobody mapped is kept for a person, with what to do about it.
        var reason = Assert.Single(rows[2].Errors!["dealershipCode"]);
        Assert.Contains("AP-BJ-0007", reason);
        Assert.Contains("vendor map", reason);
        var kept = await _app.Client.GetFromJsonAsync<RejectionView>($"/api/leads/rejected/{rows[2].RejectionId}");
        Assert.Contains("郑女士", kept!.RawPayload);

        // The URL still places what the document does not.
        var placed = await PostAdfAsync(_app.KeyClient(client.Key), Encoding.UTF8.GetBytes(Prospect("钱女士", TestApp.UniquePhone())), "?dealershipCode=DEMO02");
        Assert.Equal("accepted", Assert.Single((await placed.Content.ReadFromJsonAsync<List<ItemResult>>())!).Outcome);
    }

    [Fact]
    public async Task Should_place_the_next_document_by_a_vendor_map_changed_after_the_key_was_used()
    {
        var client = await NewClientAsync("RemapPortal", "DEMO01", "DEMO02");
        Task<HttpResponseMessage> MapAsync(string code) => _app.Client.PutAsJsonAsync($"/api/api-clients/{client.Id}/vendors", new
        {
            vendors = new[] { new { vendor = "RP-0001", dealershipCode = code } },
        });
        async Task<string> PlacedAtAsync()
        {
            var xml = Encoding.UTF8.GetBytes($"""<adf><prospect><customer><contact><name>潘先生</name><phone>{TestApp.UniquePhone()}</phone></contact></customer><vendor><id>RP-0001</id></vendor></prospect></adf>""");
            var row = Assert.Single((await (await PostAdfAsync(_app.KeyClient(client.Key), xml)).Content.ReadFromJsonAsync<List<ItemResult>>())!);
            Assert.Equal("accepted", row.Outcome);
            return (await _app.Client.GetFromJsonAsync<AdfLead>($"/api/leads/{row.LeadId}"))!.DealershipCode;
        }
        (await MapAsync("DEMO01")).EnsureSuccessStatusCode();
        Assert.Equal("DEMO01", await PlacedAtAsync());

        // The key's facts were just checked and are kept for a while: the change still applies to the very next document.
        (await MapAsync("DEMO02")).EnsureSuccessStatusCode();

        Assert.Equal("DEMO02", await PlacedAtAsync());
    }

    [Fact]
    public async Task Should_not_let_a_vendor_map_reach_a_dealership_the_client_may_not_send_leads_for()
    {
        var client = await NewClientAsync("Shanghai-only portal", "DEMO01");

        var refused = await _app.Client.PutAsJsonAsync($"/api/api-clients/{client.Id}/vendors", new
        {
            vendors = new[] { new { vendor = "AP-SH-0042", dealershipCode = "DEMO01" }, new { vendor = "AP-SZ-0001", dealershipCode = "DEMO02" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("DEMO02", errors.GetProperty("vendors[1].dealershipCode")[0].GetString());
        Assert.Empty((await _app.Client.GetFromJsonAsync<List<JsonObject>>("/api/api-clients"))!
            .Single(c => c["id"]!.GetValue<Guid>() == client.Id)["vendors"]!.AsArray());
        // Nor a dealership that does not exist, nor a vendor twice.
        var unknown = await _app.Client.PutAsJsonAsync($"/api/api-clients/{client.Id}/vendors", new
        {
            vendors = new[] { new { vendor = "X-1", dealershipCode = "NOPE99" }, new { vendor = "x-1", dealershipCode = "DEMO01" } },
        });
        var unknownErrors = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("NOPE99", unknownErrors.GetProperty("vendors[0].dealershipCode")[0].GetString());
        Assert.Contains("twice", unknownErrors.GetProperty("vendors[1].vendor")[0].GetString());

        // Only admins set it.
        var manager = await _app.SignInAsync("manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutAsJsonAsync($"/api/api-clients/{client.Id}/vendors", new { vendors = Array.Empty<object>() })).StatusCode);

        // A document whose vendor id is another dealership's code is answered as forbidden, as before.
        var xml = Encoding.UTF8.GetBytes($"""<adf><prospect><customer><contact><name>林先生</name><phone>{TestApp.UniquePhone()}</phone></contact></customer><vendor><id>DEMO02</id></vendor></prospect></adf>""");
        var row = Assert.Single((await (await PostAdfAsync(_app.KeyClient(client.Key), xml)).Content.ReadFromJsonAsync<List<ItemResult>>())!);
        Assert.Equal("forbidden", row.Outcome);
    }

    private async Task<(Guid Id, string Key)> NewClientAsync(string name, params string[] dealerships)
    {
        var created = await _app.Client.PostAsJsonAsync("/api/api-clients", new { name, scopes = new[] { "leads:submit" }, dealerships });
        created.EnsureSuccessStatusCode();
        var answer = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        return (answer["client"]!["id"]!.GetValue<Guid>(), answer["key"]!.GetValue<string>());
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private sealed record Timeframe(string? Description, DateOnly? EarliestDate, DateOnly? LatestDate);
    private sealed record Address(string? Street, string? City, string? Region, string? PostalCode, string? Country);
    private sealed record Vehicle(string Interest, string? Status, int? Year, string? Make, string? Model, string? Trim, string? Vin, int? Odometer,
        string? OdometerUnits, string? Condition, string? Comments);
    private sealed record AdfEnquiry(string? Note, Timeframe? Timeframe, List<Vehicle> Vehicles);
    private sealed record AdfLead(string DealershipCode, string? Name, string? Phone, string? Email, string? VehicleOfInterest, Timeframe? Timeframe,
        Address? Address, string? PreferredContact, string? PreferredContactTime, Vehicle? TradeIn, List<AdfEnquiry> Enquiries);
}
