// Starts one topology, measures the machine's raw SQLite commit and message rates, then posts leads through the public
// HTTP API (POST /api/leads with the demo integration key) at bounded steady rates and in a burst, and prints per step:
// leads/s done, latency to "assigned with a first-contact task" in the lead view and to the first SMS, CPU per lead per
// process, SaveChanges, conflicts and retries per lead, each cost set against the limit it draws on. See docs/performance.md.
// Usage: dotnet run -c Release --project benchmarks/Load -- [--topology embedded|distributed] [--rates 20,50,100] [--seconds 20]
//        [--burst 2000] [--warmup 10] [--drain 90] [--limit-seconds 3] [--poll-ms 100] [--log-level Information] [--out file.md] [--keep]
//        [--ready-to-run] (runs the services as they ship, published ReadyToRun, rather than their build output)
// The broker (for the distributed topology and the RabbitMQ limit): RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672),
// management API at RABBITMQ_MANAGEMENT_URL or :15672.
using System.Diagnostics;
using System.Globalization;
using Dealership.Faults;
using Dealership.Load;
using MassTransit;
using Microsoft.Data.Sqlite;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
double Number(string name, double otherwise) => Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : otherwise;
var topologyName = Option("--topology") ?? "embedded";
if (topologyName is not ("embedded" or "distributed"))
{
    Console.Error.WriteLine("--topology is embedded or distributed");
    return 2;
}
var rates = (Option("--rates") ?? "20,50,100").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList();
var stepSeconds = Number("--seconds", 20);
var burst = (int)Number("--burst", 2000);
var warmupSeconds = Number("--warmup", 10);
var drainLimit = TimeSpan.FromSeconds(Number("--drain", 90));
var limitDuration = TimeSpan.FromSeconds(Number("--limit-seconds", 3));
var pollInterval = TimeSpan.FromMilliseconds(Number("--poll-ms", 100));
var logLevel = Option("--log-level") ?? "Information";
var outFile = Option("--out");

var amqp = Environment.GetEnvironmentVariable("RABBITMQ_URL") ?? "amqp://guest:guest@127.0.0.1:5672";
var clock = Stopwatch.StartNew();
var run = Guid.NewGuid().ToString("N")[..6];
var root = Path.Combine(Path.GetTempPath(), "dealership-load", run);
void Say(string line) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] {line}");

var readyToRun = args.Contains("--ready-to-run");
if (readyToRun)
    Say("publishing the host and the gateway ReadyToRun, as the Dockerfile does");
async Task<string> ProgramOf(string projectFolder, string name) =>
    readyToRun ? await BuildOutput.ReadyToRunAsync(projectFolder, name) : BuildOutput.Assembly(projectFolder, name);
var hostDll = await ProgramOf("services/Dealership.Host", "Dealership.Host");
var gatewayDll = await ProgramOf("gateway/Dealership.Gateway", "Dealership.Gateway");
foreach (var dll in new[] { hostDll, gatewayDll })
    if (!File.Exists(dll))
    {
        Console.Error.WriteLine($"{dll} is missing: build first (dotnet build benchmarks/Load -c {BuildOutput.Configuration}).");
        return 2;
    }

var loadAtStart = ProcessCpu.LoadAverage();
await using var broker = await Broker.CreateAsync(amqp, Environment.GetEnvironmentVariable("RABBITMQ_MANAGEMENT_URL"), "load");
Say($"{topologyName} topology{(readyToRun ? " (published ReadyToRun)" : "")}, {Environment.ProcessorCount} cores, load average {loadAtStart}; virtual host {broker.VirtualHost}; data in {root}");

// The limits first, on a machine where the topology does not run yet: what the hardware does, not what is left of it.
Say($"machine limits, {limitDuration.TotalSeconds:0} s each");
var sqliteLimit = Limits.SqliteCommitsPerSecond(Path.Combine(root, "limits"), limitDuration);
var rabbitLimit = await Limits.BusMessagesPerSecond(receive => Bus.Factory.CreateUsingRabbitMq(cfg =>
{
    cfg.Host(new Uri(broker.Url));
    receive(cfg);
}), limitDuration);
var memoryLimit = await Limits.BusMessagesPerSecond(receive => Bus.Factory.CreateUsingInMemory(cfg => receive(cfg)), limitDuration);
var limits = new MachineLimits(Environment.ProcessorCount, sqliteLimit, rabbitLimit, memoryLimit);
Say($"  SQLite {sqliteLimit:N0} commits/s, RabbitMQ {rabbitLimit:N0} messages/s, in memory {memoryLimit:N0} messages/s");

var topology = topologyName == "embedded"
    ? Topology.Embedded(hostDll, root, logLevel)
    : Topology.Distributed(hostDll, gatewayDll, root, broker, logLevel);
var tally = new LogTally();
foreach (var process in topology.Processes)
{
    var name = process.Name;
    process.OnLine = line => tally.Line(name, line);
}

// Stopped from outside (Ctrl-C, SIGTERM): the services must not outlive the program.
void Stop(System.Runtime.InteropServices.PosixSignalContext _)
{
    topology.KillIfRunning();
    Environment.Exit(2);
}
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);

var steps = new List<StepResult>();
var notes = new List<string>();
var idle = new Dictionary<string, double>();
using var followed = new Followed();
LeadTracker? tracker = null;
var streams = new List<LeadStream>();
var exit = 0;
try
{
    await topology.StartAsync(TimeSpan.FromMinutes(4));
    Say($"{topology.Processes.Count} processes ready: {string.Join(", ", topology.Processes.Select(p => $"{p.Name} pid {p.ProcessId}"))}");
    foreach (var process in topology.Processes)
        followed.Add(process.Name, process.ProcessId, efCounters: process.Name != "gateway");
    if (topologyName == "distributed")
        foreach (var pid in await broker.NodeProcessIdsAsync())
            followed.Add(Names.Broker, pid, efCounters: false);
    followed.Add(Names.Driver, Environment.ProcessId, efCounters: false);
    notes.AddRange(followed.Notes);

    tracker = new LeadTracker(topology.DatabaseOf("lead-intake"), topology.DatabaseOf("notification"), pollInterval);
    var nextLead = 0;

    // The services learn DEMO01 from the identity service's events: one lead a second until one goes all the way through
    // (faster, and the leads posted before it would still be queued when the steps begin).
    var probe = new LeadStream(topology.Intake, 1, run, nextLead);
    streams.Add(probe);
    tracker.Follow(probe);
    probe.Resume();
    var firstDeadline = Stopwatch.StartNew();
    while (!probe.PostedAt.Keys.Any(l => tracker.Of(l) is { TaskedAt: not null, ToFirstSms: not null }))
    {
        if (firstDeadline.Elapsed > TimeSpan.FromMinutes(3))
            throw new TimeoutException($"No lead reached its first-contact task and SMS within 3 minutes ({probe.Accepted.Count} accepted, " +
                                       $"unanswered: {string.Join(", ", probe.Unanswered.Values.Distinct())}; tracker: {tracker.LastError}).");
        await Task.Delay(250);
    }
    await probe.PauseAsync();
    nextLead = probe.LastLead;

    // Then a warm-up, so that the measured steps do not pay for the JIT and the first connections.
    var warmupRate = Math.Min(10, rates.DefaultIfEmpty(10).Min());
    Say($"leads flow end to end after {firstDeadline.Elapsed.TotalSeconds:0.0} s; warming up for {warmupSeconds:0} s at {warmupRate:0.#}/s");
    var warmup = new LeadStream(topology.Intake, warmupRate, run, nextLead);
    streams.Add(warmup);
    tracker.Follow(warmup);
    warmup.Resume();
    await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));
    await warmup.PauseAsync();
    nextLead = warmup.LastLead;
    var quiet = await tracker.WaitForAsync([.. probe.PostedAt.Keys, .. warmup.PostedAt.Keys], drainLimit);
    // A lead's own time through a pipeline that is not behind: the warm-up's median, at its light rate.
    var warmupTimes = warmup.PostedAt.Keys.Select(l => tracker.Of(l)).Where(t => t?.TaskedAt is not null)
        .Select(t => Stopwatch.GetElapsedTime(t!.PostedAt, t.TaskedAt!.Value).TotalSeconds).ToList();
    TimeSpan? throughUnloaded = quiet && warmupTimes.Count > 0 ? TimeSpan.FromSeconds(Report.Percentile(warmupTimes, 50)) : null;
    if (throughUnloaded is { } through)
        notes.Add($"a lead's own time through, taken from each step's time for its done/s where shorter than the step's fastest lead: {through.TotalSeconds:0.000} s (the warm-up's median)");

    // What the processes spend with nothing to do (pollers, health probes), so that a step's per-lead cost can be read
    // against it; with leads of the warm-up still on their way it would be their cost, so then it is not measured.
    if (quiet)
    {
        await SettleAsync(TimeSpan.FromSeconds(30));
        var idleBefore = followed.Take();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idleAfter = followed.Take();
        var idleSeconds = Stopwatch.GetElapsedTime(idleBefore.At, idleAfter.At).TotalSeconds;
        foreach (var (name, end) in idleAfter.CpuMilliseconds)
            if (end is { } e && idleBefore.CpuMilliseconds[name] is { } s)
                idle[name] = (e - s) / idleSeconds;
    }
    else
    {
        notes.Add($"the warm-up's leads were not all through {drainLimit.TotalSeconds:0} s after it: idle CPU not measured");
    }

    // After a warm-up or a step the runtime goes on compiling hot methods again, optimised, for seconds: a step that
    // began then would be charged for it. Quiet: the services together below 100 ms of CPU a second per process.
    async Task SettleAsync(TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        var last = followed.Take();
        while (waited.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = followed.Take();
            var seconds = Stopwatch.GetElapsedTime(last.At, now.At).TotalSeconds;
            var busy = topology.Processes.Sum(p => (now.CpuMilliseconds[p.Name] ?? 0) - (last.CpuMilliseconds[p.Name] ?? 0)) / seconds;
            last = now;
            if (busy < 100 * topology.Processes.Count)
                return;
        }
        notes.Add($"the services were still busy {limit.TotalSeconds:0} s after the leads before a step were through");
    }

    async Task<StepResult> StepAsync(string label, double? rate, Func<LeadStream, Task> offer)
    {
        await SettleAsync(TimeSpan.FromSeconds(15));
        var step = new StepResult { Label = label, OfferedRate = rate, LoadAverage = ProcessCpu.LoadAverage() };
        var stream = new LeadStream(topology.Intake, rate ?? 1, run, nextLead);
        streams.Add(stream);
        tracker.Follow(stream);
        tally.Flush();
        var before = followed.Take();
        var start = Stopwatch.GetTimestamp();
        await offer(stream);
        var offeredUntil = Stopwatch.GetTimestamp();
        nextLead = stream.LastLead;
        var leads = stream.PostedAt.Keys.ToList();
        Say($"{label}: {stream.Offered} offered, {leads.Count} accepted in {Stopwatch.GetElapsedTime(start, offeredUntil).TotalSeconds:0.0} s; draining");
        var drained = await tracker.WaitForAsync(leads, drainLimit);
        var end = Stopwatch.GetTimestamp();
        // EF Core's counters report once a second: the snapshot waits for a report that covers the step.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        tally.Flush();
        var after = followed.Take();

        var timings = leads.Select(l => tracker.Of(l)).Where(t => t is not null).Select(t => t!).ToList();
        var tasked = timings.Where(t => t.TaskedAt is not null).ToList();
        step.Offered = stream.Offered;
        step.Accepted = leads.Count;
        step.Unanswered = stream.Unanswered.Count;
        step.UnansweredWhy = string.Join(", ", stream.Unanswered.Values.GroupBy(v => v).Select(g => $"{g.Count()} {g.Key}"));
        step.Skipped = stream.Skipped;
        var offeringSeconds = Stopwatch.GetElapsedTime(start, offeredUntil).TotalSeconds;
        step.AcceptedPerSecond = leads.Count / offeringSeconds;
        // The pipeline's rate: the leads done over the time from the first post to the last lead done, less one lead's own
        // time through, which is latency, not a lack of throughput (so a steady step that keeps up shows its offered rate,
        // and one that does not, or a burst, the rate at which the backlog was worked off). That time is the warm-up's
        // median when it is shorter than the step's fastest: in a burst even the fastest lead waits behind the others, and
        // taking its wait away too made the rate look higher than the CPU could do (a CPU share above 100 %).
        var fastest = tasked.Select(t => Stopwatch.GetElapsedTime(t.PostedAt, t.TaskedAt!.Value)).DefaultIfEmpty().Min();
        var latency = throughUnloaded is { } unloaded && unloaded < fastest ? unloaded : fastest;
        step.DonePerSecond = tasked.Count < 2 ? double.NaN
            : tasked.Count / (Stopwatch.GetElapsedTime(start, tasked.Max(t => t.TaskedAt!.Value)) - latency).TotalSeconds;
        step.BacklogAtEnd = leads.Count - tasked.Count(t => t.TaskedAt <= offeredUntil);
        step.DrainedAfter = drained ? Stopwatch.GetElapsedTime(offeredUntil, end).TotalSeconds : null;
        step.ToTask.AddRange(tasked.Select(t => Stopwatch.GetElapsedTime(t.PostedAt, t.TaskedAt!.Value).TotalSeconds));
        step.ToSms.AddRange(timings.Where(t => t.ToFirstSms is not null).Select(t => t.ToFirstSms!.Value.TotalSeconds));
        step.NotTasked = leads.Count - tasked.Count;
        step.NoSms = leads.Count - step.ToSms.Count;
        step.Done = tasked.Count;
        step.Measure(before, after);
        step.CountMessages(topology, start, after.At);
        step.Logged = tally.Between(before.At, after.At);
        Say($"  done {step.DonePerSecond:0.0}/s; to task p50 {Report.Percentile(step.ToTask, 50):0.00} s, p99 {Report.Percentile(step.ToTask, 99):0.00} s; " +
            $"CPU {step.CpuPerLead:0.0} ms/lead; {step.SavesPerLead:0.0} SaveChanges/lead; conflicts {step.PerLead(step.Conflicts):0.00}/lead, retries {step.PerLead(step.Retries):0.00}/lead" +
            (drained ? "" : $"; NOT drained within {drainLimit.TotalSeconds:0} s ({step.NotTasked} without task)"));
        return step;
    }

    foreach (var rate in rates)
    {
        steps.Add(await StepAsync($"{rate:0.##}/s", rate, async stream =>
        {
            stream.Resume();
            await Task.Delay(TimeSpan.FromSeconds(stepSeconds));
            await stream.PauseAsync();
        }));
    }
    if (burst > 0)
        steps.Add(await StepAsync($"burst of {burst}", null, stream => stream.BurstAsync(burst, concurrency: 64)));
}
catch (Exception e)
{
    exit = 1;
    Console.Error.WriteLine($"The run stopped: {e.GetType().Name}: {e.Message}");
    foreach (var process in topology.Processes)
        Console.Error.WriteLine(process.Output);
}
finally
{
    foreach (var stream in streams)
        await stream.DisposeAsync();
    if (tracker is not null)
        await tracker.DisposeAsync();
    followed.Dispose();
    await topology.DisposeAsync();
    SqliteConnection.ClearAllPools();
    if (!args.Contains("--keep"))
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
}

if (steps.Count > 0)
{
    var report = Report.Write(topologyName, ["dotnet run -c Release --project benchmarks/Load --", .. args], limits, steps,
        followed.Names, idle, loadAtStart, ProcessCpu.LoadAverage(), pollInterval, notes);
    Console.WriteLine(report);
    if (outFile is not null)
        await File.WriteAllTextAsync(outFile, report);
}
return exit;
