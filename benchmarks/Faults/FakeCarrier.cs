using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dealership.Faults;

public enum CarrierMode { Healthy, ServerErrors, Slow }

/// <summary>
/// The SMS carrier's HTTP gateway as the notification service's <c>http-gateway</c> adapter calls it (POST send with our
/// outId), the only fake of the run. It sends each outId once and answers a repeated one DUPLICATE, as real gateways do;
/// it can answer 503 or answer too late (after the adapter's timeout, having sent it) to inject carrier faults.
/// </summary>
public sealed class FakeCarrier : IAsyncDisposable
{
    private readonly WebApplication _app;

    public FakeCarrier(int port, TimeSpan slowAnswer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/send", async (SendRequest request) =>
        {
            Interlocked.Increment(ref _calls);
            switch (Mode)
            {
                case CarrierMode.ServerErrors:
                    Interlocked.Increment(ref _refused);
                    return Results.StatusCode(503);
                case CarrierMode.Slow:
                    Sent.TryAdd(request.OutId, (request.Phone, request.Content));
                    Interlocked.Increment(ref _late);
                    await Task.Delay(slowAnswer);
                    return Results.Ok(new { code = "DUPLICATE", messageId = "fake-" + request.OutId });
                default:
                    var first = Sent.TryAdd(request.OutId, (request.Phone, request.Content));
                    return Results.Ok(new { code = first ? "OK" : "DUPLICATE", messageId = "fake-" + request.OutId });
            }
        });
        Address = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Address { get; }
    public volatile CarrierMode Mode;
    /// <summary>What reached handsets: outId → phone and text.</summary>
    public ConcurrentDictionary<string, (string Phone, string Content)> Sent { get; } = new();
    private int _calls, _refused, _late;
    public int Calls => _calls;
    public int Refused => _refused;
    public int Late => _late;

    public Task StartAsync() => _app.StartAsync();


    private sealed record SendRequest(string OutId, string Phone, string SignName, string Content);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
