// What one step of a lead costs in CPU, each measured alone in this process: a SQLite commit, a message through
// MassTransit's in-memory bus, one real consumer of the host (notification's LeadAccepted, through the host's own bus,
// inbox and DbContext), and the same consumer's database work with 1, 10 and 50 messages to a transaction. A lead takes
// about 16 saves and 9 consumed messages (docs/performance.md); these figures say what that costs at the least, and what
// taking messages in batches would save, before anyone builds it.
// Usage: dotnet run -c Release --project benchmarks/StepCost -- [messages=2000]
using System.Diagnostics;
using Dealership.Contracts;
using Dealership.Host;
using Dealership.Hosting.Messaging;
using Dealership.Load;
using Dealership.Notification;
using Dealership.Notification.Sms;
using Dealership.StepCost;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

var count = args.Length > 0 ? int.Parse(args[0]) : 2000;
var dataDirectory = Path.Combine(Path.GetTempPath(), "dealership-benchmark", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dataDirectory);

// The notification service alone on the in-memory bus, as the embedded host runs it; its SMS sender and outbox
// dispatcher have nothing to do here.
var app = DealershipApp.Build(
[
    "--services=notification", $"--Database:DataDirectory={dataDirectory}",
    "--Urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
]);
await app.StartAsync();

Console.WriteLine($"step cost, {count:N0} of each, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the start, {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}");
Console.WriteLine();
Console.WriteLine("| step | per second | CPU ms each |");
Console.WriteLine("| --- | --- | --- |");

// Every step runs once first, so that the JIT (which promotes a method after it has run a while) and the connection
// pools are warm when it is measured.
foreach (var measured in new[] { false, true })
{
    var n = measured ? count : 1000;
    await Step(measured, "SQLite commit of one 400-byte row (WAL, synchronous=FULL, one connection)", n,
        () => Task.Run(() => Limits.SqliteCommits(dataDirectory, n)));
    await using (var probe = await BusProbe.StartAsync(receive => Bus.Factory.CreateUsingInMemory(cfg => receive(cfg))))
        await Step(measured, "empty message published and consumed, MassTransit in memory", n, () => probe.RunAsync((published, _) => published < n));
    await Step(measured, "notification's LeadAccepted consumer, through the host's bus, inbox and DbContext", n, () => ConsumeThroughHost(n));
    foreach (var batch in new[] { 1, 10, 50 })
        await Step(measured, $"the same consumer's database work, {batch} message{(batch == 1 ? "" : "s")} a transaction", n, () => DatabaseWork(n, batch));
}

await app.StopAsync();
await app.DisposeAsync();
SqliteConnection.ClearAllPools();
try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }

static async Task Step(bool print, string name, int n, Func<Task> run)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    await run();
    var seconds = clock.Elapsed.TotalSeconds;
    var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    if (print)
        Console.WriteLine($"| {name} | {n / seconds:N0} | {cpuMs / n:F3} |");
}

async Task ConsumeThroughHost(int n)
{
    var dealership = Guid.NewGuid();
    var bus = app.Services.GetRequiredService<IBus>();
    // Counted as the consumer finishes each message (after its save), so that waiting costs nothing.
    var consumed = new ConsumedCounter(n);
    using var observing = bus.ConnectConsumeMessageObserver(consumed);
    await Task.WhenAll(Enumerable.Range(0, n).Select(i => bus.Publish(NewLead(dealership, i))));
    await consumed.All.WaitAsync(TimeSpan.FromMinutes(5));
    // A failed attempt is retried and costs CPU the normal path does not: said, so that the figure is read with it.
    if (consumed.Failed > 0)
        Console.Error.WriteLine($"notification's LeadAccepted consumer: {consumed.Failed} of {n} attempts failed and were retried");
}

// What notification's LeadAcceptedConsumer and the inbox in front of it read and write for a lead without consent
// (the inbox's check for the message, the contact and the dealership's settings looked up, the contact and the inbox
// row added), with `batch` messages sharing one DbContext and one SaveChanges, as a batched consumer would.
async Task DatabaseWork(int n, int batch)
{
    var dealership = Guid.NewGuid();
    for (var first = 0; first < n; first += batch)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationDbContext>();
        for (var i = first; i < Math.Min(n, first + batch); i++)
        {
            var lead = NewLead(dealership, i);
            var messageId = NewId.NextGuid();
            if (await db.InboxMessages.AsNoTracking().AnyAsync(m => m.MessageId == messageId && m.Consumer == "LeadAcceptedConsumer"))
                continue;
            if (await db.Contacts.FindAsync(lead.LeadId) is null)
                db.Contacts.Add(new CustomerContact { LeadId = lead.LeadId, DealershipId = lead.DealershipId, Name = lead.CustomerName, Phone = lead.CustomerPhone });
            if (await db.Settings.FindAsync(lead.DealershipId) is null)
                db.Settings.Add(new DealershipSmsSettings { DealershipId = lead.DealershipId, DealershipCode = lead.DealershipCode });
            db.InboxMessages.Add(new InboxMessage { MessageId = messageId, Consumer = "LeadAcceptedConsumer", ConsumedAt = DateTimeOffset.UtcNow });
        }
        await db.SaveChangesAsync();
    }
}

static LeadAccepted NewLead(Guid dealership, int i) =>
    new(Guid.NewGuid(), dealership, "STEP01", "oem", $"step-{i}", "王先生", $"+86138{i:D8}", DateTimeOffset.UtcNow);

namespace Dealership.StepCost
{
    /// <summary>Completes once the consumer has finished <c>expected</c> LeadAccepted messages; counts the attempts that failed.</summary>
    public sealed class ConsumedCounter(int expected) : IConsumeMessageObserver<LeadAccepted>
    {
        private int _finished;
        private int _failed;
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task All => _all.Task;

        public int Failed => Volatile.Read(ref _failed);

        public Task PreConsume(ConsumeContext<LeadAccepted> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<LeadAccepted> context)
        {
            if (Interlocked.Increment(ref _finished) == expected)
                _all.TrySetResult();
            return Task.CompletedTask;
        }

        public Task ConsumeFault(ConsumeContext<LeadAccepted> context, Exception exception)
        {
            Interlocked.Increment(ref _failed);
            return Task.CompletedTask;
        }
    }
}
