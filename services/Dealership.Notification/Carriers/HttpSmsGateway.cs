using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dealership.Notification.Carriers;

public class HttpSmsGatewayOptions
{
    /// <summary>The gateway's base address, e.g. https://sms.example-cloud.cn/v1/.</summary>
    public Uri? BaseUrl { get; set; }
    public string ApiKey { get; set; } = "";
    /// <summary>A send that has not answered by then counts as a carrier fault and is retried with the same reference.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>The secret the carrier signs its delivery-receipt and reply callbacks with (<see cref="CarrierSignature"/>).</summary>
    public string CallbackSecret { get; set; } = "";
    /// <summary>How far a callback's timestamp may be from now, either way, before it counts as a replay.</summary>
    public TimeSpan CallbackMaxAge { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// An HTTP SMS gateway of the kind Chinese carriers and clouds offer: <c>POST send</c> with our
/// reference (<c>outId</c>), the registered signature and the text; the answer carries the carrier's
/// message id. The carrier recognises a repeated <c>outId</c> and answers it without sending again
/// (<c>code: DUPLICATE</c>), which is what makes a retry after a timeout safe.
/// </summary>
public sealed class HttpSmsGateway(HttpClient http, Microsoft.Extensions.Options.IOptions<HttpSmsGatewayOptions> options) : ISmsCarrier
{
    private sealed record SendRequest(string OutId, string Phone, string SignName, string Content);
    private sealed record SendResponse(string? Code, string? MessageId, string? Message);

    public async Task<CarrierResult> SendAsync(CarrierMessage message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "send")
            {
                Content = JsonContent.Create(new SendRequest(message.Id.ToString("N"), message.Phone, message.Signature, message.Text)),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.Value.ApiKey);
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
                return new CarrierResult(CarrierOutcome.Transient, Error: $"carrier answered {(int)response.StatusCode}");
            SendResponse? body = null;
            try { body = await response.Content.ReadFromJsonAsync<SendResponse>(timeout.Token); }
            catch (JsonException) { }
            if (response.IsSuccessStatusCode && body?.Code is "OK" or "DUPLICATE" && !string.IsNullOrEmpty(body.MessageId))
                return new CarrierResult(CarrierOutcome.Accepted, body.MessageId);
            return new CarrierResult(CarrierOutcome.Permanent, Error: $"carrier refused: {(int)response.StatusCode} {body?.Code} {body?.Message}".Trim());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CarrierResult(CarrierOutcome.Transient, Error: $"carrier did not answer within {options.Value.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new CarrierResult(CarrierOutcome.Transient, Error: "carrier unreachable: " + ex.Message);
        }
    }
}
