using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using Dealership.Workflows.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Workflows;

/// <summary>Timers survive restarts, never fire early, fire late but surely, and take effect once with two replicas.</summary>
public class Durable_timers_Specs
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static string[] Settings => [.. WorkflowApi.Settings, "--Workflow:Engine:TimerPollInterval=00:00:00.050"];

    private static Task<TestApp> StartAppAsync(FakeTimeProvider clock, string? dataDirectory = null) =>
        TestApp.StartAsync(dataDirectory, b => b.Services.AddSingleton<TimeProvider>(clock), Settings);

    /// <summary>Stops the host but keeps its database, as a crash or a deployment would.</summary>
    private static async Task StopKeepingDataAsync(TestApp app)
    {
        app.Client.Dispose();
        await app.App.StopAsync();
        await app.App.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private static async Task<List<Guid>> StartTimerInstancesAsync(TestApp app, int count, Func<int, TimeSpan> delay)
    {
        using var ops = app.Operations();
        await ops.PublishDiagramAsync("waiting", WorkflowApi.TimerFlow("waiting"));
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            using var scope = app.Services.CreateScope();
            var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            var record = await runtime.StartAsync("waiting", null, new JsonObject { ["delay"] = System.Xml.XmlConvert.ToString(delay(i)) }, businessKey: i.ToString());
            ids.Add(record.Id);
        }
        return ids;
    }

    /// <summary>Waits until the app's timer poller has run a pass that began now: whatever it would fire by now, it has.</summary>
    private static Task PolledAsync(TestApp app) => app.Services.GetRequiredService<WorkflowTimerPoller>().WaitForNextPassAsync();

    private static async Task<List<WorkflowJournalEntry>> FiredAsync(TestApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().WorkflowJournal.AsNoTracking()
            .Where(j => j.Outcome == "timer-fired").ToListAsync();
    }

    [Fact]
    public async Task Should_fire_each_overdue_timer_exactly_once_and_none_early_after_a_restart_with_1000_pending()
    {
        var clock = new FakeTimeProvider(T0);
        var data = TestApp.NewDataDirectory();
        var first = await StartAppAsync(clock, data);
        // Timer i is due i+1 minutes after T0.
        var ids = await StartTimerInstancesAsync(first, 1000, i => TimeSpan.FromMinutes(i + 1));
        await StopKeepingDataAsync(first);

        // The service was down for 400.5 minutes: 400 timers are overdue, 600 are not due yet.
        clock.Advance(TimeSpan.FromMinutes(400.5));
        await using var second = await StartAppAsync(clock, data);

        await Eventually.Get(() => FiredAsync(second), fired => fired.Count >= 400, TimeSpan.FromSeconds(90), "every overdue timer fires after the restart");
        // A timer fired twice would be fired by a later pass: one that began after every overdue timer had fired.
        await PolledAsync(second);
        var firedOnce = await FiredAsync(second);
        Assert.Equal(400, firedOnce.Count);
        Assert.Equal(ids.Take(400).Order(), firedOnce.Select(f => f.InstanceId).Order());

        using var scope = second.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
        var instances = await db.WorkflowInstances.AsNoTracking().ToListAsync();
        Assert.Equal(400, instances.Count(i => i.Status == InstanceStatus.Completed));
        Assert.All(instances.Where(i => i.Status == InstanceStatus.Active), i => Assert.True(int.Parse(i.BusinessKey!) >= 400));
        var timers = await db.WorkflowTimers.AsNoTracking().ToListAsync();
        Assert.Equal(600, timers.Count);
        Assert.All(timers, t => Assert.True(t.DueAt > clock.GetUtcNow()));

        // The next one fires when its time comes, not before.
        clock.Advance(TimeSpan.FromSeconds(29));
        await PolledAsync(second);
        Assert.Equal(400, (await FiredAsync(second)).Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.Get(() => FiredAsync(second), fired => fired.Count == 401);
    }

    [Fact]
    public async Task Should_not_fire_a_timer_a_moment_before_it_is_due_and_fire_it_once_after()
    {
        var clock = new FakeTimeProvider(T0);
        // The background poller is left idle after its first poll so that each poll below is one the spec ran and saw finish.
        await using var app = await TestApp.StartAsync(null, b => b.Services.AddSingleton<TimeProvider>(clock),
            [.. WorkflowApi.Settings, "--Workflow:Engine:TimerPollInterval=01:00:00"]);
        var ids = await StartTimerInstancesAsync(app, 2, i => TimeSpan.FromMinutes(i + 1));
        var (earlier, later) = (ids[0], ids[1]);
        var poller = app.Services.GetRequiredService<WorkflowTimerPoller>();

        clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1));
        await poller.RunPassAsync();

        // The earlier timer firing proves this poll read the timers with the clock a millisecond short of the later one.
        Assert.Equal([earlier], (await FiredAsync(app)).Select(f => f.InstanceId));
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
            Assert.Equal(InstanceStatus.Active, (await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == later)).Status);
        }

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await poller.RunPassAsync();
        await poller.RunPassAsync();

        var fired = await FiredAsync(app);
        Assert.Equal(1, fired.Count(f => f.InstanceId == later));
        Assert.Equal(2, fired.Count);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
            Assert.Equal(InstanceStatus.Completed, (await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == later)).Status);
        }
    }

    [Fact]
    public async Task Should_fire_a_timer_when_it_falls_due_rather_than_at_the_next_regular_poll()
    {
        // The real clock, and regular polls an hour apart: only the poller waking for the timer itself can fire it.
        await using var app = await TestApp.StartAsync(null, null, [.. WorkflowApi.Settings, "--Workflow:Engine:TimerPollInterval=01:00:00"]);
        var scheduledAt = DateTimeOffset.UtcNow;
        var ids = await StartTimerInstancesAsync(app, 1, _ => TimeSpan.FromSeconds(2));

        var fired = await Eventually.Get(() => FiredAsync(app), f => f.Count == 1, TimeSpan.FromSeconds(30), "the timer fires when it falls due");
        Assert.Equal(ids, fired.Select(f => f.InstanceId));
        Assert.True(fired[0].At >= scheduledAt.AddSeconds(2), $"fired at {fired[0].At:O}, before it fell due");
    }

    [Fact]
    public async Task Should_fire_the_other_overdue_timers_when_one_of_them_cannot_be_fired()
    {
        var clock = new FakeTimeProvider(T0);
        await using var app = await StartAppAsync(clock);
        var ids = await StartTimerInstancesAsync(app, 12, _ => TimeSpan.FromMinutes(1));
        var broken = ids[5];
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().WorkflowInstances.Where(i => i.Id == broken)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.StateJson, "{ unreadable"));
        }

        clock.Advance(TimeSpan.FromMinutes(1));

        await Eventually.Get(() => FiredAsync(app), f => f.Count >= 11, TimeSpan.FromSeconds(30), "the readable instances' timers fire");
        using var check = app.Services.CreateScope();
        var db = check.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
        var kept = await Eventually.Get(() => db.WorkflowTimers.AsNoTracking().ToListAsync(), t => t.Count == 1 && t[0].Attempts > 0);
        Assert.Equal(broken, kept[0].InstanceId);
        Assert.NotNull(kept[0].LastError);
        await PolledAsync(app);
        var fired = await FiredAsync(app);
        Assert.Equal(ids.Where(id => id != broken).Order(), fired.Select(f => f.InstanceId).Order());
    }

    [Fact]
    public async Task Should_fire_each_timer_once_with_two_replicas_on_one_database()
    {
        var clock = new FakeTimeProvider(T0);
        var data = TestApp.NewDataDirectory();
        await using var one = await StartAppAsync(clock, data);
        var ids = await StartTimerInstancesAsync(one, 200, i => TimeSpan.FromMinutes(1 + i % 10));
        await using var two = await StartAppAsync(clock, data);

        clock.Advance(TimeSpan.FromMinutes(10));

        await Eventually.Get(() => FiredAsync(one), f => f.Count >= 200, TimeSpan.FromSeconds(90));
        await Task.WhenAll(PolledAsync(one), PolledAsync(two));
        var fired = await FiredAsync(one);
        Assert.Equal(200, fired.Count);
        Assert.Equal(ids.Order(), fired.Select(f => f.InstanceId).Order());
    }

    [Fact]
    public async Task Should_let_only_one_of_two_replicas_that_fire_the_same_timer_at_once_take_effect()
    {
        var clock = new FakeTimeProvider(T0);
        var data = TestApp.NewDataDirectory();
        await using var one = await StartAppAsync(clock, data);
        // Due far ahead so the pollers leave them alone; both replicas then fire every row by hand, at once.
        var ids = await StartTimerInstancesAsync(one, 30, _ => TimeSpan.FromDays(1));
        await using var two = await StartAppAsync(clock, data);
        List<WorkflowTimer> rows;
        using (var scope = one.Services.CreateScope())
            rows = await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().WorkflowTimers.AsNoTracking().ToListAsync();
        clock.Advance(TimeSpan.FromDays(1));

        async Task FireAllAsync(TestApp app)
        {
            foreach (var row in rows)
            {
                using var scope = app.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().FireTimerAsync(row, CancellationToken.None);
            }
        }
        await Task.WhenAll(FireAllAsync(one), FireAllAsync(two));

        var fired = await FiredAsync(one);
        Assert.Equal(ids.Order(), fired.Select(f => f.InstanceId).Order());
    }

    [Fact]
    public async Task Should_let_a_message_sent_to_two_replicas_at_once_take_effect_once()
    {
        var clock = new FakeTimeProvider(T0);
        var data = TestApp.NewDataDirectory();
        await using var one = await StartAppAsync(clock, data);
        using var ops = one.Operations();
        await ops.PublishDiagramAsync("reply", WorkflowApi.Diagram("reply", """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="replied" />
            <bpmn:intermediateCatchEvent id="replied"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="replied" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, """<bpmn:message id="m" name="CustomerReplied"><bpmn:extensionElements><zeebe:subscription correlationKey="= leadId" /></bpmn:extensionElements></bpmn:message>"""));
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
            ids.Add((await ops.StartInstanceAsync("reply", new { leadId = $"L-{i}" })).Id());
        await using var two = await StartAppAsync(clock, data);

        async Task<int> SendAllAsync(TestApp app)
        {
            var took = 0;
            for (var i = 0; i < 20; i++)
            {
                using var scope = app.Services.CreateScope();
                // Two different messages for the same wait, at the same moment, on two replicas: no buffering, so only one can win.
                took += (await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>()
                    .PublishMessageAsync("CustomerReplied", $"L-{i}", null, TimeSpan.Zero, Guid.NewGuid())).Correlated;
            }
            return took;
        }
        var results = await Task.WhenAll(SendAllAsync(one), SendAllAsync(two));

        Assert.Equal(20, results.Sum());
        using var check = one.Services.CreateScope();
        var correlated = await check.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().WorkflowJournal.AsNoTracking()
            .Where(j => j.Outcome == "message-correlated").Select(j => j.InstanceId).ToListAsync();
        Assert.Equal(ids.Order(), correlated.Order());
    }

    [Fact]
    public async Task Should_start_instances_from_a_timer_start_event_on_its_cycle_and_stop_when_it_is_replaced()
    {
        var clock = new FakeTimeProvider(T0);
        await using var app = await StartAppAsync(clock);
        using var ops = app.Operations();
        string Hourly(string name) => WorkflowApi.Diagram("hourly", """
            <bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="tick" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, name: name);
        await ops.PublishDiagramAsync("hourly", Hourly("v1"));

        async Task<List<int>> StartedVersionsAsync()
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().WorkflowInstances.AsNoTracking()
                .Where(i => i.ProcessKey == "hourly").Select(i => i.Version).ToListAsync();
        }

        clock.Advance(TimeSpan.FromMinutes(59));
        await PolledAsync(app);
        Assert.Empty(await StartedVersionsAsync());
        clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.Get(StartedVersionsAsync, v => v.Count == 1);
        clock.Advance(TimeSpan.FromHours(1));
        await Eventually.Get(StartedVersionsAsync, v => v.Count == 2);

        // A new version replaces the old one's schedule: its cycle counts from its own publication.
        await ops.PublishDiagramAsync("hourly", Hourly("v2"));
        clock.Advance(TimeSpan.FromMinutes(30));
        await PolledAsync(app);
        Assert.Equal(2, (await StartedVersionsAsync()).Count);
        clock.Advance(TimeSpan.FromMinutes(30));
        var started = await Eventually.Get(StartedVersionsAsync, v => v.Count == 3);
        Assert.Equal([1, 1, 2], started.Order());
    }
}
