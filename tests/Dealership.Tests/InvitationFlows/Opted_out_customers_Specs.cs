using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.InvitationFlows;

/// <summary>
/// A customer who asks not to be called any more is not called: his or her flow ends and the consultant's task goes, wherever
/// the opt-out was taken. An opt-out of SMS alone stops the SMS (notification's consent) and leaves the calls to the consultant.
/// </summary>
public sealed class Opted_out_customers_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public record FlowTask(Guid Id, Guid LeadId, string Kind, DateTimeOffset? CompletedAt, string? Outcome);

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(settings: WorkflowApi.Settings);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client => _app.Client;

    private async Task<(Guid LeadId, string Phone, Guid FirstCall)> LeadWithItsFirstCallAsync(string externalId)
    {
        var leadId = await _app.PostLeadAsync(externalId);
        var tasks = await Eventually.Get(async () => (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!,
            tasks => tasks!.Any(t => t.Kind == "first-contact"), because: "the first call should open");
        return (leadId, await _app.PhoneOfAsync(leadId), tasks!.Single(t => t.Kind == "first-contact").Id);
    }

    private async Task<FlowTask> TaskAsync(Guid id) => (await Client.GetFromJsonAsync<FlowTask>($"/api/tasks/{id}"))!;

    private async Task<JsonObject> FlowOfAsync(Guid leadId) =>
        (JsonObject)(await Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={leadId}&dealershipCode=DEMO01"))![0]!;

    private Task OptOutAsync(Guid? leadId, string phone, string channel, string keyword) =>
        _app.Services.GetRequiredService<IBus>().Publish(new CustomerOptedOut(TestApp.DemoDealershipId, leadId, phone, channel, keyword, DateTimeOffset.UtcNow));

    [Fact]
    public async Task Should_end_the_flow_and_withdraw_the_call_when_the_customer_opts_out_of_phone_calls()
    {
        var (leadId, phone, firstCall) = await LeadWithItsFirstCallAsync("OPT-OUT-1");

        // Taken down by hand, say, with no lead named: the customer's number finds the lead.
        await OptOutAsync(null, phone, ConsentChannels.Phone, "不要再打电话");

        var flow = await Eventually.Get(() => FlowOfAsync(leadId), f => f!["status"]!.GetValue<string>() == "cancelled",
            because: "the customer's flow should end");
        Assert.Equal("withdrawn", (await TaskAsync(firstCall)).Outcome);
        var journal = (await Client.GetFromJsonAsync<JsonObject>($"/api/workflow-instances/{flow["id"]}"))!["journal"]!.AsArray();
        Assert.Contains(journal, j => j!["outcome"]!.GetValue<string>() == "cancelled" && j["detail"]!.GetValue<string>().Contains("opted out of phone"));
    }

    [Fact]
    public async Task Should_keep_the_calls_going_when_the_customer_opts_out_of_sms_only()
    {
        var (leadId, phone, firstCall) = await LeadWithItsFirstCallAsync("OPT-OUT-2");
        var (otherLead, otherPhone, _) = await LeadWithItsFirstCallAsync("OPT-OUT-3");

        await OptOutAsync(leadId, phone, ConsentChannels.Sms, "TD");
        // An opt-out of SMS changes nothing here to wait for; one sent after it on the same queue does, and by then the first has been taken.
        await OptOutAsync(otherLead, otherPhone, ConsentChannels.Phone, "STOP");
        await Eventually.Get(() => FlowOfAsync(otherLead), f => f!["status"]!.GetValue<string>() == "cancelled", because: "the other customer's flow should end");

        Assert.Equal("active", (await FlowOfAsync(leadId))["status"]!.GetValue<string>());
        Assert.Null((await TaskAsync(firstCall)).CompletedAt);
    }
}
