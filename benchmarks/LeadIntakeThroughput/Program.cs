// Publishes SubmitLead messages on RabbitMQ to a lead-intake process started here, and measures the
// time from each publish to the LeadAccepted it causes (outbox included).
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
var allAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var handle = bus.ConnectReceiveEndpoint($"benchmark-lead-accepted-{run}", e =>
{
    e.Handler<LeadAccepted>(context =>
    {
        if (published.TryGetValue(context.Message.ExternalId, out var start))
        {
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (latencies.Count == leads)
                allAccepted.TrySetResult();
        }
        return Task.CompletedTask;
    });
});
await handle.Ready;

Console.WriteLine($"Publishing {leads} leads ({concurrency} at a time) to lead-intake on {new Uri(broker).Host}...");
var clock = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, leads), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, token) =>
{
    var externalId = $"BENCH-{run}-{i}";
    published[externalId] = Stopwatch.GetTimestamp();
    // Distinct phone numbers: each lead opens its own lead rather than merging.
    await bus.Publish(new SubmitLead("DEMO01", "oem", externalId, $"客户{i}", $"+86139{i:D8}", null, "ID.4", DateTimeOffset.UtcNow), token);
});
var finished = await Task.WhenAny(allAccepted.Task, Task.Delay(TimeSpan.FromMinutes(10)));
clock.Stop();

var sorted = latencies.OrderBy(l => l).ToArray();
double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
Console.WriteLine(finished == allAccepted.Task ? "All leads accepted." : $"Timed out: {sorted.Length} of {leads} accepted.");
Console.WriteLine($"leads/s: {sorted.Length / clock.Elapsed.TotalSeconds:F0}");
Console.WriteLine($"latency publish -> LeadAccepted (ms): p50 {Percentile(50):F1}  p95 {Percentile(95):F1}  p99 {Percentile(99):F1}  max {sorted[^1]:F1}");

await handle.StopAsync();
await app.StopAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(dataDirectory, recursive: true);
