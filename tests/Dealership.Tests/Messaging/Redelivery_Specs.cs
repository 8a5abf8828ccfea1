using System.Net.Http.Json;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Messaging;

/// <summary>
/// A broker may deliver a message again after its effects committed (a lost acknowledgement). Lead-intake's
/// timeline and opt-out consumers have no business key to notice that, so the inbox alone keeps the
/// second copy from showing twice to the people reading the lead.
/// </summary>
public sealed class When_lead_intake_is_given_the_same_message_twice : IAsyncLifetime
{
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;
    private HttpClient Client => _app.Client;
    private IBus Bus => _app.Services.GetRequiredService<IBus>();

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        Bus.ConnectConsumeObserver(_consumes);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<Guid> PostAsync(string externalId, string phone)
    {
        var response = await Client.PostAsJsonAsync("/api/leads", new
        {
            dealershipCode = "DEMO01", source = "oem", externalId, name = "许女士", phone,
            consent = new { sms = true, phone = true, source = "SVW website form" },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SubmitResult>())!.Id;
    }

    private Task<FullLeadView> LeadAsync(Guid id, Func<FullLeadView, bool> done, string because) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{id}"))!, done, because: because);

    /// <summary>Publishes the message, waits until the queue consumed it, then delivers it again under the same message id.</summary>
    private async Task DeliverTwiceAsync<T>(T message, string queue) where T : class
    {
        var messageId = NewId.NextGuid();
        await Bus.Publish(message, c => c.MessageId = messageId);
        await Eventually.Get(() => Task.FromResult(_consumes.Count(messageId, queue)), n => n == 1, because: $"{queue} should take the first delivery");
        await Bus.Publish(message, c => c.MessageId = messageId);
        await Eventually.Get(() => Task.FromResult(_consumes.Count(messageId, queue)), n => n == 2, because: $"{queue} should take the redelivery");
    }

    [Fact]
    public async Task Should_show_a_redelivered_event_once_on_the_leads_timeline()
    {
        var id = await PostAsync("REDELIVER-1", "13811119001");
        await LeadAsync(id, l => l.Stage == "assigned", "the lead should be assigned");

        await DeliverTwiceAsync(new SupervisorAlerted(id, TestApp.DemoDealershipId, null, "刘主管 Liu", null, "first contact overdue", DateTimeOffset.UtcNow),
            "lead-intake-lead-timeline");

        var lead = (await Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{id}"))!;
        Assert.Single(lead.Timeline, t => t.Kind == "supervisor-alerted");
    }

    [Fact]
    public async Task Should_withdraw_consent_once_when_an_opt_out_is_delivered_twice()
    {
        var id = await PostAsync("REDELIVER-2", "13811119002");

        await DeliverTwiceAsync(new CustomerOptedOut(TestApp.DemoDealershipId, id, "+8613811119002", ConsentChannels.Sms, "TD", DateTimeOffset.UtcNow),
            "lead-intake-customer-opted-out");

        var consent = (await Client.GetFromJsonAsync<CustomerConsent>("/api/consents?dealershipCode=DEMO01&phone=13811119002"))!;
        Assert.False(consent.Current.Single(c => c.Channel == "sms").Granted);
        Assert.Single(consent.History, c => !c.Granted);
        Assert.Equal(3, consent.History.Count);
        var lead = (await Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{id}"))!;
        Assert.Single(lead.Timeline, t => t.Kind == "opted-out");
    }
}
