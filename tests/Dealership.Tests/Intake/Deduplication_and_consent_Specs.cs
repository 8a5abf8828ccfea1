using System.Net;
using System.Net.Http.Json;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Intake;

public sealed class Deduplication_and_consent_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<SubmitResult> PostAsync(object lead)
    {
        var response = await _app.Client.PostAsJsonAsync("/api/leads", lead);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SubmitResult>())!;
    }

    [Fact]
    public async Task Should_merge_a_new_enquiry_from_the_same_phone_into_the_open_lead_without_a_second_assignment()
    {
        var first = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "M-1", name = "蒋先生", phone = "13811110001", vehicleOfInterest = "Lavida" });
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}")!, l => l!.Timeline.Any(t => t.Kind == "sms-sent"));

        var second = await PostAsync(new { dealershipCode = "DEMO01", source = "marketing-event", campaign = "双十一", externalId = "M-2", name = "蒋先生", phone = "+86 138 1111 0001", vehicleOfInterest = "Tiguan L" });

        Assert.Equal("merged", second.Outcome);
        Assert.Equal(first.Id, second.Id);
        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}")!, l => l!.Timeline.Any(t => t.Kind == "enquiry-merged"));
        Assert.Equal(["oem", "marketing-event"], lead!.Enquiries.Select(e => e.Source));
        Assert.Equal("Tiguan L", lead.Enquiries[1].VehicleOfInterest);
        await Task.Delay(500);
        Assert.Single((await _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={first.Id}"))!);
        Assert.Single((await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}"))!.Timeline, t => t.Kind == "assigned");
    }

    [Fact]
    public async Task Should_merge_concurrent_arrivals_of_one_customer_into_one_lead()
    {
        // Several customers at once, each arriving through a dozen channels in the same instant: every arrival
        // races the others for the customer's row and open lead (and the lead's own events for its version).
        const int customers = 4, arrivals = 12;
        var phones = Enumerable.Range(0, customers).Select(_ => TestApp.UniquePhone()).ToList();
        var responses = await Task.WhenAll(phones.SelectMany((phone, c) => Enumerable.Range(0, arrivals).Select(i =>
            _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", source = "dealership", externalId = $"C-{c}-{i}", name = "沈女士", phone }))));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Empty(responses.Zip(bodies).Where(x => !x.First.IsSuccessStatusCode).Select(x => $"HTTP {(int)x.First.StatusCode}: {x.Second}"));
        var results = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<SubmitResult>()));
        foreach (var customer in results.Chunk(arrivals))
        {
            Assert.Single(customer.Select(r => r!.Id).Distinct());
            Assert.Single(customer, r => r!.Outcome == "accepted");
            Assert.Equal(arrivals - 1, customer.Count(r => r!.Outcome == "merged"));
            Assert.Equal(arrivals, (await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{customer[0]!.Id}"))!.Enquiries.Count);
        }
    }

    [Fact]
    public async Task Should_open_a_new_lead_once_the_customers_lead_is_closed()
    {
        var first = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "CL-1", name = "韦先生", phone = "13811110003" });
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}")!, l => l!.Stage == "assigned");
        await _app.Services.GetRequiredService<IBus>().Publish(new LeadClosed(first.Id, TestApp.DemoDealershipId, false, "bought elsewhere", DateTimeOffset.UtcNow));
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}")!, l => l!.Stage == "lost");

        var next = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "CL-2", name = "韦先生", phone = "13811110003" });

        Assert.Equal("accepted", next.Outcome);
        Assert.NotEqual(first.Id, next.Id);
    }

    [Fact]
    public async Task Should_follow_the_dealerships_rule_when_merging_is_switched_off()
    {
        var settings = await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO01/intake-settings", new { mergeOnPhone = false, mergeWindowDays = 30 });
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);

        var a = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "NM-1", name = "秦先生", phone = "13811110004" });
        var b = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "NM-2", name = "秦先生", phone = "13811110004" });

        Assert.Equal(("accepted", "accepted"), (a.Outcome, b.Outcome));
        Assert.NotEqual(a.Id, b.Id);
        var refused = await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO01/intake-settings", new { mergeOnPhone = true, mergeWindowDays = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO01/intake-settings", new { mergeOnPhone = true, mergeWindowDays = 90 });
    }

    [Fact]
    public async Task Should_record_consent_per_channel_and_withdraw_it_when_the_customer_opts_out()
    {
        var lead = await PostAsync(new
        {
            dealershipCode = "DEMO01", source = "oem", externalId = "CS-1", name = "许女士", phone = "13811110005",
            consent = new { sms = true, phone = true, source = "SVW website form" },
        });
        var given = await _app.Client.GetFromJsonAsync<CustomerConsent>("/api/consents?dealershipCode=DEMO01&phone=13811110005");
        Assert.All(given!.Current, c => Assert.True(c.Granted));
        Assert.Equal("+86138****0005", given.MaskedPhone);

        await _app.Services.GetRequiredService<IBus>().Publish(
            new CustomerOptedOut(TestApp.DemoDealershipId, lead.Id, "+8613811110005", ConsentChannels.Sms, "TD", DateTimeOffset.UtcNow));

        var withdrawn = await Eventually.Get(() => _app.Client.GetFromJsonAsync<CustomerConsent>("/api/consents?dealershipCode=DEMO01&phone=13811110005")!,
            c => c!.Current.Any(x => x.Channel == "sms" && !x.Granted));
        Assert.True(withdrawn!.Current.Single(c => c.Channel == "phone").Granted);
        Assert.Contains("TD", withdrawn.Current.Single(c => c.Channel == "sms").Source);
        Assert.Equal(3, withdrawn.History.Count);
        var view = await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{lead.Id}")!, l => l!.Timeline.Any(t => t.Kind == "opted-out"));
        Assert.NotNull(view);
    }
}
