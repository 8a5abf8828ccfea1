using System.Net.Http.Json;
using System.Text;
using Dealership.IntegrationTests.Support;
using Dealership.Tests.Support;
using RabbitMQ.Client;

namespace Dealership.IntegrationTests.Broker;

/// <summary>A publisher that does not use MassTransit sends plain JSON to the documented queue on RabbitMQ.</summary>
public sealed class Plain_json_publisher_Specs(RabbitMqBroker broker) : IClassFixture<RabbitMqBroker>, IAsyncLifetime
{
    private const string Queue = "lead-intake-raw-leads";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(settings: [$"--ConnectionStrings:RabbitMq={broker.Url}"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task SendAsync(string json)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker.Url) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties { ContentType = "application/json", Persistent = true, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync("", Queue, mandatory: true, properties, Encoding.UTF8.GetBytes(json));
    }

    [Fact]
    public async Task Should_take_in_a_lead_sent_as_plain_json()
    {
        await SendAsync("""{"dealershipCode":"DEMO01","source":"oem","externalId":"RAW-1","name":"杨先生","phone":"13500005555","vehicleOfInterest":"ID.3"}""");

        var page = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01")!,
            p => p!.Items.Any(i => i.Name == "杨先生"), TimeSpan.FromSeconds(30));
        var lead = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{page!.Items.Single(i => i.Name == "杨先生").Id}");
        Assert.Equal(("oem", "RAW-1", "ID.3"), (lead!.Source, lead.ExternalId, lead.VehicleOfInterest));
    }

    [Fact]
    public async Task Should_reject_plain_json_that_is_not_a_usable_lead_and_keep_it()
    {
        await SendAsync("""{"dealershipCode":"DEMO01","source":"oem","externalId":"RAW-2","phone":"110"}""");

        var rejected = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<RejectionSummary>>("/api/leads/rejected?dealershipCode=DEMO01")!,
            list => list!.Any(r => r.ExternalId == "RAW-2"), TimeSpan.FromSeconds(30));
        var row = rejected!.Single(r => r.ExternalId == "RAW-2");
        Assert.Equal("raw-json", row.Channel);
        Assert.Contains(row.Reasons, r => r.StartsWith("phone:"));
    }

    [Fact]
    public async Task Should_park_text_that_is_not_json_in_the_error_queue_with_the_reason()
    {
        await SendAsync("this is not json");

        var parked = await Eventually.Get(() => broker.PeekAsync(Queue + "_error"),
            messages => messages.Any(m => m.GetProperty("payload").GetString() == "this is not json"), TimeSpan.FromSeconds(30));
        var headers = parked.First(m => m.GetProperty("payload").GetString() == "this is not json").GetProperty("properties").GetProperty("headers");
        Assert.False(string.IsNullOrWhiteSpace(headers.GetProperty("MT-Fault-Message").GetString()));
    }
}
