using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Dealership.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Dealership.Tests.Hosting;

/// <summary>One lead can be followed across the services: its request, every message it causes and every consumer share one trace.</summary>
public sealed class Tracing_Specs : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ActivityListener _listener;
    private TestApp _app = null!;

    public Tracing_Specs()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit" or "Dealership.Outbox" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _listener.Dispose();
    }

    private static readonly string[] Hops = ["assignment-lead-accepted", "invitation-workflow-lead-assigned", "notification-send-sms"];

    [Fact]
    public async Task Should_carry_the_trace_of_the_submission_to_the_sms_that_follows()
    {
        // The client starts the trace, as a calling system or the gateway would; its HttpClient sends the traceparent header.
        var traceId = ActivityTraceId.CreateRandom();
        using (var client = new Activity("client submits a lead").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
            await _app.PostLeadAsync("TRACE-1", phone: "13212345678");

        // Consumer spans are named after their queue: one per service hop the lead took.
        await Eventually.Get(
            () => Task.FromResult(_activities.Where(a => a.TraceId == traceId && a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer
                    && a.DisplayName.EndsWith(" process", StringComparison.Ordinal))
                .Select(a => a.DisplayName[..^" process".Length]).ToList()),
            // At least: a consumer that lost a race on the lead row is retried, and its retry is a span of the same trace.
            // Retries count too, so three timeline spans alone do not say that every hop's span has ended: wait for each.
            names => names.Count(n => n == "lead-intake-lead-timeline") >= 3
                && Hops.All(names.Contains),
            because: "lead-intake should see the assignment, the task and the SMS within the submission's trace, and each service's hop should be in it");
    }

    [Fact]
    public async Task Should_record_spans_for_an_exporter_and_none_without_one()
    {
        // Without an exporter nobody reads a span, and recording each request's, message's and SQL command's cost CPU.
        Assert.Null(_app.Services.GetService<TracerProvider>());

        await using var exporting = await TestApp.StartAsync(settings: ["--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317"]);
        Assert.NotNull(exporting.Services.GetService<TracerProvider>());
    }
}
