using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;

namespace Dealership.Tests.Hosting;

/// <summary>
/// Every endpoint of the embedded host takes bodies up to its named limit, set in one place
/// (<c>Limits:RequestBody</c>): small numbers here, so that going past them costs little.
/// </summary>
public sealed class Request_body_limits_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(settings:
        ["--Limits:RequestBody:default=4096", "--Limits:RequestBody:batch=16384"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(int size) =>
        new("{\"purpose\":\"" + new string('x', size) + "\"}", Encoding.UTF8, "application/json");

    private static async Task AssertTooLargeAsync(HttpResponseMessage response, string? limit = null)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(413, problem["status"]!.GetValue<int>());
        if (limit is not null)
            Assert.Contains(limit, problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_refuse_with_413_a_body_announced_as_larger_than_the_default_limit()
    {
        var response = await _app.Client.PostAsync("/api/appointments", Json(5000));

        await AssertTooLargeAsync(response, "4 KiB");
    }

    [Fact]
    public async Task Should_stop_with_413_a_body_sent_without_a_length_once_it_grows_past_the_limit()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments") { Content = Json(5000) };
        request.Headers.TransferEncodingChunked = true;

        var response = await _app.Client.SendAsync(request);

        await AssertTooLargeAsync(response);
    }

    [Fact]
    public async Task Should_let_an_endpoint_that_takes_many_leads_at_once_take_its_larger_limit()
    {
        using var oem = _app.KeyClient();
        ByteArrayContent Adf(int size) => new(Encoding.UTF8.GetBytes("<adf>" + new string('x', size))) { Headers = { ContentType = new MediaTypeHeaderValue("application/xml") } };

        // Past the default, within the batch limit: read, and refused for what it is, not for its size.
        var withinBatch = await oem.PostAsync("/api/leads/adf?dealershipCode=DEMO01", Adf(10_000));
        var pastBatch = await oem.PostAsync("/api/leads/adf?dealershipCode=DEMO01", Adf(20_000));

        Assert.Equal(HttpStatusCode.BadRequest, withinBatch.StatusCode);
        await AssertTooLargeAsync(pastBatch, "16 KiB");
    }
}
