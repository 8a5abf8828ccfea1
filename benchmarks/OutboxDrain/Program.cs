// Commits outbox rows in lead-intake (started here, alone, on RabbitMQ) and times the dispatcher until every one is
// marked sent, that is confirmed by the broker: the rate at which one service's events leave it, with the table and
// the broker real. After a warm-up, two rounds of the same size: the rows committed in one transaction, as a backlog
// would stand after a broker outage, then one row per transaction, as leads arrive.
// Usage: dotnet run -c Release --project benchmarks/OutboxDrain -- [rows=2000]
// The broker: RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672).
using System.Diagnostics;
using Dealership.Contracts;
using Dealership.Host;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

var rows = args.Length > 0 ? int.Parse(args[0]) : 2000;
var broker = Environment.GetEnvironmentVariable("RABBITMQ_URL") ?? "amqp://guest:guest@127.0.0.1:5672";
var dataDirectory = Path.Combine(Path.GetTempPath(), "dealership-benchmark", Guid.NewGuid().ToString("N"));

var app = DealershipApp.Build(
[
    "--services=lead-intake", $"--ConnectionStrings:RabbitMq={broker}", $"--Database:DataDirectory={dataDirectory}",
    "--Urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
]);
await app.StartAsync();

Console.WriteLine($"outbox drain, lead-intake alone on {new Uri(broker).Host}, {Environment.ProcessorCount} cores, {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}");
Console.WriteLine();
Console.WriteLine("| rows | committed | until all confirmed (s) | messages/s |");
Console.WriteLine("| --- | --- | --- | --- |");

// A warm-up round: the first publish of a type declares its exchange, and the JIT has not seen the path yet.
await DrainAsync(200, together: true);
foreach (var together in new[] { true, false })
{
    var seconds = await DrainAsync(rows, together);
    Console.WriteLine($"| {rows:N0} | {(together ? "in one transaction" : "one row per transaction")} | {seconds:F2} | {rows / seconds:N0} |");
}

await app.StopAsync();
await app.DisposeAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }

/// <summary>Commits the rows and returns the seconds until the last is confirmed.</summary>
async Task<double> DrainAsync(int count, bool together)
{
    var start = Stopwatch.GetTimestamp();
    if (together)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadIntakeDbContext>();
        for (var i = 0; i < count; i++)
            Stage(db);
        await db.SaveChangesAsync();
    }
    else
    {
        // Committed one by one as fast as the table takes them, while the dispatcher already publishes.
        for (var i = 0; i < count; i++)
        {
            using var scope = app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadIntakeDbContext>();
            Stage(db);
            await db.SaveChangesAsync();
        }
    }

    while (true)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadIntakeDbContext>();
        var unsent = await db.OutboxMessages.CountAsync(m => m.SentAt == null);
        if (unsent == 0)
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        await Task.Delay(20);
    }
}

static void Stage(LeadIntakeDbContext db)
{
    // An event no process here consumes: the broker confirms it as it would any other, and nothing else runs.
    var message = new LeadViewsChanged(Guid.NewGuid(), DateTimeOffset.UtcNow);
    db.Publish(message);
}
