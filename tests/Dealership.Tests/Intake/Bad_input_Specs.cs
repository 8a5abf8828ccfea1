using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dealership.Tests.Support;

namespace Dealership.Tests.Intake;

/// <summary>Every piece of bad input gets a clear reason, is kept for a person, and leaves the service healthy.</summary>
public sealed class Bad_input_Specs : IAsyncLifetime
{
    private const string NetworkKey = "network-key";
    private TestApp _app = null!;
    private HttpClient _network = null!;

    static Bad_input_Specs() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public async Task InitializeAsync()
    {
        // An OEM network key that may act for every dealership: only such a key can name an unknown one.
        _app = await TestApp.StartAsync(settings:
        [
            "--Integration:Clients:1:Name=OEM network", $"--Integration:Clients:1:Key={NetworkKey}", "--Integration:Clients:1:Dealerships:0=*",
        ]);
        _network = new HttpClient { BaseAddress = _app.Client.BaseAddress };
        _network.DefaultRequestHeaders.Add("X-Api-Key", NetworkKey);
    }

    public async Task DisposeAsync()
    {
        _network.Dispose();
        await _app.DisposeAsync();
    }

    private static async Task<JsonElement> Errors(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("errors");
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1381234567")]
    [InlineData("138123456789")]
    [InlineData("phone")]
    [InlineData("+86")]
    [InlineData("00000000000")]
    [InlineData("+1 555")]
    [InlineData("13812345678 ext")]
    [InlineData("---")]
    [InlineData("+86 999 1234 5678")]
    [InlineData("10086")]
    [InlineData("２３４５")]
    public async Task Should_refuse_a_phone_number_of_the_wrong_shape_naming_it(string phone)
    {
        var response = await _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", source = "oem", externalId = $"P-{Guid.NewGuid()}", name = "测试", phone });

        var errors = await Errors(response);
        Assert.Contains(phone, errors.GetProperty("phone")[0].GetString());
    }

    [Fact]
    public async Task Should_refuse_an_unknown_dealership_and_keep_the_lead_for_a_person()
    {
        var response = await _network.PostAsJsonAsync("/api/leads", new { dealershipCode = "NOPE99", source = "oem", externalId = "U-1", name = "测试" });

        Assert.Contains("NOPE99", (await Errors(response)).GetProperty("dealershipCode")[0].GetString());
        var kept = await _network.GetFromJsonAsync<List<RejectionSummary>>("/api/leads/rejected?dealershipCode=NOPE99");
        Assert.Single(kept!, r => r.ExternalId == "U-1");
    }

    [Fact]
    public async Task Should_name_every_missing_field_at_once()
    {
        var errors = await Errors(await _app.Client.PostAsJsonAsync("/api/leads", new { }));

        foreach (var field in new[] { "dealershipCode", "source", "externalId", "name", "phone" })
            Assert.True(errors.TryGetProperty(field, out _), field);
    }

    [Theory]
    [InlineData("marketing-event", "campaign")]
    [InlineData("other", "channelName")]
    public async Task Should_ask_a_marketing_or_other_lead_to_name_its_campaign_or_channel(string source, string field)
    {
        var errors = await Errors(await _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", source, externalId = "S-1", name = "测试" }));

        Assert.True(errors.TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Should_refuse_an_email_address_that_is_not_one()
    {
        var errors = await Errors(await _app.Client.PostAsJsonAsync("/api/leads",
            new { dealershipCode = "DEMO01", source = "oem", externalId = "E-1", name = "测试", email = "wang at example" }));

        Assert.True(errors.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Should_refuse_json_that_is_not_utf8()
    {
        var gbk = Encoding.GetEncoding("GB18030").GetBytes("{\"dealershipCode\":\"DEMO01\",\"source\":\"oem\",\"externalId\":\"G-1\",\"name\":\"张伟\"}");

        var response = await _app.Client.PostAsync("/api/leads", new ByteArrayContent(gbk) { Headers = { { "Content-Type", "application/json" } } });

        Assert.Contains("UTF-8", (await Errors(response)).GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task Should_stay_healthy_and_keep_serving_after_all_of_it()
    {
        await _app.Client.PostAsync("/api/leads", new StringContent("{{{{", Encoding.UTF8, "application/json"));
        await _app.Client.PostAsync("/api/leads/adf", new StringContent("<adf><prospect>", Encoding.UTF8, "application/xml"));
        await _app.Client.PostAsync("/api/leads/imports?dealershipCode=DEMO01&campaign=x", new ByteArrayContent([0xFF, 0xFE, 0x00, 0x01]));

        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/health/ready")).StatusCode);
        Assert.NotEqual(Guid.Empty, await _app.PostLeadAsync("AFTER-1"));
    }
}
