using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Runtime;

/// <summary>
/// Messages, timers and jobs an instance waits for, how the host finds and fires them, and the journal entries
/// (the instance's history as operations staff read it) each one leaves.
/// </summary>
public class Waits_and_their_journal_Specs
{
    private readonly Harness _h = new();

    private static IEnumerable<string> Lines(WorkflowInstance instance, int skip = 0) =>
        instance.Journal.Skip(skip).Select(j => $"{j.At:HH:mm} {j.ElementId} {j.Outcome} {j.Detail} {j.VariablesChanged?.ToJsonString()}".TrimEnd());

    [Fact]
    public async Task Should_journal_a_race_at_an_event_based_gateway_won_by_a_message()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "race")}
            <bpmn:eventBasedGateway id="race" />
            {Flow("f2", "race", "pause")}
            {Flow("f3", "race", "reply")}
            <bpmn:intermediateCatchEvent id="pause">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            {Flow("f4", "pause", "end")}
            {Flow("f5", "reply", "end")}
            <bpmn:endEvent id="end" />
            """, Message("m", "reply", "= leadId"));
        var instance = await _h.StartAsync(process, new JsonObject { ["leadId"] = "L-1" });
        var before = instance.Journal.Count;
        var subscription = instance.Messages.Single().Key;

        Assert.False(await _h.Engine.CorrelateMessageAsync(process, instance, subscription + 100));
        Assert.Equal(before, instance.Journal.Count);
        Assert.True(await _h.Engine.CorrelateMessageAsync(process, instance, subscription, new JsonObject { ["answer"] = "yes" }));

        Assert.Equal(
            [
                "09:00 p started start",
                "09:00 start completed  {\"leadId\":\"L-1\"}",
                "09:00 f1 taken",
                "09:00 race activated",
                "09:00 pause timer-scheduled due 2026-03-02T10:00:00+00:00",
                "09:00 reply message-awaited reply / L-1",
                "09:00 reply message-correlated reply / L-1",
                "09:00 race completed reply came first; the other events are withdrawn",
                "09:00 reply activated",
                "09:00 reply completed  {\"answer\":\"yes\"}",
                "09:00 f5 taken",
                "09:00 end activated",
                "09:00 end completed",
                "09:00 p completed",
            ],
            Lines(instance));
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Empty(instance.Elements);
        Assert.Empty(instance.Timers);
    }

    [Fact]
    public async Task Should_journal_a_jobs_wait_its_boundary_cycle_its_failure_its_retry_and_its_cancellation()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "sms")}
            {ServiceTask("sms", "external")}
            <bpmn:boundaryEvent id="nudge" attachedToRef="sms" cancelActivity="false">{Timer("timeCycle", "R2/PT1H")}</bpmn:boundaryEvent>
            {Flow("f2", "nudge", "nudged")}
            <bpmn:endEvent id="nudged" />
            {Flow("f3", "sms", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);
        var started = instance.Journal.Count;

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(1));
        await _h.Engine.FailJobAsync(process, instance, instance.Jobs.Single().Key, "booking system down");
        await _h.Engine.SetVariablesAsync(process, instance, new JsonObject { ["fixed"] = true });
        await _h.Engine.RetryIncidentAsync(process, instance, instance.Incidents.Single().Key);
        await _h.Engine.CancelAsync(process, instance, "lead merged");

        Assert.Equal(
            [
                "09:00 sms activated",
                "09:00 nudge timer-scheduled due 2026-03-02T10:00:00+00:00",
                "09:00 sms waiting job external",
            ],
            Lines(instance).Skip(3).Take(3));
        Assert.Equal(
            [
                "10:00 nudge timer-fired due 2026-03-02T10:00:00+00:00",
                "10:00 nudge timer-scheduled due 2026-03-02T11:00:00+00:00",
                "10:00 nudge activated",
                "10:00 nudge completed",
                "10:00 f2 taken",
                "10:00 nudged activated",
                "10:00 nudged completed",
                "10:00 sms incident activity-failed: booking system down",
                "10:00 p variables-set  {\"fixed\":true}",
                "10:00 sms incident-retried booking system down",
                "10:00 sms activated",
                "10:00 nudge timer-scheduled due 2026-03-02T11:00:00+00:00",
                "10:00 sms waiting job external",
                "10:00 sms terminated",
                "10:00 p cancelled lead merged",
            ],
            Lines(instance, started));
    }

    [Fact]
    public async Task Should_give_a_message_to_the_subscription_that_was_opened_first()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("fa", "fork", "first")}
            {Flow("fb", "fork", "second")}
            <bpmn:intermediateCatchEvent id="first"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="second"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            {Flow("fc", "first", "end1")}
            {Flow("fd", "second", "end2")}
            <bpmn:endEvent id="end1" />
            <bpmn:endEvent id="end2" />
            """, Message("m", "reply", "= leadId"));
        var instance = await _h.StartAsync(process, new JsonObject { ["leadId"] = "L-1" });

        Assert.Equal("first", WorkflowEngine.FindSubscription(instance, "reply", "L-1")!.ElementId);
        await _h.Engine.CorrelateMessageAsync(process, instance, WorkflowEngine.FindSubscription(instance, "reply", "L-1")!.Key);
        Assert.Equal("second", WorkflowEngine.FindSubscription(instance, "reply", "L-1")!.ElementId);
        Assert.Null(WorkflowEngine.FindSubscription(instance, "reply", "L-2"));
    }

    [Fact]
    public async Task Should_say_whether_a_timer_fired_and_fire_every_due_timer_in_one_pass()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("fa", "fork", "a")}
            {Flow("fb", "fork", "b")}
            <bpmn:intermediateCatchEvent id="a">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="b">{Timer("timeDuration", "PT2H")}</bpmn:intermediateCatchEvent>
            {Flow("fc", "a", "end1")}
            {Flow("fd", "b", "end2")}
            <bpmn:endEvent id="end1" />
            <bpmn:endEvent id="end2" />
            """);
        var instance = await _h.StartAsync(process);
        var a = instance.Timers.Single(t => t.ElementId == "a");

        Assert.False(await _h.Engine.FireTimerAsync(process, instance, a.Key));
        _h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await _h.Engine.FireTimerAsync(process, instance, a.Key));
        Assert.False(await _h.Engine.FireTimerAsync(process, instance, a.Key));
        _h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await _h.Engine.FireDueTimersAsync(process, instance));
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_fire_both_of_two_timers_that_came_due_together()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("fa", "fork", "a")}
            {Flow("fb", "fork", "b")}
            <bpmn:intermediateCatchEvent id="a">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="b">{Timer("timeDuration", "PT2H")}</bpmn:intermediateCatchEvent>
            {Flow("fc", "a", "end1")}
            {Flow("fd", "b", "end2")}
            <bpmn:endEvent id="end1" />
            <bpmn:endEvent id="end2" />
            """);
        var instance = await _h.StartAsync(process);
        _h.Clock.Advance(TimeSpan.FromHours(3));

        Assert.Equal(2, await _h.Engine.FireDueTimersAsync(process, instance));
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_fire_nothing_on_an_instance_that_is_no_longer_active()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:intermediateCatchEvent id="wait">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            {Flow("f2", "wait", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);
        // As a host may hold it: ended by hand (a lead closed) in a copy saved with its last timer.
        instance.Status = InstanceStatus.Cancelled;
        _h.Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(0, await _h.Engine.FireDueTimersAsync(process, instance));
    }

    [Fact]
    public async Task Should_keep_a_cycles_rhythm_from_now_when_it_fires_exactly_one_interval_late()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            <bpmn:userTask id="call" />
            <bpmn:boundaryEvent id="nudge" attachedToRef="call" cancelActivity="false">{Timer("timeCycle", "R/PT1H")}</bpmn:boundaryEvent>
            {Flow("f2", "nudge", "nudged")}
            <bpmn:endEvent id="nudged" />
            {Flow("f3", "call", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(2));

        Assert.Single(instance.Journal, j => j.Outcome == "timer-fired");
        Assert.Equal(Harness.Start.AddHours(3), instance.Timers.Single().DueAt);
    }

    [Theory]
    [InlineData(-24, 1)]  // a start in the past: the first fire is one interval from now
    [InlineData(0, 1)]    // a start right now: the same, never a fire at once
    [InlineData(24, 24)]  // a start ahead: the first fire is the start
    public async Task Should_first_fire_a_boundary_cycle_at_its_start_when_that_is_ahead(int startInHours, int firstFireInHours)
    {
        var start = FeelValuesText(Harness.Start.AddHours(startInHours));
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            <bpmn:userTask id="call" />
            <bpmn:boundaryEvent id="nudge" attachedToRef="call" cancelActivity="false">{Timer("timeCycle", $"R3/{start}/PT1H")}</bpmn:boundaryEvent>
            {Flow("f2", "nudge", "nudged")}
            <bpmn:endEvent id="nudged" />
            {Flow("f3", "call", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(Harness.Start.AddHours(firstFireInHours), instance.Timers.Single().DueAt);
    }

    private static string FeelValuesText(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Should_show_a_user_task_the_inputs_mapped_for_it_and_nothing_when_there_are_none()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("fa", "fork", "call")}
            {Flow("fb", "fork", "plain")}
            <bpmn:userTask id="call"><bpmn:extensionElements>
              <zeebe:assignmentDefinition candidateGroups="= [&quot;sales&quot;, &quot;bdc&quot;]" />
              <zeebe:ioMapping><zeebe:input source="= lead.name" target="customer" /></zeebe:ioMapping>
            </bpmn:extensionElements></bpmn:userTask>
            <bpmn:userTask id="plain" />
            {Flow("fc", "call", "end1")}
            {Flow("fd", "plain", "end2")}
            <bpmn:endEvent id="end1" />
            <bpmn:endEvent id="end2" />
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["lead"] = new JsonObject { ["name"] = "Chen" } });

        var call = instance.UserTasks.Single(t => t.ElementId == "call");
        Assert.Equal("{\"customer\":\"Chen\"}", call.Inputs!.ToJsonString());
        Assert.Equal(["sales", "bdc"], call.CandidateGroups);
        Assert.Null(instance.UserTasks.Single(t => t.ElementId == "plain").Inputs);
    }

    [Fact]
    public async Task Should_refuse_to_start_a_process_that_has_no_start_event_saying_so()
    {
        var process = Process("""<bpmn:endEvent id="end" />""");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _h.StartAsync(process));

        Assert.Equal("Process 'p' has no start event.", refused.Message);
    }

    [Fact]
    public async Task Should_count_every_step_it_executes()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "end")}
            <bpmn:endEvent id="end" />
            """);

        await _h.StartAsync(process);

        // Complete the start, take f1, activate and complete the end.
        Assert.Equal(4, _h.Engine.Steps);
    }

    [Fact]
    public async Task Should_build_an_activity_registered_by_factory_from_the_hosts_services()
    {
        IServiceProvider? given = null;
        var services = new NoServices();
        var activities = new ActivityRegistry().Register("scoped", (IServiceProvider? sp) =>
        {
            given = sp;
            return new Completing();
        });
        var engine = new WorkflowEngine(activities, _h.Clock, services);
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "work")}
            {ServiceTask("work", "scoped", """<zeebe:taskHeaders><zeebe:header key="template" /></zeebe:taskHeaders>""")}
            {Flow("f2", "work", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await engine.StartAsync(process);

        Assert.Same(services, given);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        // A header written without a value reads as empty, not as missing.
        Assert.Equal("", ((TaskElement)process.Element("work")).Headers["template"]);
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class Completing : IWorkflowActivity
    {
        public Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => Task.FromResult(ActivityResult.Complete());
    }

    [Fact]
    public async Task Should_map_null_from_a_mapping_that_names_no_source()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            <bpmn:userTask id="call"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input target="script" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:userTask>
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output target="outcome" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:endEvent>
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["outcome"] = "accepted", ["script"] = "hello" });
        Assert.Equal("{\"script\":null}", instance.UserTasks.Single().Inputs!.ToJsonString());
        await _h.Engine.CompleteUserTaskAsync(process, instance, instance.UserTasks.Single().Key);

        Assert.True(instance.Variables.ContainsKey("outcome"));
        Assert.Null(instance.Variables["outcome"]);
    }

    [Fact]
    public void Should_start_by_message_and_by_timer_only_at_start_events()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "reply")}
            <bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            {Flow("f2", "reply", "pause")}
            <bpmn:intermediateCatchEvent id="pause">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            {Flow("f3", "pause", "answer")}
            <bpmn:receiveTask id="answer" messageRef="m" />
            <bpmn:boundaryEvent id="late" attachedToRef="answer">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>
            {Flow("f4", "late", "end")}
            {Flow("f5", "answer", "end")}
            <bpmn:endEvent id="end" />
            """, Message("m", "reply", "= leadId"));

        Assert.Null(StartEvents.ForMessage(process, "reply"));
        Assert.Empty(StartEvents.Timers(process));
    }

    [Theory]
    [InlineData("2026-04-01T08:00:00Z")]
    [InlineData("= date and time(\"2026-04-01T08:00:00Z\")")]
    public void Should_schedule_a_timer_start_by_a_date_written_as_text_or_as_feel(string date)
    {
        var process = Process($"""
            <bpmn:startEvent id="once">{Timer("timeDate", date)}</bpmn:startEvent>
            {Flow("f1", "once", "end")}
            <bpmn:endEvent id="end" />
            """);

        Assert.Equal(new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero), StartEvents.NextDue(process.Element("once"), Harness.Start, 0, _h.Clock));
    }
}
