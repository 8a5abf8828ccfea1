// Runs each service as its own OS process of the host (--services=<name>) on a real RabbitMQ (a virtual host of this
// run's own) with its own SQLite folder, drives a steady stream of leads through lead-intake's public HTTP intake,
// injects faults one at a time, and after each lets the system settle and checks the invariants. Exits 1 when one breaks.
// Usage: dotnet run -c Release --project benchmarks/Faults -- [--smoke] [--rate 100] [--steady 20] [--repeat 50] [--lock-seconds 60]
//        [--only kill,connections,broker,lock,duplicates,poison,carrier,clock] [--targets lead-intake,...] [--own-broker] [--keep]
// (--targets: the services to kill and to lock, instead of all of them. --own-broker: start a RabbitMQ node of the
// program's own on other ports, which the broker-restart fault may restart.)
// The broker: RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672), management API at RABBITMQ_MANAGEMENT_URL or :15672.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.Faults;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;

var smoke = args.Contains("--smoke");
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var rate = double.Parse(Option("--rate") ?? (smoke ? "5" : "100"), System.Globalization.CultureInfo.InvariantCulture);
var repeat = int.Parse(Option("--repeat") ?? (smoke ? "3" : "50"));
var lockSeconds = int.Parse(Option("--lock-seconds") ?? "60");
var steadySeconds = int.Parse(Option("--steady") ?? (smoke ? "10" : "20"));
var only = Option("--only")?.Split(',').ToHashSet();
var targets = Option("--targets")?.Split(',');
bool Runs(string fault) => only is null ? !smoke || fault is "kill" or "connections" or "duplicates" or "poison" : only.Contains(fault);

var amqp = Environment.GetEnvironmentVariable("RABBITMQ_URL") ?? "amqp://guest:guest@127.0.0.1:5672";
var clock = Stopwatch.StartNew();
var run = Guid.NewGuid().ToString("N")[..6];
var root = Path.Combine(Path.GetTempPath(), "dealership-faults", run);
void Say(string line) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] {line}");

var hostDll = BuildOutput.Assembly("services/Dealership.Host", "Dealership.Host");

// Only a broker of the program's own may be restarted; the one RABBITMQ_URL names belongs to others as well.
await using var node = args.Contains("--own-broker") ? await BrokerNode.StartAsync(run) : null;
if (node is not null)
    amqp = node.AmqpUrl;
await using var broker = await Broker.CreateAsync(amqp, node?.ManagementUrl ?? Environment.GetEnvironmentVariable("RABBITMQ_MANAGEMENT_URL"));
Say($"{(smoke ? "smoke run" : "full run")}: {Environment.ProcessorCount} cores, target {rate} leads/s, virtual host {broker.VirtualHost} on {new Uri(amqp).Host}, data in {root}");

// Each service has a data folder of its own, so none generates its own signing key: they all take this one.
using var rsa = RSA.Create(2048);
var signing = new Dictionary<string, string> { ["Identity__SigningKey"] = rsa.ExportPkcs8PrivateKeyPem() };
string[] names = ["identity", "lead-intake", "assignment", "invitation-workflow", "appointment", "notification"];
var identityPort = ServiceProcess.FreePort();
// The workflow host's clock follows this file only when its fault runs: the other runs keep the system clock untouched.
var clockFile = Runs("clock") ? Path.Combine(root, "invitation-workflow.clock-offset") : null;
// The SMS carrier is the one edge faked: only when its faults run, so that other runs keep the product's default sink.
await using var carrier = Runs("carrier") ? new FakeCarrier(ServiceProcess.FreePort(), slowAnswer: TimeSpan.FromSeconds(5)) : null;
var services = new Dictionary<string, ServiceProcess>();
foreach (var name in names)
{
    var port = name == "identity" ? identityPort : ServiceProcess.FreePort();
    services[name] = new ServiceProcess(name, hostDll, port, Path.Combine(root, name),
    [
        $"--ConnectionStrings:RabbitMq={broker.Url}",
        $"--Identity:Url=http://127.0.0.1:{identityPort}",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Dealership=Warning",
        // The intake limit (6,000 a minute per client) would answer 429 to a steady 100 a second from the one demo key.
        .. name == "lead-intake" ? new[] { "--RateLimits:intake:PermitsPerMinute=600000" } : [],
        .. name == "invitation-workflow" && clockFile is not null ? new[] { $"--Clock:OffsetFile={clockFile}" } : [],
        .. name == "notification" && carrier is not null
            ? new[] { "--Sms:Carrier=http-gateway", $"--Sms:Gateway:BaseUrl={carrier.Address}", "--Sms:Gateway:ApiKey=fake", "--Sms:Gateway:Timeout=00:00:03" }
            : [],
    ], signing);
}

// Stopped from outside (Ctrl-C, SIGTERM): the services must not outlive the program.
void KillServices()
{
    foreach (var service in services.Values)
        service.KillIfRunning();
}
void Stop(System.Runtime.InteropServices.PosixSignalContext _)
{
    KillServices();
    Environment.Exit(2);
}
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);

var failures = new List<string>();
var figures = new List<string>();
IBusControl? bus = null;
LeadStream? stream = null;
var exit = 0;
try
{
    if (!File.Exists(hostDll))
        throw new FileNotFoundException($"{hostDll} is missing: build first (dotnet build Dealership.sln -c {BuildOutput.Configuration}).");
    if (carrier is not null)
        await carrier.StartAsync();
    foreach (var service in services.Values)
        service.Start();
    // Six processes start at once on two cores: generous, since only a hang should fail here.
    await Task.WhenAll(services.Values.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromMinutes(4))));
    Say($"{services.Count} services ready: {string.Join(", ", services.Values.Select(s => $"{s.Name} pid {s.ProcessId} :{s.Port}"))}");

    bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(broker.Url)));
    await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
    var invariants = new Invariants(services, broker);
    var otherAccepted = new Dictionary<string, Guid>();

    // The services learn DEMO01 from the identity service's events: the stream starts once a lead goes all the way through.
    stream = new LeadStream(services["lead-intake"].Address, rate, run);
    stream.Resume();
    await Until(() => stream.Accepted.Count > 0 && invariants.Progress().Tasked > 0, TimeSpan.FromMinutes(3), "a first lead should reach its first-contact task");
    Say($"leads flow end to end; steady stream for {steadySeconds} s before the first fault");

    var samples = new List<(double At, long Leads, long Tasked, int Accepted)>();
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            try
            {
                var (leads, tasked) = invariants.Progress();
                lock (samples) samples.Add((clock.Elapsed.TotalSeconds, leads, tasked, stream.Accepted.Count));
            }
            catch (SqliteException) { }
            try { await Task.Delay(1000, sampling.Token); } catch (OperationCanceledException) { }
        }
    });
    await Task.Delay(TimeSpan.FromSeconds(steadySeconds));

    var faultNumber = 0;

    var resumedAt = clock.Elapsed.TotalSeconds - steadySeconds;

    // One fault: inject, time how long until throughput is back, pause the stream, let the system settle, check.
    async Task Fault(string title, Func<Task> inject)
    {
        faultNumber++;
        Say($"fault {faultNumber}: {title}");
        List<(double At, long Leads, long Tasked, int Accepted)> before;
        lock (samples) before = samples.Where(s => s.At >= Math.Max(resumedAt, clock.Elapsed.TotalSeconds - 20)).ToList();
        var baselineBacklog = before.Count == 0 ? 0 : before.Max(s => s.Leads - s.Tasked);
        var steadyTasked = before.Count < 2 ? 0 : (before[^1].Tasked - before[0].Tasked) / (before[^1].At - before[0].At);
        var steadyIntake = before.Count < 2 ? 0 : (before[^1].Accepted - before[0].Accepted) / (before[^1].At - before[0].At);
        var start = clock.Elapsed.TotalSeconds;
        var failedBefore = stream.Unanswered.Count;
        var injecting = inject();
        var measuring = ThroughputBackAsync(start, injecting, steadyTasked, baselineBacklog, TimeSpan.FromMinutes(smoke ? 1 : 4));
        await injecting;
        var injected = clock.Elapsed.TotalSeconds;
        var (back, caughtUp) = await measuring;
        var worst = 0L;
        lock (samples) worst = samples.Where(s => s.At >= start).Select(s => s.Leads - s.Tasked).DefaultIfEmpty(0).Max();
        var unanswered = stream.Unanswered.Count - failedBefore;
        Say($"  before: {steadyIntake:F1} leads/s accepted, {steadyTasked:F1}/s reached their task, backlog up to {baselineBacklog}; fault took {injected - start:F1} s; " +
            $"posts refused or timed out: {unanswered}; backlog peaked at {worst}");
        Say($"  throughput back {(back is { } b ? $"{b:F1} s" : "NOT within the limit")} after the fault began; " +
            (smoke ? "backlog not followed (smoke)" : $"backlog back to its level before {(caughtUp is { } c ? $"{c:F1} s" : "not within the limit")} after"));

        await stream.PauseAsync();
        var settled = await SettleAsync(TimeSpan.FromMinutes(smoke ? 2 : 4));
        Say($"  settled in {settled.Seconds:F1} s{(settled.Done ? "" : " (not quiet at the limit: checking as it is)")}; invariants:");
        var broken = await invariants.CheckAsync(stream, otherAccepted, new Prefixed(Console.Out, "         "));
        foreach (var b2 in broken)
            Say($"  BROKEN: {b2}");
        if (broken.Count == 0)
            Say("  all invariants hold");
        failures.AddRange(broken.Select(b2 => $"after '{title}': {b2}"));
        figures.Add($"{title}: throughput back {(back is { } b3 ? $"in {b3:F1} s" : "not within the limit")}, backlog {(caughtUp is { } c3 ? $"back in {c3:F1} s" : "not back")} " +
                    $"(peak {worst}), {unanswered} posts unanswered, {(broken.Count == 0 ? "invariants hold" : $"{broken.Count} invariants broken")}");
        stream.Resume();
        resumedAt = clock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(smoke ? 5 : 15));
    }

    // Throughput is healthy in a second when, over the last 5 s, intake took 85 % of the offered leads without a
    // failure and leads reached their first-contact task at 85 % of the rate they did before the fault (one second's
    // jitter at 5 leads/s is 20 %). It is back after the last unhealthy second, once the fault is over and 3 healthy seconds followed (0: it
    // never dropped). The backlog (stored leads without their task) is back when no larger than before plus 2 s of leads.
    async Task<(double? Back, double? CaughtUp)> ThroughputBackAsync(double since, Task fault, double taskedBefore, long backlogBefore, TimeSpan limit)
    {
        double? lastUnhealthy = null;
        var good = 0;
        // The limit counts from the end of the fault: a series of 50 connection closes alone takes longer.
        var deadline = since + limit.TotalSeconds;
        while (!fault.IsCompleted || clock.Elapsed.TotalSeconds < deadline)
        {
            await Task.Delay(1000);
            if (!fault.IsCompleted)
                deadline = clock.Elapsed.TotalSeconds + limit.TotalSeconds;
            var window = Stopwatch.GetTimestamp() - 5 * Stopwatch.Frequency;
            List<(double At, long Leads, long Tasked, int Accepted)> recent;
            lock (samples) recent = samples.Where(s => s.At >= clock.Elapsed.TotalSeconds - 5.5).ToList();
            if (recent.Count < 2)
                continue;
            var tasked = (recent[^1].Tasked - recent[0].Tasked) / (recent[^1].At - recent[0].At);
            var healthy = stream.AcceptedSince(window) >= 0.85 * rate * 5 && stream.FailedSince(window) == 0 && tasked >= 0.85 * taskedBefore;
            if (!healthy)
                lastUnhealthy = clock.Elapsed.TotalSeconds;
            good = healthy && fault.IsCompleted ? good + 1 : 0;
            // The smoke run does not wait for the backlog while the stream runs: the settling drains it sooner.
            if (good >= 3 && (smoke || recent[^1].Leads - recent[^1].Tasked <= backlogBefore + (long)(2 * rate) + 2))
                return (lastUnhealthy is { } t ? t - since : 0, smoke ? null : clock.Elapsed.TotalSeconds - since);
        }
        return (good >= 3 ? lastUnhealthy is { } t2 ? t2 - since : 0 : null, null);
    }

    async Task<(bool Done, double Seconds)> SettleAsync(TimeSpan limit)
    {
        var started = clock.Elapsed.TotalSeconds;
        var quiet = 0;
        while (clock.Elapsed.TotalSeconds - started < limit.TotalSeconds)
        {
            try
            {
                // Quiet: every lead has its task, or nothing is left to deliver (a lead whose message went to an
                // error queue never gets one: waiting for it would only delay the check that says so).
                var (leads, tasked) = invariants.Progress();
                var idle = leads == tasked || (await broker.QueuesAsync()).All(q => q.Name.EndsWith("_error") || q.Name.EndsWith("_skipped") || q.Messages == 0);
                quiet = idle && invariants.UnsentOutbox().Values.Sum() == 0 ? quiet + 1 : 0;
                // The broker's queue figures lag a few seconds behind: counted out longer when only they say so.
                if (quiet == (leads == tasked ? 3 : 10))
                    return (true, clock.Elapsed.TotalSeconds - started);
            }
            catch (SqliteException) { quiet = 0; }
            await Task.Delay(1000);
        }
        return (false, clock.Elapsed.TotalSeconds - started);
    }

    async Task RestartAsync(ServiceProcess service)
    {
        service.Start();
        await service.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
    }

    async Task ClockJumpAsync()
    {
        const string openTasks = "SELECT LeadId FROM ConsultantTasks WHERE Kind = 'first-contact' AND CompletedAt IS NULL";
        // Per lead: its overdue timer fired, its flow told the supervisor, assignment escalated it (reassigned or queued).
        const string fired = "SELECT i.BusinessKey, COUNT(*) FROM WorkflowJournal j JOIN WorkflowInstances i ON i.Id = j.InstanceId " +
                             "WHERE j.ElementId = 'Timer_FirstContactOverdue' AND j.Outcome = 'timer-fired' GROUP BY i.BusinessKey";
        const string notified = "SELECT i.BusinessKey, COUNT(*) FROM WorkflowJournal j JOIN WorkflowInstances i ON i.Id = j.InstanceId " +
                                "WHERE j.ElementId = 'Task_NotifySupervisor' AND j.Outcome = 'completed' GROUP BY i.BusinessKey";
        const string escalated = "SELECT LeadId, COUNT(*) FROM AssignmentAudit WHERE Action = 'escalated' GROUP BY LeadId";
        const string waitingForReassignment = "SELECT BusinessKey, 1 FROM WorkflowInstances WHERE Status = 'Active' AND WaitingAt LIKE '%Task_Reassign%'";
        // A lead escalated into the supervisor queue, the pool or a wait for the next shift has no new consultant yet,
        // and its flow rightly waits; one that assignment gave a consultant must have moved on.
        const string withConsultant = "SELECT LeadId, 1 FROM Assignments WHERE State = 'Assigned'";

        HashSet<Guid> openAtJump = [];
        double forwardFor = 0, allNotified = double.NaN, allEscalated = double.NaN;
        DateTimeOffset backAt = default;
        var jumpLimit = TimeSpan.FromMinutes(smoke ? 1 : 3);
        await Fault("invitation-workflow's clock jumped 25 h forward, then back to real time", async () =>
        {
            openAtJump = invariants.Ids("invitation-workflow", openTasks);
            var watch = Stopwatch.StartNew();
            WriteClockOffset(TimeSpan.FromHours(25));
            Say($"  clock +1.01:00:00 (25 h) with {openAtJump.Count} first-contact tasks open");
            // Forward until every lead open at the jump is escalated in both services (or the limit): jumped back
            // sooner, a timer not yet claimed would rightly wait for its real deadline, and the check would miss it.
            while (watch.Elapsed < jumpLimit)
            {
                await Task.Delay(1000);
                try
                {
                    var n = invariants.PerLead("invitation-workflow", notified);
                    var e = invariants.PerLead("assignment", escalated);
                    if (double.IsNaN(allNotified) && openAtJump.All(n.ContainsKey))
                        allNotified = watch.Elapsed.TotalSeconds;
                    if (double.IsNaN(allEscalated) && openAtJump.All(e.ContainsKey))
                        allEscalated = watch.Elapsed.TotalSeconds;
                    if (!double.IsNaN(allNotified) && !double.IsNaN(allEscalated))
                        break;
                }
                catch (SqliteException) { }
            }
            forwardFor = watch.Elapsed.TotalSeconds;
            WriteClockOffset(TimeSpan.Zero);
            backAt = DateTimeOffset.UtcNow;
            Say($"  clock back to real time after {forwardFor:F1} s; supervisor notified for every lead open at the jump " +
                $"{(double.IsNaN(allNotified) ? "NOT within the limit" : $"in {allNotified:F1} s")}, escalated by assignment " +
                $"{(double.IsNaN(allEscalated) ? "NOT within the limit" : $"in {allEscalated:F1} s")}");
        });

        // After the settling: the first-contact tasks made once the host had surely read the file again (its check
        // runs every 250 ms) are due in 24 real hours: none of those leads may be escalated. (Those made during the
        // jump carry its time, 25 h ahead, hence the upper bound.)
        var stamp = new UtcBinaryConverter();
        var afterBack = (long)stamp.ConvertToProvider(backAt.AddSeconds(2))!;
        var notJumped = (long)stamp.ConvertToProvider(DateTimeOffset.UtcNow.AddHours(1))!;
        var newSince = invariants.Ids("invitation-workflow",
            $"SELECT LeadId FROM ConsultantTasks WHERE Kind = 'first-contact' AND CreatedAt > {afterBack} AND CreatedAt < {notJumped}");
        var firedPerLead = invariants.PerLead("invitation-workflow", fired);
        var notifiedPerLead = invariants.PerLead("invitation-workflow", notified);
        var escalatedPerLead = invariants.PerLead("assignment", escalated);
        var waitingAll = invariants.PerLead("invitation-workflow", waitingForReassignment).Keys.ToList();
        var assigned = invariants.PerLead("assignment", withConsultant);
        var waiting = waitingAll.Count(assigned.ContainsKey);
        var withoutConsultant = invariants.Count("assignment", "SELECT COUNT(*) FROM Assignments WHERE State <> 'Assigned'");
        var broken = new List<string>();
        void Expect(bool holds, string what)
        {
            if (!holds)
                broken.Add(what);
        }
        string Some(IEnumerable<Guid> leads) => string.Join(", ", leads.Take(3));
        var twice = firedPerLead.Where(kv => kv.Value > 1).Select(kv => kv.Key)
            .Union(notifiedPerLead.Where(kv => kv.Value > 1).Select(kv => kv.Key)).Union(escalatedPerLead.Where(kv => kv.Value > 1).Select(kv => kv.Key)).ToList();
        var missed = openAtJump.Where(l => !notifiedPerLead.ContainsKey(l) || !escalatedPerLead.ContainsKey(l)).ToList();
        var early = newSince.Where(l => firedPerLead.ContainsKey(l) || notifiedPerLead.ContainsKey(l) || escalatedPerLead.ContainsKey(l)).ToList();
        var duringJump = notifiedPerLead.Keys.Count(l => !openAtJump.Contains(l));
        Say($"  clock jump: {openAtJump.Count} first-contact tasks open at the jump; overdue timers fired for {firedPerLead.Count} leads, supervisor notified for " +
            $"{notifiedPerLead.Count}, escalated by assignment {escalatedPerLead.Count} ({duringJump} of them leads that came during the jump); " +
            $"more than once: {twice.Count}; open at the jump but not escalated: {missed.Count}; of the {newSince.Count} leads tasked after the jump back, escalated: {early.Count}; " +
            $"flows waiting at the reassignment: {waitingAll.Count}, of them with the lead given to a consultant: {waiting}; leads without a consultant now: {withoutConsultant}");
        Expect(twice.Count == 0, $"clock jump: {twice.Count} leads escalated more than once, e.g. {Some(twice)}");
        Expect(missed.Count == 0, $"clock jump: {missed.Count} leads whose first contact was open at the jump were not escalated, e.g. {Some(missed)}");
        Expect(early.Count == 0, $"clock jump: {early.Count} leads tasked after the jump back were escalated (a timer fired early), e.g. {Some(early)}");
        Expect(waiting == 0, $"clock jump: {waiting} flows still wait for the reassignment of a lead assignment gave a consultant");
        foreach (var b in broken)
            Say($"  BROKEN: {b}");
        failures.AddRange(broken);
        figures.Add($"clock jump: {openAtJump.Count} open first contacts escalated in {(double.IsNaN(allEscalated) ? "not within the limit" : $"{allEscalated:F1} s")}, " +
                    $"{escalatedPerLead.Count} leads escalated in all, {twice.Count} more than once, {early.Count} early");
    }

    // Written whole and renamed over the old one: a reader never sees a half-written "1" (a day) for "1.01:00:00".
    void WriteClockOffset(TimeSpan offset)
    {
        Directory.CreateDirectory(root);
        var temporary = clockFile + ".new";
        File.WriteAllText(temporary, offset.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        File.Move(temporary, clockFile!, overwrite: true);
    }

    // 1. kill -9 of each service in turn, then restart it.
    if (Runs("kill"))
    {
        foreach (var name in targets ?? (smoke ? ["assignment"] : names.Skip(1).Append("identity")))
        {
            var service = services[name];
            await Fault($"kill -9 {name}, restart it", async () =>
            {
                var pid = service.ProcessId;
                await service.KillAsync();
                var down = Stopwatch.StartNew();
                await RestartAsync(service);
                Say($"  {name}: pid {pid} killed, pid {service.ProcessId} ready {down.Elapsed.TotalSeconds:F1} s later");
            });
        }
    }

    // 2. All connections of one service closed by the broker, many times in a row, one service after the other.
    if (Runs("connections"))
    {
        var stuckOutbox = new List<string>();
        await Fault($"all connections of one service closed by the broker, {repeat} times (each service in turn)", async () =>
        {
            var reconnect = new List<double>();
            var drained = new List<double>();
            for (var i = 0; i < repeat; i++)
            {
                var service = services[names[(i + 1) % names.Length]];
                var connections = await Eventually(() => broker.ConnectionsOfAsync(service.ProcessId), c => c.Count > 0, TimeSpan.FromSeconds(60));
                var closedAt = DateTimeOffset.UtcNow;
                var watch = Stopwatch.StartNew();
                await broker.CloseConnectionsAsync(connections);
                await Eventually(() => broker.ConnectionsOfAsync(service.ProcessId), c => c.Count > 0 && !c.Intersect(connections).Any(), TimeSpan.FromSeconds(60));
                reconnect.Add(watch.Elapsed.TotalSeconds);
                // Every row the service had written before the close must leave: a row left behind is a stuck outbox.
                var before = (long)new UtcBinaryConverter().ConvertToProvider(closedAt)!;
                var left = await Eventually(() => Task.FromResult(invariants.Count(service.Name, $"SELECT COUNT(*) FROM OutboxMessages WHERE SentAt IS NULL AND CreatedAt < {before}")),
                    c => c == 0, TimeSpan.FromSeconds(90));
                if (left > 0)
                    stuckOutbox.Add($"close {i + 1} of {service.Name}: {left} outbox rows written before the close still unsent 90 s later");
                else
                    drained.Add(watch.Elapsed.TotalSeconds);
                Say($"  close {i + 1}/{repeat} {service.Name}: {connections.Count} connection(s) closed, reconnected in {reconnect[^1]:F1} s, " +
                    (left == 0 ? $"older outbox rows sent {drained[^1]:F1} s after the close" : $"{left} outbox rows STUCK"));
            }
            Say($"  {repeat} closes: reconnected in p50 {Percentile(reconnect, 50):F1} s, max {reconnect.Max():F1} s; " +
                $"outbox drained in p50 {Percentile(drained, 50):F1} s, max {(drained.Count > 0 ? drained.Max() : 0):F1} s; stuck outboxes: {stuckOutbox.Count}");
        });
        foreach (var stuck in stuckOutbox)
            Say($"  BROKEN: {stuck}");
        failures.AddRange(stuckOutbox);
    }

    // 3. A service's SQLite database held by an exclusive transaction from outside.
    if (Runs("lock"))
    {
        foreach (var name in targets ?? ["lead-intake", "assignment", "invitation-workflow", "notification"])
        {
            await Fault($"{name}'s SQLite database locked (an exclusive transaction held) for {lockSeconds} s", async () =>
            {
                await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = services[name].DatabaseFile, Pooling = false, DefaultTimeout = 60 }.ToString());
                await connection.OpenAsync();
                await using (var begin = connection.CreateCommand())
                {
                    begin.CommandText = "BEGIN EXCLUSIVE";
                    await begin.ExecuteNonQueryAsync();
                }
                await Task.Delay(TimeSpan.FromSeconds(lockSeconds));
                await using var commit = connection.CreateCommand();
                commit.CommandText = "COMMIT";
                await commit.ExecuteNonQueryAsync();
            });
        }
    }

    // 4. The same lead delivered three times at once: over HTTP, as SubmitLead with one message id and with new ones,
    //    and a lead's LeadAccepted and LeadAssigned delivered again to their consumers, with their ids and with new ones.
    if (Runs("duplicates"))
    {
        var extra = 0;
        string Key(string kind) => $"DUP-{run}-{kind}-{++extra}";
        var submitted = new List<string>();
        await Fault("the same lead delivered 3 times at once (HTTP; SubmitLead with the same and with new message ids; LeadAccepted and LeadAssigned again)", async () =>
        {
            using var http = new HttpClient { BaseAddress = services["lead-intake"].Address };
            http.DefaultRequestHeaders.Add("X-Api-Key", "demo-oem-key");
            var httpKey = Key("http");
            var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(http, "/api/leads",
                new { dealershipCode = "DEMO01", name = "重复先生", phone = $"137{extra:D8}", source = "oem", externalId = httpKey })));
            var ids = new List<Guid>();
            foreach (var answer in answers)
            {
                if (answer.IsSuccessStatusCode)
                    ids.Add((await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<JsonElement>(answer.Content)).GetProperty("id").GetGuid());
            }
            Say($"  HTTP x3 at once: {string.Join(", ", answers.Select(a => (int)a.StatusCode))}; {ids.Distinct().Count()} distinct lead id(s)");
            if (ids.Distinct().Count() != 1)
                failures.Add($"the same lead posted 3 times at once was answered with {ids.Distinct().Count()} lead ids ({string.Join(", ", answers.Select(a => (int)a.StatusCode))})");
            if (ids.Count > 0)
                otherAccepted["oem/" + httpKey] = ids[0];
            submitted.Add(httpKey);

            foreach (var sameId in new[] { true, false })
            {
                var key = Key(sameId ? "bus-same-id" : "bus-new-ids");
                var message = new SubmitLead("DEMO01", "oem", key, "重复女士", $"137{extra:D8}", null, "ID.3", DateTimeOffset.UtcNow, SmsConsent: true);
                var messageId = NewId.NextGuid();
                await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => bus.Publish(message, c => c.MessageId = sameId ? messageId : NewId.NextGuid())));
                submitted.Add(key);
            }
            Say("  SubmitLead x3 at once with one message id, and x3 with three ids: published");

            // A lead that has gone all the way through, its LeadAccepted and LeadAssigned delivered again at once.
            foreach (var (service, type) in new[] { ("lead-intake", typeof(LeadAccepted)), ("assignment", typeof(LeadAssigned)) })
            {
                using var db = Invariants.Open(services[service].DatabaseFile);
                using var command = db.CreateCommand();
                command.CommandText = $"SELECT Id, Body FROM OutboxMessages WHERE MessageType = '{type.FullName}' AND SentAt IS NOT NULL ORDER BY CreatedAt LIMIT 1";
                using var reader = command.ExecuteReader();
                if (!reader.Read())
                    throw new InvalidOperationException($"{service} has published no {type.Name} yet");
                var originalId = Guid.Parse(reader.GetString(0));
                var body = JsonSerializer.Deserialize(reader.GetString(1), type, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
                await Task.WhenAll(Enumerable.Range(0, 6).Select(i => bus.Publish(body, type, c => c.MessageId = i < 3 ? originalId : NewId.NextGuid())));
                Say($"  {type.Name} of lead {(body is LeadAccepted accepted ? accepted.LeadId : ((LeadAssigned)body).LeadId)} published again 3 times with its message id {originalId} and 3 times with new ids");
            }
        });
        foreach (var key in submitted)
        {
            var count = invariants.Count("lead-intake", $"SELECT COUNT(DISTINCT LeadId) FROM Enquiries WHERE ExternalId = '{key}'");
            Say($"  {key}: stored as {count} lead(s)");
            if (count != 1)
                failures.Add($"{key} delivered 3 times is stored as {count} leads");
        }
    }

    // 5. Poison on every queue that takes input from outside the platform: text that is not JSON, and JSON of the wrong types.
    if (Runs("poison"))
    {
        var rejectedBefore = invariants.Count("lead-intake", "SELECT COUNT(*) FROM RejectedLeads");
        var injected = new List<(string Queue, string Id, string What)>();
        await Fault("poison messages on every queue that takes outside input", async () =>
        {
            var factory = new ConnectionFactory { Uri = new Uri(broker.Url) };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            async Task SendAsync(string queue, string contentType, string what, string body)
            {
                var id = Guid.NewGuid().ToString();
                invariants.InjectedPoison.Add(id);
                invariants.InjectedPoison.Add(body);
                invariants.PoisonMessages++;
                injected.Add((queue, id, what));
                await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { ContentType = contentType, Persistent = true, MessageId = id }, Encoding.UTF8.GetBytes(body));
            }
            string Envelope(string type, string message) =>
                $$"""{"messageId":"{{NewId.NextGuid()}}","messageType":["urn:message:Dealership.Contracts:{{type}}"],"message":{{message}}}""";
            const string mt = "application/vnd.masstransit+json";
            foreach (var (queue, type) in new[] { ("lead-intake-submit-lead", "SubmitLead"), ("invitation-workflow-correlate-workflow-message", "CorrelateWorkflowMessage") })
            {
                await SendAsync(queue, mt, "not JSON", "{this is not json " + Guid.NewGuid());
                await SendAsync(queue, mt, "wrong types", Envelope(type, """{"dealershipCode":42,"dealershipId":"not-a-guid","externalId":{"a":1},"submittedAt":"yesterday","occurredAt":true,"timeToLive":"forever"}"""));
            }
            await SendAsync("lead-intake-raw-leads", "application/json", "not JSON", "this is not json " + Guid.NewGuid());
            await SendAsync("lead-intake-raw-leads", "application/json", "wrong types", """{"dealershipCode":42,"source":["oem"],"externalId":{"a":1},"phone":true}""");
            Say($"  {injected.Count} poison messages sent: {string.Join("; ", injected.Select(p => $"{p.Queue} ({p.What})"))}");
        });
        // Where each went: an error queue with its reason, or (plain JSON only) lead-intake's rejected leads, kept with reasons.
        var parked = new Dictionary<string, string>();
        foreach (var queue in injected.Select(p => p.Queue + "_error").Distinct())
            foreach (var message in await broker.PeekAsync(queue, 100))
            {
                var properties = message.GetProperty("properties");
                var id = properties.TryGetProperty("message_id", out var m) ? m.GetString() : null;
                var reason = properties.TryGetProperty("headers", out var h) && h.TryGetProperty("MT-Fault-Message", out var r) ? r.ToString() : "(no reason)";
                if (id is not null)
                    parked[id] = $"{queue}: {reason}";
            }
        var rejected = invariants.Count("lead-intake", "SELECT COUNT(*) FROM RejectedLeads") - rejectedBefore;
        foreach (var (queue, id, what) in injected)
            Say($"  {queue} ({what}): {(parked.TryGetValue(id, out var where) ? "parked in " + (where.Length > 160 ? where[..160] + "..." : where) : "not in an error queue")}");
        var notParked = injected.Count(p => !parked.ContainsKey(p.Id));
        Say($"  {injected.Count - notParked} parked with a reason; {notParked} not parked; lead-intake rejected leads kept meanwhile: {rejected}");
        if (notParked > rejected)
        {
            failures.Add($"{notParked - rejected} poison messages are neither parked in an error queue nor kept as rejected leads");
            Say($"  BROKEN: {notParked - rejected} poison messages are neither parked nor kept as rejected");
        }
    }

    // 6. The SMS carrier answering 503, then answering only after the adapter's timeout (having sent the SMS), 30 s each.
    if (carrier is not null)
    {
        foreach (var (mode, what) in new[] { (CarrierMode.ServerErrors, "answers 503"), (CarrierMode.Slow, "answers after the adapter's 3 s timeout (5 s), having sent") })
        {
            var (calls, refused, late) = (carrier.Calls, carrier.Refused, carrier.Late);
            await Fault($"the SMS carrier {what}, for 30 s", async () =>
            {
                carrier.Mode = mode;
                await Task.Delay(TimeSpan.FromSeconds(30));
                carrier.Mode = CarrierMode.Healthy;
            });
            // The outId is the SMS row's id, so a retry after a timeout is recognised by the carrier. What must never happen
            // is an SMS the carrier took that is no row of notification's (a second row for one SMS is the check of
            // one SMS per lead, template and recipient above). The same text to one phone is no sign: the new-lead
            // SMS says only the consultant's name and the due time.
            var rows = invariants.Ids("notification", "SELECT Id FROM SmsMessages");
            var strangers = carrier.Sent.Keys.Count(outId => !rows.Contains(Guid.ParseExact(outId, "N")));
            var sent = invariants.Count("notification", "SELECT COUNT(*) FROM SmsMessages WHERE Status IN ('Sent', 'Delivered')");
            var failed = invariants.Count("notification", "SELECT COUNT(*) FROM SmsMessages WHERE Status IN ('Failed', 'Refused')");
            Say($"  carrier: {carrier.Calls - calls} calls during and after the fault, {carrier.Refused - refused} answered 503, {carrier.Late - late} answered late; " +
                $"it took {carrier.Sent.Count} SMS in all, notification has {sent} as sent, {failed} failed or refused; SMS it took that are no row of notification's: {strangers}");
            if (strangers > 0)
            {
                failures.Add($"after the carrier {what}: the carrier took {strangers} SMS that are no row of notification's");
                Say($"  BROKEN: the carrier took {strangers} SMS that are no row of notification's");
            }
        }
    }
    else if (Runs("carrier"))
        Say("fault: SMS carrier timeouts and 5xx: not run");
    // 7. The workflow host's clock jumped 25 h forward, past every open first-contact task's 24-hour deadline, then back
    //    to real time. Forward: each lead whose task was open is escalated once (supervisor alerted, lead reassigned by
    //    the demo dealership's rule). Back: what was not due in real time waits again, nothing fires twice or early.
    if (Runs("clock"))
        await ClockJumpAsync();

    // 8. Broker restart, last: only a broker this program started (--own-broker) may be restarted.
    if (Runs("broker") && node is not null)
        await Fault($"the broker restarted (rabbitmqctl shutdown, 5 s down, started again)", () => node.RestartAsync(TimeSpan.FromSeconds(5)));
    else if (Runs("broker"))
        Say("fault: broker restart: skipped: broker not ours (--own-broker starts one of the program's own)");

    // Whatever ran, the end state is checked once more with the stream stopped.
    await stream.PauseAsync();
    var end = await SettleAsync(TimeSpan.FromMinutes(smoke ? 2 : 4));
    Say($"end: settled in {end.Seconds:F1} s{(end.Done ? "" : " (not quiet at the limit: checking as it is)")}; invariants:");
    var endBroken = await invariants.CheckAsync(stream, otherAccepted, new Prefixed(Console.Out, "         "));
    foreach (var b in endBroken)
        Say($"  BROKEN: {b}");
    failures.AddRange(endBroken.Select(b => $"at the end: {b}"));

    await sampling.CancelAsync();
    await sampler;
    List<(double At, long Leads, long Tasked, int Accepted)> all;
    lock (samples) all = [.. samples];
    var busiest = all.Zip(all.Skip(10), (a, b) => (b.Tasked - a.Tasked) / (b.At - a.At)).DefaultIfEmpty(0).Max();
    var unansweredWhy = string.Join(", ", stream.Unanswered.Values.GroupBy(v => v).Select(g => $"{g.Count()} {g.Key}"));
    Say($"done: {stream.Offered} leads offered at {rate}/s, {stream.Accepted.Count} accepted, {stream.Unanswered.Count} unanswered{(unansweredWhy.Length > 0 ? $" ({unansweredWhy})" : "")}; " +
        $"end to end (first-contact tasks) at most {busiest:F1} leads/s over 10 s; overall {all[^1].Tasked / all[^1].At:F1}/s including pauses");
    foreach (var figure in figures)
        Say("  " + figure);
}
catch (Exception e)
{
    failures.Add($"the run stopped: {e.GetType().Name}: {e.Message}");
    foreach (var service in services.Values)
        Console.WriteLine(service.Output);
}
finally
{
    if (stream is not null)
        await stream.DisposeAsync();
    if (bus is not null)
        await bus.StopAsync();
    await Task.WhenAll(services.Values.Select(s => s.DisposeAsync().AsTask()));
    SqliteConnection.ClearAllPools();
    if (!args.Contains("--keep"))
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
}

if (failures.Count > 0)
{
    Say($"FAILED: {failures.Count} invariant(s) broken:");
    foreach (var failure in failures)
        Console.WriteLine("  - " + failure);
    exit = 1;
}
else
{
    Say("PASSED: every invariant held after every fault");
}
return exit;

static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan limit)
{
    var deadline = DateTime.UtcNow + limit;
    while (true)
    {
        var value = await read();
        if (done(value) || DateTime.UtcNow > deadline)
            return value;
        await Task.Delay(200);
    }
}

static async Task Until(Func<bool> done, TimeSpan limit, string because)
{
    var deadline = DateTime.UtcNow + limit;
    while (!done())
    {
        if (DateTime.UtcNow > deadline)
            throw new TimeoutException($"Within {limit}: {because}.");
        await Task.Delay(500);
    }
}

static double Percentile(List<double> values, double p) =>
    values.Count == 0 ? 0 : values.Order().ElementAt(Math.Clamp((int)Math.Ceiling(p / 100 * values.Count) - 1, 0, values.Count - 1));

/// <summary>Indents what the invariant check prints under the fault it belongs to.</summary>
sealed class Prefixed(TextWriter inner, string prefix) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;
    public override void WriteLine(string? value) => inner.WriteLine(prefix + value);
}
