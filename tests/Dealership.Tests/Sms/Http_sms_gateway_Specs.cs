using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Notification;
using Dealership.Notification.Sms;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dealership.Tests.Sms;

/// <summary>
/// The carrier adapter against a fake carrier on loopback that, for every message, first takes it
/// but answers too late, then fails, then answers (DUPLICATE, as it already has it) and sends its
/// delivery receipt twice, signed as carriers sign callbacks: the handset still gets exactly one SMS per key.
/// </summary>
public sealed class Http_sms_gateway_Specs : IAsyncLifetime
{
    private const string Secret = "carrier-secret";
    private const string RefusedPhone = "+8610000000000";
    private WebApplication _carrier = null!;
    private TestApp _app = null!;
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly ConcurrentQueue<(string OutId, string Phone, string Content)> _handset = new();
    private readonly ConcurrentQueue<Task> _receipts = new();
    private Uri? _callbacks;

    private sealed record SendRequest(string OutId, string Phone, string SignName, string Content);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _carrier = builder.Build();
        _carrier.MapPost("/send", async (SendRequest request, HttpContext http) =>
        {
            if (http.Request.Headers.Authorization != "Bearer carrier-key")
                return Results.Unauthorized();
            if (request.Phone == RefusedPhone)
                return Results.BadRequest(new { code = "INVALID_PHONE", message = "not a mobile number" });
            var attempt = _attempts.AddOrUpdate(request.OutId, 1, (_, n) => n + 1);
            switch (attempt)
            {
                case 1:
                    // Takes the message, then answers after the adapter has given up waiting.
                    _handset.Enqueue((request.OutId, request.Phone, request.Content));
                    await Task.Delay(TimeSpan.FromSeconds(3));
                    return Results.Ok(new { code = "OK", messageId = "c-" + request.OutId });
                case 2:
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                default:
                    var known = _handset.Any(h => h.OutId == request.OutId);
                    if (!known)
                        _handset.Enqueue((request.OutId, request.Phone, request.Content));
                    _receipts.Enqueue(ReceiptTwiceAsync(request.OutId));
                    return Results.Ok(new { code = known ? "DUPLICATE" : "OK", messageId = "c-" + request.OutId });
            }
        });
        await _carrier.StartAsync();
        var carrierAddress = _carrier.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

        _app = await TestApp.StartAsync(settings:
        [
            "--Sms:Carrier=http-gateway",
            $"--Sms:Gateway:BaseUrl={carrierAddress}/",
            "--Sms:Gateway:ApiKey=carrier-key",
            "--Sms:Gateway:Timeout=00:00:00.500",
            $"--Sms:Gateway:CallbackSecret={Secret}",
            "--Sms:Sender:RetryDelay=00:00:00.100",
            "--Sms:Sender:PollInterval=00:00:00.100",
        ]);
        _callbacks = _app.Client.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _carrier.StopAsync();
        await _carrier.DisposeAsync();
    }

    private async Task ReceiptTwiceAsync(string outId)
    {
        using var http = new HttpClient { BaseAddress = _callbacks };
        // As carriers do: a callback that is not answered 2xx is made again; and this one makes every receipt twice.
        for (var i = 0; i < 2; i++)
        {
            for (var tries = 0; tries < 50; tries++)
            {
                // Each attempt is signed anew, with the time it is made.
                var response = await http.SendAsync(Signed("/api/sms/carrier/receipts", $$"""{"outId":"{{outId}}","messageId":"c-{{outId}}","status":"DELIVERED"}"""));
                if (response.IsSuccessStatusCode)
                    break;
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Should_send_exactly_one_sms_per_key_through_timeouts_faults_duplicate_answers_and_requests()
    {
        var leadId = await _app.PostLeadAsync("GATEWAY-1");
        var step = new SendSms(leadId, TestApp.DemoDealershipId, SmsRecipients.Consultant, "+8613800138002", "new-lead",
            new Dictionary<string, string> { ["consultant"] = "李强", ["dueAt"] = "明天 10:00" }, $"{leadId}:new-lead:reminder-step", DateTimeOffset.UtcNow);
        var bus = _app.Services.GetRequiredService<IBus>();

        // The workflow asks twice for the same step (a retried step: new message ids, one key).
        await bus.Publish(step);
        await bus.Publish(step);

        var messages = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}")!,
            l => l!.Count == 2 && l.All(m => m.Status == "delivered"), TimeSpan.FromSeconds(30),
            because: "the new-lead alert and the step's SMS should both be delivered, receipts included");
        var sent = messages!.Single(m => m.Text.Contains("李强"));
        Assert.Equal(3, sent.Attempts);
        Assert.Equal(1, _handset.Count(h => h.Phone == "+8613800138002" && h.Content.Contains("李强")));
        Assert.Equal(3, _attempts[sent.Id.ToString("N")]);

        // Receipts that come twice and requests repeated leave one "sent" per message on the timeline. Once every
        // receipt is answered and a pass of the sender has found nothing left to send, notification has committed
        // every SmsSent it will: one per message.
        await Task.WhenAll(_receipts);
        await _app.Services.GetRequiredService<SmsSender>().WaitForNextPassAsync();
        using (var scope = _app.Services.CreateScope())
        {
            var id = leadId.ToString();
            Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<NotificationDbContext>().OutboxMessages
                .CountAsync(m => m.MessageType == typeof(SmsSent).FullName && m.Body.Contains(id)));
        }
        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.Timeline.Count(t => t.Kind == "sms-sent") >= 2, because: "lead-intake should hear of both sends");
        Assert.Equal(2, lead!.Timeline.Count(t => t.Kind == "sms-sent"));
        Assert.Equal(2, _handset.Count);
    }

    [Fact]
    public async Task Should_fail_an_sms_the_carrier_refuses_and_say_why_on_the_timeline()
    {
        var leadId = await _app.PostLeadAsync("GATEWAY-2");
        await _app.Services.GetRequiredService<IBus>().Publish(new SendSms(leadId, TestApp.DemoDealershipId, SmsRecipients.Consultant, RefusedPhone, "new-lead",
            new Dictionary<string, string> { ["consultant"] = "张伟", ["dueAt"] = "明天" }, $"{leadId}:new-lead:bad-number", DateTimeOffset.UtcNow));

        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.Timeline.Any(t => t.Kind == "sms-failed"), TimeSpan.FromSeconds(30));
        Assert.Contains("INVALID_PHONE", lead!.Timeline.Single(t => t.Kind == "sms-failed").Text);
    }

    /// <summary>
    /// A callback as the carrier signs it (README, "How the SMS carrier signs its callbacks"), written
    /// here from the description rather than with the product's code, so that the two are checked
    /// against each other.
    /// </summary>
    private static HttpRequestMessage Signed(string path, string json, string secret = Secret, DateTimeOffset? at = null, string? sentBody = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + json));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(sentBody ?? json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Sms-Timestamp", timestamp);
        request.Headers.Add("X-Sms-Signature", Convert.ToHexStringLower(signature));
        return request;
    }

    [Theory]
    [InlineData("/api/sms/carrier/receipts", """{"outId":"0123456789abcdef0123456789abcdef","status":"DELIVERED"}""")]
    [InlineData("/api/sms/carrier/replies", """{"phone":"+8613900000000","text":"TD"}""")]
    public async Task Should_accept_a_carrier_callback_only_signed_with_the_carrier_secret_moments_ago(string path, string json)
    {
        using var carrier = new HttpClient { BaseAddress = _callbacks };

        var refused = new Dictionary<string, HttpResponseMessage>
        {
            ["unsigned"] = await carrier.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json")),
            ["another secret"] = await carrier.SendAsync(Signed(path, json, secret: "guess")),
            ["ten minutes old"] = await carrier.SendAsync(Signed(path, json, at: DateTimeOffset.UtcNow.AddMinutes(-10))),
            ["ten minutes ahead"] = await carrier.SendAsync(Signed(path, json, at: DateTimeOffset.UtcNow.AddMinutes(10))),
            ["another body"] = await carrier.SendAsync(Signed(path, json, sentBody: json.Replace("0", "1"))),
        };
        var signed = await carrier.SendAsync(Signed(path, json));

        foreach (var (how, response) in refused)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{how}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Not signed by the carrier", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["title"]!.GetValue<string>());
        }
        // Past the signature: neither that message nor that sender is known here.
        Assert.Equal(HttpStatusCode.NotFound, signed.StatusCode);
    }
}
