using System.Diagnostics;
using System.Text.Json.Nodes;
using Dealership.Host;
using Dealership.InvitationWorkflow;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// Usage: dotnet run -c Release --project benchmarks/WorkflowEngine [-- steps|stored|timers|overdue|peer] [--pending=10000,100000] [--overdue=10000] [--instances=2000] [--Workflow:Engine:...=...]
// "peer" needs Node.js and npm: it installs bpmn-engine into benchmarks/WorkflowEngine/peer on its first run.
var mode = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
var peerInstances = int.Parse(args.FirstOrDefault(a => a.StartsWith("--instances="))?["--instances=".Length..] ?? "2000");
var overdueCount = int.Parse(args.FirstOrDefault(a => a.StartsWith("--overdue="))?["--overdue=".Length..] ?? "10000");
// Settings of the engine to try (e.g. --Workflow:Engine:TimerFireParallelism=2), handed to every host the program starts.
Hosts.EngineSettings = args.Where(a => a.StartsWith("--Workflow:")).ToArray();
var pendingCounts = args.FirstOrDefault(a => a.StartsWith("--pending="))?["--pending=".Length..].Split(',').Select(int.Parse).ToArray() ?? [10_000, 100_000];

if (mode is "all" or "steps")
    await StepsBenchmark.RunAsync();
if (mode is "all" or "stored")
    await StoredBenchmark.RunAsync();
if (mode is "all" or "timers")
{
    // A first host in a process runs its first seconds on code not yet optimised: a warm-up round, not printed.
    await TimerLatenessBenchmark.RunAsync(1_000, warmUp: true);
    foreach (var pending in pendingCounts)
        await TimerLatenessBenchmark.RunAsync(pending);
}
if (mode is "all" or "overdue")
    await TimerLatenessBenchmark.OverdueAfterRestartAsync(overdueCount);
if (mode is "all" or "peer")
    await PeerComparison.RunAsync(peerInstances);

static class Hosts
{
    public static string[] EngineSettings { get; set; } = [];

    /// <summary>A data folder of its own for one host.</summary>
    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "workflow-bench", Guid.NewGuid().ToString("N"));

    /// <summary>Publishes <paramref name="xml"/> network-wide straight into the service's database.</summary>
    public static async Task<WorkflowDefinition> AddDefinitionAsync(IServiceProvider services, string processKey, string xml)
    {
        var definition = new WorkflowDefinition
        {
            Id = Guid.NewGuid(), ProcessKey = processKey, Version = 1, Status = DefinitionStatus.Published, Xml = xml,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, PublishedAt = DateTimeOffset.UtcNow,
        };
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
        db.WorkflowDefinitions.Add(definition);
        await db.SaveChangesAsync();
        return definition;
    }

    /// <summary>The invitation-workflow service alone on SQLite in <paramref name="data"/>, quiet but for warnings.</summary>
    public static string[] Settings(string data) =>
    [
        "--services=invitation-workflow", $"--Database:DataDirectory={data}", "--Urls=http://127.0.0.1:0",
        "--Logging:LogLevel:Default=Warning", .. EngineSettings,
    ];
}

static class Diagrams
{
    public const string Ns = """xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" """;

    // start, service task, exclusive gateway, parallel fork of two service tasks, join, user task, end.
    public static readonly string Typical = $"""
        <bpmn:definitions {Ns} id="d">
          <bpmn:process id="typical" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare" />
            <bpmn:serviceTask id="prepare"><bpmn:extensionElements><zeebe:taskDefinition type="noop" /></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="decide" />
            <bpmn:exclusiveGateway id="decide" default="f4" />
            <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="fork"><bpmn:conditionExpression>= source = "oem" and attempts &lt; 3</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end" />
            <bpmn:parallelGateway id="fork" />
            <bpmn:sequenceFlow id="f5" sourceRef="fork" targetRef="a" />
            <bpmn:sequenceFlow id="f6" sourceRef="fork" targetRef="b" />
            <bpmn:serviceTask id="a"><bpmn:extensionElements><zeebe:taskDefinition type="noop" /></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:serviceTask id="b"><bpmn:extensionElements><zeebe:taskDefinition type="noop" /></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:sequenceFlow id="f7" sourceRef="a" targetRef="join" />
            <bpmn:sequenceFlow id="f8" sourceRef="b" targetRef="join" />
            <bpmn:parallelGateway id="join" />
            <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="call" />
            <bpmn:userTask id="call"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultant" /><zeebe:taskSchedule dueDate="= now() + duration(&quot;PT24H&quot;)" /></bpmn:extensionElements></bpmn:userTask>
            <bpmn:sequenceFlow id="f10" sourceRef="call" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    public static readonly string Timer = $"""
        <bpmn:definitions {Ns} id="d">
          <bpmn:process id="waiting" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
            <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>= dueAt</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;
}

static class StepsBenchmark
{
    public static async Task RunAsync()
    {
        var activities = new ActivityRegistry().Register("noop", _ => ActivityResult.Complete());
        var engine = new WorkflowEngine(activities, TimeProvider.System);
        var process = BpmnReader.Read(Diagrams.Typical).MainProcess!;
        var variables = new JsonObject { ["source"] = "oem", ["attempts"] = 1, ["consultant"] = "c-1" };

        // Warm up, then measure: the engine alone, and the engine with the JSON round trip a host does per step.
        await RunInstancesAsync(engine, process, variables, 2_000, persist: false);
        foreach (var persist in new[] { false, true })
        {
            const int instances = 20_000;
            var before = engine.Steps;
            var watch = Stopwatch.StartNew();
            await RunInstancesAsync(engine, process, variables, instances, persist);
            watch.Stop();
            var steps = engine.Steps - before;
            Console.WriteLine($"steps in process{(persist ? " + JSON state round trip per call" : "")}: {instances:N0} instances, {steps:N0} steps in {watch.Elapsed.TotalSeconds:F2} s = {steps / watch.Elapsed.TotalSeconds:N0} steps/s, {instances / watch.Elapsed.TotalSeconds:N0} instances/s");
        }
    }

    private static async Task RunInstancesAsync(WorkflowEngine engine, ProcessModel process, JsonObject variables, int count, bool persist)
    {
        for (var i = 0; i < count; i++)
        {
            var instance = await engine.StartAsync(process, (JsonObject)variables.DeepClone());
            if (persist)
                instance = WorkflowInstance.FromJson(instance.ToJson());
            await engine.CompleteUserTaskAsync(process, instance, instance.UserTasks[0].Key, new JsonObject { ["outcome"] = "accepted" });
            if (persist)
                _ = instance.ToJson();
            if (instance.Status != InstanceStatus.Completed)
                throw new InvalidOperationException("The benchmark diagram did not complete.");
        }
    }
}

/// <summary>
/// The engine with its persistence (issue 14): the peer model (start, service task, exclusive gateway, user task wait;
/// completing the task ends the instance) through the invitation-workflow service's own runtime on SQLite, each start
/// and each completion saved as the service saves them (state, journal, task rows, one transaction each), by 1 and by
/// 8 callers at once (as consumers and requests arrive).
/// </summary>
static class StoredBenchmark
{
    public static async Task RunAsync()
    {
        var xml = File.ReadAllText(Path.Combine(PeerComparison.PeerFolder(), "model.bpmn"));
        var data = Hosts.NewDataDirectory();
        var app = DealershipApp.Build(Hosts.Settings(data));
        app.Services.GetRequiredService<ActivityRegistry>().Register("noop", _ => ActivityResult.Complete());
        await app.StartAsync();
        try
        {
            var definition = await Hosts.AddDefinitionAsync(app.Services, "peer", xml);
            // Warm-up, then for each number of callers the measured starts, then every measured instance's task completed.
            await CompleteAsync(app.Services, await StartAsync(app.Services, definition, 300, 4), 4);
            foreach (var callers in new[] { 1, 8 })
            {
                const int instances = 3_000;
                var watch = Stopwatch.StartNew();
                var started = await StartAsync(app.Services, definition, instances, callers);
                var startSeconds = watch.Elapsed.TotalSeconds;
                watch.Restart();
                await CompleteAsync(app.Services, started, callers);
                var completeSeconds = watch.Elapsed.TotalSeconds;
                using (var scope = app.Services.CreateScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
                    var completed = await db.WorkflowInstances.CountAsync(i => started.Contains(i.Id) && i.Status == InstanceStatus.Completed);
                    if (completed != instances)
                        throw new InvalidOperationException($"{completed} of {instances} instances completed.");
                }
                Console.WriteLine($"stored on SQLite, {callers} caller(s) at once: {instances / startSeconds:N0} starts/s, {instances / completeSeconds:N0} completions/s ({instances:N0} instances)");
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static Task CompleteAsync(IServiceProvider services, List<Guid> instances, int callers) =>
        Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = callers }, async (id, token) =>
        {
            using var scope = services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().ExecuteAsync(id, async (engine, process, instance) =>
            {
                await engine.CompleteUserTaskAsync(process, instance, instance.UserTasks[0].Key, null, token);
                return true;
            }, token);
        });

    private static async Task<List<Guid>> StartAsync(IServiceProvider services, WorkflowDefinition definition, int count, int callers)
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = callers }, async (i, token) =>
        {
            using var scope = services.CreateScope();
            var record = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>()
                .StartAsync(definition, null, new JsonObject { ["isOem"] = true }, i.ToString(), null, token);
            ids.Add(record.Id);
        });
        return [.. ids];
    }
}

static class TimerLatenessBenchmark
{
    /// <summary>
    /// The real invitation-workflow service on SQLite with its timer poller (default settings). Among
    /// <paramref name="pending"/> pending timers, 500 fall due over the next 20 seconds; the rest wait a day.
    /// Lateness = when the step that fired it ran - when it was due.
    /// </summary>
    public static async Task RunAsync(int pending, bool warmUp = false)
    {
        // 25 timers falling due per second: far more than a dealership network's flows produce, and below
        // what one SQLite replica fires per second on a loaded two-core machine, so the figure shows the
        // poller's lateness rather than a queue.
        var measured = warmUp ? 250 : 500;
        var window = TimeSpan.FromSeconds(warmUp ? 10 : 20);
        var data = Hosts.NewDataDirectory();
        var app = DealershipApp.Build(Hosts.Settings(data));
        await app.StartAsync();
        try
        {
            var dues = await SeedAsync(app.Services, pending, measured, window);
            var deadline = DateTime.UtcNow + window + TimeSpan.FromSeconds(60);
            List<(Guid InstanceId, DateTimeOffset At)> fired;
            while (true)
            {
                await Task.Delay(1000);
                using var scope = app.Services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
                fired = (await db.WorkflowJournal.AsNoTracking().Where(j => j.Outcome == "timer-fired").Select(j => new { j.InstanceId, j.At }).ToListAsync())
                    .Select(j => (j.InstanceId, j.At)).ToList();
                if (fired.Count >= measured || DateTime.UtcNow > deadline)
                    break;
            }
            var lateness = fired.Where(f => dues.ContainsKey(f.InstanceId)).Select(f => (f.At - dues[f.InstanceId]).TotalMilliseconds).Order().ToArray();
            var early = lateness.Count(l => l < 0);
            Console.WriteLine($"{(warmUp ? "(warm-up) " : "")}timer lateness with {pending:N0} pending: {lateness.Length:N0} of {measured:N0} fired; p50 {Percentile(lateness, 0.50):N0} ms, p99 {Percentile(lateness, 0.99):N0} ms, max {lateness.LastOrDefault():N0} ms; early: {early}; fired twice: {fired.Count - fired.Select(f => f.InstanceId).Distinct().Count()}");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// <paramref name="count"/> timers fall due while the service is down; it starts again on the same database and
    /// fires them. Timed from the start of the restarted host until the last has fired (the journal's entries).
    /// </summary>
    public static async Task OverdueAfterRestartAsync(int count)
    {
        var data = Hosts.NewDataDirectory();
        var settings = Hosts.Settings(data);
        try
        {
            // The first run creates the database; the timers are written while nothing runs, due a second ago.
            // Stopped at once, it cancels its own request for the dealerships: nothing to log.
            var first = DealershipApp.Build([.. settings, "--Logging:LogLevel:MassTransit=None"]);
            await first.StartAsync();
            await first.StopAsync();
            var watch = Stopwatch.StartNew();
            var definition = await Hosts.AddDefinitionAsync(first.Services, "waiting", Diagrams.Timer);
            var due = DateTimeOffset.UtcNow.AddSeconds(-1);
            await WriteAsync(first.Services, new WorkflowEngine(new ActivityRegistry(), TimeProvider.System), BpmnReader.Read(Diagrams.Timer).MainProcess!,
                definition, count, _ => due, null);
            Console.WriteLine($"seeded {count:N0} overdue timers in {watch.Elapsed.TotalSeconds:F1} s");

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            watch.Restart();
            // Built before the stopped host is disposed: MassTransit's log context is process-wide and would keep its disposed logger factory.
            var second = DealershipApp.Build(settings);
            await first.DisposeAsync();
            await second.StartAsync();
            var started = watch.Elapsed;
            int fired;
            while (true)
            {
                using (var scope = second.Services.CreateScope())
                {
                    fired = await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().WorkflowJournal.CountAsync(j => j.Outcome == "timer-fired");
                }
                if (fired >= count || watch.Elapsed > TimeSpan.FromMinutes(10))
                    break;
                await Task.Delay(50);
            }
            var seconds = watch.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            await second.StopAsync();
            await second.DisposeAsync();
            Console.WriteLine($"overdue timers after a restart: {fired:N0} of {count:N0} fired {seconds:F1} s after the start began (the host took {started.TotalSeconds:F1} s to start): {fired / seconds:N0} timers/s, {cpu.TotalMilliseconds / Math.Max(1, fired):F2} ms CPU per timer");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>Writes the instances as the runtime would (state, journal, timer row), in large batches for speed.</summary>
    private static async Task<Dictionary<Guid, DateTimeOffset>> SeedAsync(IServiceProvider services, int pending, int measured, TimeSpan window)
    {
        var engine = new WorkflowEngine(new ActivityRegistry(), TimeProvider.System);
        var definition = await Hosts.AddDefinitionAsync(services, "waiting", Diagrams.Timer);
        var process = BpmnReader.Read(Diagrams.Timer).MainProcess!;

        var watch = Stopwatch.StartNew();
        var dues = new Dictionary<Guid, DateTimeOffset>();
        // First the timers that wait a day, then the measured ones, due from 3 s after they are written.
        await WriteAsync(services, engine, process, definition, pending - measured, _ => DateTimeOffset.UtcNow.AddDays(1), null);
        var start = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3) + TimeSpan.FromMilliseconds(measured * 0.5);
        await WriteAsync(services, engine, process, definition, measured, i => start + window * (i / (double)measured), dues);
        var late = DateTimeOffset.UtcNow > start ? " (seeding overran: the first measured timers were already due)" : "";
        Console.WriteLine($"seeded {pending:N0} pending timers in {watch.Elapsed.TotalSeconds:F1} s{late}");
        return dues;
    }

    private static async Task WriteAsync(IServiceProvider services, WorkflowEngine engine, ProcessModel process, WorkflowDefinition definition,
        int count, Func<int, DateTimeOffset> due, Dictionary<Guid, DateTimeOffset>? measured)
    {
        const int batch = 2_000;
        for (var offset = 0; offset < count; offset += batch)
        {
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = offset; i < Math.Min(count, offset + batch); i++)
            {
                var instance = await engine.StartAsync(process, new JsonObject { ["dueAt"] = due(i).ToString("o") });
                instance.Journal.Clear();
                var timer = instance.Timers[0];
                db.WorkflowInstances.Add(new WorkflowInstanceRecord
                {
                    Id = instance.Id, DefinitionId = definition.Id, ProcessKey = "waiting", Version = 1, Status = InstanceStatus.Active,
                    WaitingAt = "wait", StartedAt = instance.StartedAt, UpdatedAt = instance.StartedAt, StateJson = instance.ToJson(), ConcurrencyStamp = Guid.NewGuid(),
                });
                db.WorkflowTimers.Add(new WorkflowTimer { Id = Guid.NewGuid(), InstanceId = instance.Id, TimerKey = timer.Key, DueAt = timer.DueAt });
                measured?.Add(instance.Id, timer.DueAt);
            }
            await db.SaveChangesAsync();
        }
    }
}

/// <summary>
/// Issue 14, item 5: this engine and the bpmn-engine npm package side by side on one model (peer/model.bpmn:
/// start, service task, exclusive gateway, user task wait; completing the task ends the instance), each in
/// memory in its own runtime, measured the same way: starts until the task waits, completions until the end,
/// heap per waiting instance (after full collections) and the size of one waiting instance's saved state.
/// </summary>
static class PeerComparison
{
    private record Figures(string Engine, double StartsPerSecond, double CompletionsPerSecond, double BytesPerWaiting, int StateBytes);

    public static async Task RunAsync(int instances)
    {
        var folder = PeerFolder();
        var model = Path.Combine(folder, "model.bpmn");
        var ours = await OursAsync(File.ReadAllText(model), instances);
        var peer = await PeerAsync(folder, model, instances);

        Console.WriteLine($"engine peer comparison: {instances:N0} instances each of {Path.GetRelativePath(Directory.GetCurrentDirectory(), model)}, in memory, one at a time");
        Console.WriteLine($"{"",-34} {"starts/s",10} {"completions/s",14} {"heap/waiting",13} {"saved state",12}");
        foreach (var f in new[] { ours, peer })
            Console.WriteLine($"{f.Engine,-34} {f.StartsPerSecond,10:N0} {f.CompletionsPerSecond,14:N0} {Kb(f.BytesPerWaiting),13} {Kb(f.StateBytes),12}");
        Console.WriteLine($"{"ratio (this engine / bpmn-engine)",-34} {ours.StartsPerSecond / peer.StartsPerSecond,9:F1}x {ours.CompletionsPerSecond / peer.CompletionsPerSecond,13:F1}x {ours.BytesPerWaiting / peer.BytesPerWaiting,12:F3}x {(double)ours.StateBytes / peer.StateBytes,11:F3}x");
    }

    private static string Kb(double bytes) => $"{bytes / 1024:N1} KB";

    private static async Task<Figures> OursAsync(string xml, int instances)
    {
        var engine = new WorkflowEngine(new ActivityRegistry().Register("noop", _ => ActivityResult.Complete()), TimeProvider.System);
        var process = BpmnReader.Read(xml).MainProcess!;
        var variables = new JsonObject { ["isOem"] = true };

        // The same warm-up as peer.mjs: 500 instances through, before anything is measured.
        for (var i = 0; i < 500; i++)
            await CompleteAsync(engine, process, await StartAsync(engine, process, variables));

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var waiting = new WorkflowInstance[instances];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < instances; i++)
            waiting[i] = await StartAsync(engine, process, variables);
        var startSeconds = watch.Elapsed.TotalSeconds;
        var bytesPerWaiting = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)instances;
        var stateBytes = System.Text.Encoding.UTF8.GetByteCount(waiting[0].ToJson());

        watch.Restart();
        foreach (var instance in waiting)
            await CompleteAsync(engine, process, instance);
        var completeSeconds = watch.Elapsed.TotalSeconds;
        return new("Dealership.Workflows (.NET " + Environment.Version + ")", instances / startSeconds, instances / completeSeconds, bytesPerWaiting, stateBytes);
    }

    private static async Task<WorkflowInstance> StartAsync(WorkflowEngine engine, ProcessModel process, JsonObject variables)
    {
        var instance = await engine.StartAsync(process, (JsonObject)variables.DeepClone());
        if (instance.UserTasks.Count != 1)
            throw new InvalidOperationException("The peer model should wait at its user task.");
        return instance;
    }

    private static async Task CompleteAsync(WorkflowEngine engine, ProcessModel process, WorkflowInstance instance)
    {
        await engine.CompleteUserTaskAsync(process, instance, instance.UserTasks[0].Key);
        if (instance.Status != InstanceStatus.Completed)
            throw new InvalidOperationException("The peer model should end when its task is completed.");
    }

    private static async Task<Figures> PeerAsync(string folder, string model, int instances)
    {
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "bpmn-engine")))
            await RunAsync(folder, "npm", "install --no-audit --no-fund");
        var output = await RunAsync(folder, "node", $"--expose-gc peer.mjs \"{model}\" {instances}");
        var answer = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        return new($"{answer["engine"]} ({answer["runtime"]})", (double)answer["startsPerSecond"]!, (double)answer["completionsPerSecond"]!,
            (double)answer["bytesPerWaiting"]!, (int)answer["stateBytes"]!);
    }

    private static async Task<string> RunAsync(string folder, string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"{command} could not be started: the peer comparison needs Node.js and npm.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {arguments} failed ({process.ExitCode}): {await error}");
        return await output;
    }

    // The model and the script sit beside this program's sources, whatever folder it is run from.
    internal static string PeerFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "benchmarks", "WorkflowEngine", "peer");
            if (File.Exists(Path.Combine(candidate, "model.bpmn")))
                return candidate;
        }
        throw new DirectoryNotFoundException("benchmarks/WorkflowEngine/peer was not found above the program's folder.");
    }
}
