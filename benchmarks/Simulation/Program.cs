using System.Diagnostics;
using System.Text.Json.Nodes;
using Dealership.Hosting;
using Dealership.InvitationWorkflow;
using Dealership.InvitationWorkflow.InvitationFlows;
using Dealership.InvitationWorkflow.Simulation;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;

// Usage: dotnet run -c Release --project benchmarks/Simulation [-- 10000]
// Records a month of leads synthetically, as the service records them (the engine's journal of each lead's flow, its start
// variables), then times the simulation: the published default flow and a draft with a 2-hour first contact over the same leads.
var count = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var taskTypes = new ActivityRegistry().AddInvitationFlowActivities().TaskTypes.ToList();
var xml = ReadFlow("active-invitation.bpmn");
var published = BpmnReader.Read(xml).MainProcess!;
var draft = BpmnReader.Read(xml.Replace("""source='= "PT24H"'""", """source='= "PT2H"'""")).MainProcess!;
var from = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
var to = from.AddMonths(1);
// The history is read a fortnight after the month: the last leads' visits and follow-ups are in it.
var until = to.AddDays(14);

var watch = Stopwatch.StartNew();
var leads = new RecordedLead[count];
await Parallel.ForEachAsync(Enumerable.Range(0, count), async (i, ct) => leads[i] = await Showroom.RecordAsync(published, taskTypes, i, from, to, until, ct));
Console.WriteLine($"recorded {count:N0} leads over {from:yyyy-MM} in {watch.Elapsed.TotalSeconds:N1} s ({leads.Sum(l => l.Answers.Count):N0} answers)");

// The rules a new dealership gets, applied as the endpoint applies notification's announced ones.
var rules = new DealershipSmsRules
{
    DealershipId = Guid.NewGuid(), TimeZone = "Asia/Shanghai", QuietHoursStart = QuietHours.Default.Start, QuietHoursEnd = QuietHours.Default.End,
    WeeklyCap = QuietHours.DefaultWeeklyCap,
};
for (var run = 1; run <= 3; run++)
{
    watch.Restart();
    var history = new RecordedHistory(leads);
    var asDrafted = await FlowSimulation.RunAsync(history, new SimulatedVersion("DEMO01-2", "draft", 2, draft), taskTypes, 7, until, CancellationToken.None);
    var asPublished = await FlowSimulation.RunAsync(history, new SimulatedVersion("N1", "published", 1, published), taskTypes, 7, until, CancellationToken.None);
    var drafted = FlowSimulation.Figures(new SimulatedVersion("DEMO01-2", "draft", 2, draft), asDrafted, from.Offset, from, until, rules);
    var kept = FlowSimulation.Figures(new SimulatedVersion("N1", "published", 1, published), asPublished, from.Offset, from, until, rules);
    var differing = FlowSimulation.Differences(asDrafted, asPublished);
    var elapsed = watch.Elapsed;
    Console.WriteLine($"run {run}: {count:N0} leads through two versions in {elapsed.TotalSeconds:N2} s = {count / elapsed.TotalSeconds:N0} leads/s "
        + $"({2 * count / elapsed.TotalSeconds:N0} lead replays/s); missed promise draft {drafted.FirstContact.Missed:N0} vs published {kept.FirstContact.Missed:N0}, "
        + $"SMS {drafted.SmsTotal:N0} vs {kept.SmsTotal:N0} (held by quiet hours {drafted.SmsRules!.HeldByQuietHours:N0} vs {kept.SmsRules!.HeldByQuietHours:N0}, "
        + $"stopped by the weekly cap {drafted.SmsRules.StoppedByWeeklyCap:N0} vs {kept.SmsRules.StoppedByWeeklyCap:N0}), visits {drafted.VisitsBooked:N0} vs {kept.VisitsBooked:N0}, "
        + $"answers replayed {drafted.Answers.Replayed:N0} drawn {drafted.Answers.Drawn:N0}, {differing.Count:N0} leads on another path");
}

static string ReadFlow(string name)
{
    using var stream = typeof(InvitationWorkflowModule).Assembly.GetManifestResourceStream($"flows/{name}")
        ?? throw new InvalidOperationException($"The service embeds no flows/{name}.");
    using var reader = new StreamReader(stream);
    return reader.ReadToEnd();
}

/// <summary>
/// A showroom's month in memory: each lead's flow run by the engine on a clock of its own, consultants answering after random
/// delays with the outcomes of a typical month, the showroom booking and receiving customers. What it keeps of each lead is what
/// the service keeps: the start variables and the journal.
/// </summary>
static class Showroom
{
    private static readonly string[] Consultants = [.. Enumerable.Range(1, 12).Select(i => $"0c0a0000-0000-4000-8000-{i:D12}")];

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }

    public static async Task<RecordedLead> RecordAsync(ProcessModel process, List<string> taskTypes, int n, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset until, CancellationToken cancellationToken)
    {
        var random = new Random(n);
        var start = from + TimeSpan.FromSeconds(random.NextDouble() * (to - from).TotalSeconds);
        var clock = new Clock(start);
        var activities = new ActivityRegistry();
        foreach (var type in taskTypes)
            activities.Register(type, _ => type == "reassign-lead" ? ActivityResult.Wait : ActivityResult.Complete());
        var engine = new WorkflowEngine(activities, clock);
        var leadId = Guid.NewGuid();
        var variables = new JsonObject
        {
            ["leadId"] = leadId.ToString(), ["dealershipId"] = "0d3a0000-0000-4000-8000-000000000001", ["source"] = "oem",
            ["customerName"] = "陈先生", ["customerPhone"] = "13912345678", ["vehicleOfInterest"] = "ID.4 CROZZ",
            ["consultantId"] = Consultants[n % Consultants.Length], ["consultantName"] = "王芳", ["consultantPhone"] = "13800000000",
            ["assignedAt"] = start.ToString("O"), ["noAnswerCount"] = 0, ["flowVersion"] = 1,
        };
        var instance = await engine.StartAsync(process, variables, instanceId: leadId, cancellationToken: cancellationToken);
        var journal = new List<JournalEntry>();
        var planned = new Dictionary<long, (DateTimeOffset At, Func<Task> Act)?>();

        for (var step = 0; step < 500 && instance.Status == InstanceStatus.Active; step++)
        {
            journal.AddRange(instance.Journal);
            instance.Journal.Clear();
            foreach (var task in instance.UserTasks.Where(t => !planned.ContainsKey(t.Key)))
                planned[task.Key] = Call(engine, process, instance, task, clock, random);
            foreach (var job in instance.Jobs.Where(j => !planned.ContainsKey(j.Key)))
                planned[job.Key] = (clock.Now.AddMinutes(2), () => engine.CompleteJobAsync(process, instance, job.Key,
                    new JsonObject { ["consultantId"] = Consultants[random.Next(Consultants.Length)] }, cancellationToken));
            foreach (var group in instance.Messages.GroupBy(m => m.ElementInstanceKey).Where(g => !planned.ContainsKey(g.Key)))
                planned[group.Key] = Reply(engine, process, instance, group.ToList(), clock, random);

            var timer = instance.Timers.MinBy(t => t.DueAt);
            var due = planned.Where(p => p.Value is not null && Open(instance, p.Key)).ToList();
            var next = due.Count == 0 ? default : due.MinBy(p => p.Value!.Value.At);
            var at = due.Count == 0 ? null : next.Value?.At;
            if (timer is not null && (at is null || timer.DueAt <= at))
            {
                if (timer.DueAt > until)
                    break;
                clock.Now = timer.DueAt > clock.Now ? timer.DueAt : clock.Now;
                await engine.FireTimerAsync(process, instance, timer.Key, cancellationToken);
                continue;
            }
            if (at is null || at > until)
                break;
            clock.Now = at.Value > clock.Now ? at.Value : clock.Now;
            var act = next.Value!.Value.Act;
            planned[next.Key] = null;
            await act();
        }
        journal.AddRange(instance.Journal);
        return RecordedHistory.Parse(leadId.ToString(), leadId, start, process, journal);
    }

    private static bool Open(WorkflowInstance instance, long key) =>
        instance.UserTasks.Any(t => t.Key == key) || instance.Jobs.Any(j => j.Key == key) || instance.Messages.Any(m => m.ElementInstanceKey == key);

    /// <summary>A consultant's call: reached two times in three, then accepted, declined, undecided or a callback.</summary>
    private static (DateTimeOffset, Func<Task>)? Call(WorkflowEngine engine, ProcessModel process, WorkflowInstance instance, UserTaskWait task, Clock clock, Random random)
    {
        // Most first calls within hours, a tail past the 24 hours.
        var delay = TimeSpan.FromHours(task.ElementId == "Task_FirstContact" ? -Math.Log(1 - random.NextDouble()) * 6 : random.NextDouble() * 3);
        var at = clock.Now + delay;
        var roll = random.NextDouble();
        var outcome = roll < 0.30 ? new JsonObject { ["contact"] = "no-answer" }
            : roll < 0.33 ? new JsonObject { ["contact"] = "wrong-number" }
            : (random.NextDouble()) switch
            {
                < 0.35 => new JsonObject { ["contact"] = "reached", ["answer"] = "accepted", ["visitAt"] = at.Date.AddDays(1 + random.Next(4)).AddHours(10).ToString("O") },
                < 0.60 => new JsonObject { ["contact"] = "reached", ["answer"] = "declined" },
                < 0.85 => new JsonObject { ["contact"] = "reached", ["answer"] = "undecided" },
                _ => new JsonObject { ["contact"] = "reached", ["answer"] = "callback", ["callbackAt"] = (at + TimeSpan.FromDays(1)).ToString("O") },
            };
        if (outcome["visitAt"] is { } visit)
            outcome["visitAt"] = new DateTimeOffset(DateTimeOffset.Parse(visit.GetValue<string>()).DateTime, TimeSpan.FromHours(8)).ToString("O");
        return (at, () => engine.CompleteUserTaskAsync(process, instance, task.Key, outcome));
    }

    /// <summary>The showroom's answers: a booking confirmed (or refused), the customer arriving, missing the visit or cancelling it.</summary>
    private static (DateTimeOffset, Func<Task>)? Reply(WorkflowEngine engine, ProcessModel process, WorkflowInstance instance, List<MessageWait> waits, Clock clock, Random random)
    {
        MessageWait? Named(string name) => waits.FirstOrDefault(w => w.MessageName == name);
        (DateTimeOffset, Func<Task>) Deliver(MessageWait wait, DateTimeOffset at, JsonObject variables) =>
            (at, () => engine.CorrelateMessageAsync(process, instance, wait.Key, variables));
        var visitAt = instance.Variables["visitAt"]?.GetValue<string>() is { } v ? DateTimeOffset.Parse(v) : clock.Now.AddDays(1);
        if (Named("appointment-refused") is { } refused && Named("appointment-booked") is { } booked)
            return random.NextDouble() < 0.95
                ? Deliver(booked, clock.Now.AddSeconds(2), new JsonObject { ["appointment"] = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["startsAt"] = visitAt.ToString("O"), ["purpose"] = "visit" } })
                : Deliver(refused, clock.Now.AddSeconds(2), new JsonObject { ["bookingRefused"] = "slot full" });
        if (Named("customer-arrived") is { } arrived)
        {
            var roll = random.NextDouble();
            return roll < 0.70 ? Deliver(arrived, visitAt.AddMinutes(-5), new JsonObject { ["arrivedAt"] = visitAt.AddMinutes(-5).ToString("O") })
                : roll < 0.95 && Named("appointment-missed") is { } missed ? Deliver(missed, visitAt.AddMinutes(30), new JsonObject { ["missedAt"] = visitAt.AddMinutes(30).ToString("O") })
                : Named("appointment-cancelled") is { } cancelled ? Deliver(cancelled, visitAt.AddHours(-20), new JsonObject { ["cancelledAt"] = visitAt.AddHours(-20).ToString("O") })
                : null;
        }
        // A visit booked by reception while the first call is open: rare enough to leave out of a month's figures.
        return null;
    }
}
