using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dealership.LeadIntake.Intake;
using Dealership.LeadIntake.Leads;
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

/// <summary>The checks of a submission on their own, each limit at its edge (docs/mutation/intake.md).</summary>
public class When_a_submission_is_checked
{
    private static SubmitLeadRequest Good() => new()
    {
        DealershipCode = " demo01 ", Name = " 陈先生 ", Phone = "138 1234 5678", Source = " OEM ", ExternalId = " OEM-1001 ",
        VehicleOfInterest = " ID.4 ", Note = " 想周末试驾 ", Consent = new ConsentStatement { Sms = true },
    };

    private static Dictionary<string, string[]> Errors(SubmitLeadRequest request)
    {
        var (submission, errors) = LeadSubmission.Validate(request);
        Assert.Null(submission);
        return errors;
    }

    [Fact]
    public void Should_trim_and_normalise_a_good_submission()
    {
        var (submission, errors) = LeadSubmission.Validate(Good());

        Assert.Empty(errors);
        Assert.Equal(new LeadSubmission("DEMO01", "oem", "OEM-1001", null, "陈先生", "+8613812345678", null, "ID.4", "想周末试驾", Good().Consent), submission);
    }

    [Theory]
    [InlineData("marketing-event", "Spring show", null, "Spring show")]
    [InlineData("other", "Spring show", "WeChat group", "WeChat group")]
    [InlineData("walk-in", null, null, null)]
    public void Should_keep_the_campaign_or_the_other_channels_name_as_the_source_detail(string source, string? campaign, string? channelName, string? detail)
    {
        var (submission, _) = LeadSubmission.Validate(Good() with { Source = source, Campaign = campaign, ChannelName = channelName });

        Assert.Equal(detail, submission!.SourceDetail);
    }

    [Fact]
    public void Should_name_every_missing_field_with_its_reason()
    {
        var errors = Errors(new SubmitLeadRequest { DealershipCode = " ", Source = "", ExternalId = null });

        Assert.Equal(new[] { "dealershipCode", "externalId", "name", "phone", "source" }, errors.Keys.Order());
        Assert.Equal("The dealership code is required.", Assert.Single(errors["dealershipCode"]));
        Assert.Equal("The source channel is required.", Assert.Single(errors["source"]));
        Assert.Equal("The external id is required: it is how a lead sent twice is recognised.", Assert.Single(errors["externalId"]));
        Assert.Equal("A lead needs a name or a phone number.", Assert.Single(errors["name"]));
        Assert.Equal("A lead needs a name or a phone number.", Assert.Single(errors["phone"]));
    }

    [Fact]
    public void Should_take_a_lead_with_a_name_or_a_phone_number_alone()
    {
        Assert.Empty(LeadSubmission.Validate(Good() with { Phone = null }).Errors);
        Assert.Empty(LeadSubmission.Validate(Good() with { Name = null }).Errors);
    }

    [Fact]
    public void Should_name_the_source_channels_when_the_source_is_not_one()
    {
        Assert.Equal("'fax' is not a source channel; use one of: oem, dealership, marketing-event, other, consultant-own, inbound-call, walk-in.",
            Assert.Single(Errors(Good() with { Source = "Fax" })["source"]));
    }

    [Theory]
    [InlineData("marketing-event", "campaign", "A lead from a marketing event names its campaign.")]
    [InlineData("other", "channelName", "A lead from another channel names the channel.")]
    public void Should_ask_a_marketing_or_other_lead_to_name_its_campaign_or_channel(string source, string field, string reason)
    {
        var errors = Errors(Good() with { Source = source, Campaign = " ", ChannelName = " " });

        Assert.Equal(reason, Assert.Single(Assert.Single(errors, e => e.Key == field).Value));
        Assert.Single(errors);
    }

    [Fact]
    public void Should_take_text_up_to_each_limit_and_refuse_one_character_more()
    {
        var atLimits = Good() with
        {
            ExternalId = new string('x', 100), Name = new string('n', 200), VehicleOfInterest = new string('v', 200),
            Source = "marketing-event", Campaign = new string('c', 200), ChannelName = new string('h', 200), Note = new string('o', 1000),
        };
        var over = atLimits with
        {
            ExternalId = new string('x', 101), Name = new string('n', 201), VehicleOfInterest = new string('v', 201),
            Campaign = new string('c', 201), ChannelName = new string('h', 201), Note = new string('o', 1001),
        };

        Assert.Empty(LeadSubmission.Validate(atLimits).Errors);
        var errors = Errors(over);
        Assert.Equal("The external id is longer than 100 characters.", Assert.Single(errors["externalId"]));
        Assert.Equal("The name is longer than 200 characters.", Assert.Single(errors["name"]));
        Assert.Equal("The vehicleOfInterest is longer than 200 characters.", Assert.Single(errors["vehicleOfInterest"]));
        Assert.Equal("The campaign is longer than 200 characters.", Assert.Single(errors["campaign"]));
        Assert.Equal("The channelName is longer than 200 characters.", Assert.Single(errors["channelName"]));
        Assert.Equal("The note is longer than 1000 characters.", Assert.Single(errors["note"]));
    }

    [Fact]
    public void Should_take_the_first_vehicle_wanted_as_the_vehicle_of_interest_and_keep_every_vehicle_in_order()
    {
        var (submission, errors) = LeadSubmission.Validate(Good() with
        {
            VehicleOfInterest = null,
            Vehicles =
            [
                new LeadVehicle { Interest = "Trade-In", Year = 2018, Make = " Volkswagen ", Model = "Lavida", Vin = "lsvam4187j2012345" },
                new LeadVehicle { Interest = " ", Make = "Volkswagen", Model = "ID.4 CROZZ" },
                new LeadVehicle { Interest = "test-drive", Model = "ID.7" },
            ],
        });

        Assert.Empty(errors);
        Assert.Equal("Volkswagen ID.4 CROZZ", submission!.VehicleOfInterest);
        Assert.Equal([("trade-in", 0), ("buy", 1), ("test-drive", 2)], submission.Vehicles!.Select(v => (v.Interest, v.Position)));
        Assert.Equal(("Volkswagen", "LSVAM4187J2012345"), (submission.Vehicles![0].Make, submission.Vehicles[0].Vin));
    }

    [Fact]
    public void Should_refuse_a_timeframe_that_ends_before_it_begins_and_vehicles_past_the_limit()
    {
        var errors = Errors(Good() with
        {
            Timeframe = new PurchaseTimeframe { EarliestDate = new DateOnly(2026, 12, 14), LatestDate = new DateOnly(2026, 12, 1) },
            Vehicles = [.. Enumerable.Range(0, LeadSubmission.MaxVehicles + 1).Select(_ => new LeadVehicle { Model = "ID.4" })],
        });

        Assert.Equal("The latest date 2026-12-01 is before the earliest 2026-12-14.", Assert.Single(errors["timeframe.latestDate"]));
        Assert.Equal("A lead names at most 20 vehicles; this one names 21.", Assert.Single(errors["vehicles"]));
        Assert.Equal("2101 is not a model year.", Assert.Single(Errors(Good() with { Vehicles = [new LeadVehicle { Year = 2101 }] })["vehicles[0].year"]));
    }

    [Fact]
    public void Should_keep_no_timeframe_or_address_when_every_part_is_blank()
    {
        var (submission, _) = LeadSubmission.Validate(Good() with
        {
            Timeframe = new PurchaseTimeframe { Description = " " }, Address = new PostalAddress { City = "" }, PreferredContact = " Phone ",
        });

        Assert.Null(submission!.Timeframe);
        Assert.Null(submission.Address);
        Assert.Equal("phone", submission.PreferredContact);
    }

    [Theory]
    [InlineData("wang@example.com", true)]
    [InlineData("Wang Fang <wang@example.com>", false)]
    [InlineData("wang@localhost", false)]
    [InlineData("wang at example", false)]
    public void Should_take_a_plain_email_address_with_a_domain_only(string email, bool taken)
    {
        var errors = LeadSubmission.Validate(Good() with { Email = email }).Errors;

        Assert.Equal(taken, !errors.ContainsKey("email"));
        if (!taken)
            Assert.Equal($"'{email}' is not an e-mail address.", Assert.Single(errors["email"]));
    }

    [Theory]
    [InlineData("138 1234 5678", "CN", "+8613812345678")]
    [InlineData("+49 30 123456", "CN", "+4930123456")]
    [InlineData("030 123456", "DE", "+4930123456")]
    [InlineData("12345", "CN", null)]
    [InlineData("phone", "CN", null)]
    public void Should_write_phone_numbers_in_e164_in_the_dealerships_region(string raw, string region, string? e164)
    {
        var (submission, errors) = LeadSubmission.Validate(Good() with { Phone = raw }, region);

        Assert.Equal(e164, submission?.Phone);
        if (e164 is null)
            Assert.Equal($"'{raw}' is not a valid phone number.", Assert.Single(errors["phone"]));
    }
}
