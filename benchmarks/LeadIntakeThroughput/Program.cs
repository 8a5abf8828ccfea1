// Publishes SubmitLead messages on RabbitMQ to a lead-intake process started here, and measures the
// time from each publish to the LeadAccepted it causes (outbox included).
// First a burst (throughput), then a steady half of that rate (latency without a backlog).
// Usage: dotnet run -c Release --project benchmarks/LeadIntakeThroughput -- [leads=2000] [concurrency=32]
// The broker: RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672).
using System.Collections.Concurrent;
using System.Diagnostics;
using Dealership.Contracts;
using Dealership.Host;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

var leads = args.Length > 0 ? int.Parse(args[0]) : 2000;
var concurrency = args.Length > 1 ? int.Parse(args[1]) : 32;
var broker = Environment.GetEnvironmentVariable("RABBITMQ_URL") ?? "amqp://guest:guest@127.0.0.1:5672";
var dataDirectory = Path.Combine(Path.GetTempPath(), "dealership-benchmark", Guid.NewGuid().ToString("N"));

var app = DealershipApp.Build(
[
    "--services=lead-intake", $"--ConnectionStrings:RabbitMq={broker}", $"--Database:DataDirectory={dataDirectory}",
    "--Urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
]);
await app.StartAsync();
var bus = app.Services.GetRequiredService<IBus>();

var run = Guid.NewGuid().ToString("N")[..8];
var published = new ConcurrentDictionary<string, long>();
var latencies = new ConcurrentBag<double>();
var expected = 0;
var allAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var handle = bus.ConnectReceiveEndpoint($"benchmark-lead-accepted-{run}", e =>
{
    e.Handler<LeadAccepted>(context =>
    {
        if (published.TryRemove(context.Message.ExternalId, out var start))
        {
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (latencies.Count == Volatile.Read(ref expected))
                allAccepted.TrySetResult();
        }
        return Task.CompletedTask;
    });
});
await handle.Ready;

var next = 0;
Task PublishAsync(CancellationToken token)
{
    var i = Interlocked.Increment(ref next);
    var externalId = $"BENCH-{run}-{i}";
    published[externalId] = Stopwatch.GetTimestamp();
    // Distinct phone numbers: each lead opens its own lead rather than merging.
    return bus.Publish(new SubmitLead("DEMO01", "oem", externalId, $"客户{i}", $"+86139{i:D8}", null, "ID.4", DateTimeOffset.UtcNow), token);
}

async Task<(double Seconds, double[] Latencies)> MeasureAsync(int count, Func<Task> publishAll)
{
    latencies.Clear();
    allAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    Volatile.Write(ref expected, count);
    var clock = Stopwatch.StartNew();
    await publishAll();
    if (await Task.WhenAny(allAccepted.Task, Task.Delay(TimeSpan.FromMinutes(10))) != allAccepted.Task)
        Console.WriteLine($"Timed out: {latencies.Count} of {count} accepted.");
    return (clock.Elapsed.TotalSeconds, latencies.OrderBy(l => l).ToArray());
}

static string Percentiles(double[] sorted)
{
    double P(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    return $"p50 {P(50):F1}  p95 {P(95):F1}  p99 {P(99):F1}  max {sorted[^1]:F1}";
}

// 1. Throughput: everything at once, as fast as intake takes it.
Console.WriteLine($"Burst: {leads} leads published {concurrency} at a time to lead-intake on {new Uri(broker).Host}...");
var burst = await MeasureAsync(leads, () => Parallel.ForEachAsync(Enumerable.Range(0, leads),
    new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, token) => await PublishAsync(token)));
var throughput = burst.Latencies.Length / burst.Seconds;
Console.WriteLine($"  leads/s: {throughput:F0}  (latency includes the queue: {Percentiles(burst.Latencies)} ms)");

// 2. Latency: a steady half of that rate, so what is measured is the path, not the backlog.
var rate = Math.Max(1, throughput / 2);
var steadyCount = Math.Max(50, Math.Min(leads, (int)(rate * 20)));
Console.WriteLine($"Steady: {steadyCount} leads at {rate:F0}/s...");
var steady = await MeasureAsync(steadyCount, async () =>
{
    var interval = TimeSpan.FromSeconds(1 / rate);
    var start = Stopwatch.GetTimestamp();
    for (var i = 0; i < steadyCount; i++)
    {
        var due = start + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        _ = PublishAsync(CancellationToken.None);
    }
});
Console.WriteLine($"  latency publish -> LeadAccepted (ms): {Percentiles(steady.Latencies)}");

await handle.StopAsync();
await app.StopAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(dataDirectory, recursive: true);
