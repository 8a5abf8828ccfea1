using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dealership.Tests.Support;

namespace Dealership.Tests.Intake;

public sealed class Adf_and_csv_channel_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    static Adf_and_csv_channel_Specs() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Intake", "Samples", name));

    private Task<HttpResponseMessage> PostAdfAsync(byte[] xml, string query = "") =>
        _app.Client.PostAsync("/api/leads/adf" + query, new ByteArrayContent(xml) { Headers = { ContentType = new MediaTypeHeaderValue("application/xml") } });

    private Task<HttpResponseMessage> PostCsvAsync(byte[] csv, string query) =>
        _app.Client.PostAsync("/api/leads/imports?" + query, new ByteArrayContent(csv) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });

    [Fact]
    public async Task Should_take_in_every_prospect_of_an_adf_document()
    {
        var response = await PostAdfAsync(Sample("autoshow-prospects.adf.xml"), "?dealershipCode=DEMO01");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = (await response.Content.ReadFromJsonAsync<List<ItemResult>>())!;
        Assert.Equal(["accepted", "accepted", "accepted"], rows.Select(r => r.Outcome));

        var first = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{rows[0].LeadId}");
        Assert.Equal("王建国", first!.Name);
        // The mobile number, not the fax listed before it.
        Assert.Equal("+8613912348801", first.Phone);
        Assert.Equal("wang.jianguo@example.cn", first.Email);
        Assert.Equal("2026 Volkswagen ID.4 CROZZ Pro", first.VehicleOfInterest);
        Assert.Equal("OEM-CRM:CRM-2026-118201", first.ExternalId);
        Assert.Contains("试驾", Assert.Single(first.Enquiries).Note);
        var second = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{rows[1].LeadId}");
        Assert.Equal("+8613812348802", second!.Phone);
        var third = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{rows[2].LeadId}");
        Assert.StartsWith("adf-", third!.ExternalId);

        var again = await PostAdfAsync(Sample("autoshow-prospects.adf.xml"), "?dealershipCode=DEMO01");
        Assert.Equal(["duplicate", "duplicate", "duplicate"], (await again.Content.ReadFromJsonAsync<List<ItemResult>>())!.Select(r => r.Outcome));
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE adf [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><adf><prospect><customer><contact><name>&xxe;</name><phone>13900000001</phone></contact></customer></prospect></adf>", "xxe")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]><adf><prospect><customer><contact><name>&lol9;</name></contact></customer></prospect></adf>", "lol9")]
    [InlineData("<adf><prospect><customer><contact><name>王</name></contact></customer></prospect>", "")]
    [InlineData("<leads><lead/></leads>", "<leads>")]
    [InlineData("<adf></adf>", "no <prospect>")]
    public async Task Should_refuse_malformed_or_hostile_xml_with_the_reason_and_stay_healthy(string xml, string reasonMentions)
    {
        var response = await PostAdfAsync(Encoding.UTF8.GetBytes(xml), "?dealershipCode=DEMO01");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var reason = problem.GetProperty("errors").GetProperty("adf")[0].GetString()!;
        Assert.Contains(reasonMentions, reason);
        Assert.DoesNotContain("root:", reason);
        // Kept for a person to see, with what was sent.
        var rejectionId = problem.GetProperty("rejectionId").GetGuid();
        var kept = await _app.Client.GetFromJsonAsync<RejectionView>($"/api/leads/rejected/{rejectionId}");
        Assert.Equal(xml, kept!.RawPayload);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Should_refuse_an_adf_document_over_two_megabytes()
    {
        var prospect = "<prospect><customer><contact><name>x</name></contact><comments>" + new string('x', 2000) + "</comments></customer></prospect>";
        var xml = "<adf>" + string.Concat(Enumerable.Repeat(prospect, 1200)) + "</adf>";

        var response = await PostAdfAsync(Encoding.UTF8.GetBytes(xml), "?dealershipCode=DEMO01");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("autoshow-2026.gb18030.csv", "auto", "gb18030")]
    [InlineData("autoshow-2026.gb18030.csv", "gb18030", "gb18030")]
    [InlineData("autoshow-2026.utf8.csv", "auto", "utf-8")]
    public async Task Should_import_event_leads_with_a_report_for_every_row(string file, string encoding, string detected)
    {
        // 王芳 is already a customer with an open lead: her row joins it.
        await _app.PostLeadAsync("WF-1", name: "王芳", phone: "13900008803", source: "dealership");

        var response = await PostCsvAsync(Sample(file), $"dealershipCode=DEMO01&campaign=2026车展&encoding={encoding}&fileName={file}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var import = JsonSerializer.Deserialize<ImportView>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(detected, import.Encoding);
        Assert.Equal("completed", import.Status);
        Assert.Equal((6, 3, 1, 1, 1), (import.Rows, import.Imported, import.Merged, import.Duplicates, import.Rejected));

        var rows = (await _app.Client.GetFromJsonAsync<List<ImportRowView>>($"/api/leads/imports/{import.Id}/rows"))!;
        Assert.Equal(["accepted", "accepted", "merged", "rejected", "duplicate", "accepted"], rows.Select(r => r.Outcome));
        Assert.Contains(rows[3].Reasons, r => r.StartsWith("phone:") && r.Contains("12345"));
        var zhang = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{rows[0].LeadId}");
        Assert.Equal("张伟", zhang!.Name);
        Assert.Equal("朗逸", zhang.VehicleOfInterest);
        Assert.Equal("marketing-event", zhang.Source);
        Assert.Equal("2026车展", zhang.SourceDetail);
        var chen = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{rows[5].LeadId}");
        Assert.Equal("留言,带逗号", Assert.Single(chen!.Enquiries).Note);
        var consent = await _app.Client.GetFromJsonAsync<CustomerConsent>("/api/consents?dealershipCode=DEMO01&phone=13900008802");
        Assert.False(Assert.Single(consent!.Current).Granted);

        var progress = await _app.Client.GetFromJsonAsync<ImportView>($"/api/leads/imports/{import.Id}");
        Assert.Equal(import, progress);
    }

    [Fact]
    public async Task Should_say_so_when_a_file_is_not_in_the_encoding_it_is_said_to_be_in()
    {
        var response = await PostCsvAsync(Sample("autoshow-2026.gb18030.csv"), "dealershipCode=DEMO01&campaign=车展&encoding=utf-8");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var message = problem.GetProperty("errors").GetProperty("file")[0].GetString();
        Assert.Contains("not UTF-8", message);
        Assert.Contains("line 1", message);
        Assert.Contains("encoding=gb18030", message);
        // Refused before any row: no lead of the file, not even those before the first bad byte.
        var leads = await _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&source=marketing-event&pageSize=1");
        Assert.Equal(0, leads!.Total);
    }

    [Fact]
    public async Task Should_refuse_a_file_without_a_name_or_phone_column()
    {
        var response = await PostCsvAsync(Encoding.UTF8.GetBytes("城市,年龄\n上海,30\n"), "dealershipCode=DEMO01&campaign=车展");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("城市", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_stream_a_large_file_and_count_its_progress()
    {
        var csv = new StringBuilder("name,phone,externalId\n");
        for (var i = 0; i < 300; i++)
            csv.Append($"客户{i},1380{i:D7},EV-{i}\n");

        var response = await PostCsvAsync(Encoding.UTF8.GetBytes(csv.ToString()), "dealershipCode=DEMO01&campaign=Big%20event");

        var import = (await response.Content.ReadFromJsonAsync<ImportView>())!;
        Assert.Equal((300, 300), (import.Rows, import.Imported));
        var lastPage = await _app.Client.GetFromJsonAsync<List<ImportRowView>>($"/api/leads/imports/{import.Id}/rows?skip=250&take=500");
        Assert.Equal(50, lastPage!.Count);
        // Line 1 is the header.
        Assert.Equal(301, lastPage[^1].Row);
    }
}
