using System.Text.Json.Nodes;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Runtime;

public class Running_tasks_and_events_Specs
{
    private readonly Harness _h = new();

    [Fact]
    public async Task Should_run_from_a_none_start_event_to_a_none_end_event()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(["start", "end"], Harness.Path(instance));
        Assert.Equal(Harness.Start, instance.EndedAt);
    }

    [Fact]
    public async Task Should_journal_every_step_of_a_run_in_order_for_the_instance_history()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            {ServiceTask("call", "record")}
            {Flow("f2", "call", "work")}
            <bpmn:userTask id="work" />
            {Flow("f3", "work", "pause")}
            <bpmn:intermediateCatchEvent id="pause">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            {Flow("f4", "pause", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);
        await _h.Engine.CompleteUserTaskAsync(process, instance, instance.UserTasks.Single().Key, new JsonObject { ["answer"] = "yes" });
        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(1));

        Assert.Equal(
            [
                "09:00 p started start",
                "09:00 start completed",
                "09:00 f1 taken",
                "09:00 call activated",
                "09:00 call completed  {\"callDone\":true}",
                "09:00 f2 taken",
                "09:00 work activated",
                "09:00 work waiting user task",
                "09:00 work completed  {\"answer\":\"yes\"}",
                "09:00 f3 taken",
                "09:00 pause activated",
                "09:00 pause timer-scheduled due 2026-03-02T10:00:00+00:00",
                "10:00 pause timer-fired due 2026-03-02T10:00:00+00:00",
                "10:00 pause completed",
                "10:00 f4 taken",
                "10:00 end activated",
                "10:00 end completed",
                "10:00 p completed",
            ],
            instance.Journal.Select(j => $"{j.At:HH:mm} {j.ElementId} {j.Outcome} {j.Detail} {j.VariablesChanged?.ToJsonString()}".TrimEnd()));
    }

    [Fact]
    public async Task Should_run_a_service_task_through_its_registered_activity()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            {ServiceTask("call", "record")}
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(["call"], _h.Executed);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.True(instance.Variables["callDone"]!.GetValue<bool>());
        var completed = instance.Journal.Single(j => j.ElementId == "call" && j.Outcome == "completed");
        Assert.True(completed.VariablesChanged!.ContainsKey("callDone"));
    }

    [Fact]
    public async Task Should_give_the_activity_its_headers_and_mapped_inputs_and_map_its_outputs()
    {
        ActivityContext? seen = null;
        _h.Activities.Register("send-sms", c =>
        {
            seen = c;
            return ActivityResult.Complete(new JsonObject { ["messageId"] = "m-1", ["cost"] = 3 });
        });
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "sms")}
            {ServiceTask("sms", "send-sms", """
                <zeebe:taskHeaders><zeebe:header key="template" value="invite" /></zeebe:taskHeaders>
                <zeebe:ioMapping>
                  <zeebe:input source="= upper case(lead.name)" target="recipient" />
                  <zeebe:output source="= messageId" target="sms.id" />
                </zeebe:ioMapping>
                """)}
            {Flow("f2", "sms", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["lead"] = new JsonObject { ["name"] = "chen" } });

        Assert.Equal("invite", seen!.Headers["template"]);
        Assert.Equal("CHEN", seen.Variables["recipient"]!.GetValue<string>());
        Assert.Equal("m-1", instance.Variables["sms"]!["id"]!.GetValue<string>());
        Assert.False(instance.Variables.ContainsKey("cost"));
        Assert.False(instance.Variables.ContainsKey("recipient"));
    }

    [Fact]
    public async Task Should_wait_for_an_external_completion_of_a_service_task()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            {ServiceTask("call", "external")}
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);
        Assert.Equal(["call"], Harness.Waiting(instance));
        var job = Assert.Single(instance.Jobs);
        Assert.Equal("external", job.TaskType);

        await _h.Engine.CompleteJobAsync(process, instance, job.Key, new JsonObject { ["answer"] = 42 });

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(42, instance.Variables["answer"]!.GetValue<int>());
        Assert.Empty(instance.Jobs);
    }

    [Fact]
    public async Task Should_open_a_user_task_with_assignee_and_due_date_and_complete_it_with_variables()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            <bpmn:userTask id="call" name="Call the customer">
              <bpmn:extensionElements>
                <zeebe:assignmentDefinition assignee="= consultantId" candidateGroups="sales, managers" />
                <zeebe:taskSchedule dueDate="= now() + duration(&quot;PT24H&quot;)" />
              </bpmn:extensionElements>
            </bpmn:userTask>
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process, new JsonObject { ["consultantId"] = "c-7" });

        var task = Assert.Single(instance.UserTasks);
        Assert.Equal("Call the customer", task.Name);
        Assert.Equal("c-7", task.Assignee);
        Assert.Equal(["sales", "managers"], task.CandidateGroups!);
        Assert.Equal(Harness.Start.AddHours(24), task.DueAt);

        await _h.Engine.CompleteUserTaskAsync(process, instance, task.Key, new JsonObject { ["outcome"] = "accepted" });

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal("accepted", instance.Variables["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_give_an_open_user_task_another_assignee_and_journal_who_had_it()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            <bpmn:userTask id="call">
              <bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultantId" /></bpmn:extensionElements>
            </bpmn:userTask>
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process, new JsonObject { ["consultantId"] = "c-7" });
        var task = Assert.Single(instance.UserTasks);
        instance.Journal.Clear();

        Assert.True(_h.Engine.AssignUserTask(instance, task.Key, "c-9"));
        Assert.False(_h.Engine.AssignUserTask(instance, task.Key, "c-9"));

        Assert.Equal("c-9", Assert.Single(instance.UserTasks).Assignee);
        var entry = Assert.Single(instance.Journal);
        Assert.Equal(("call", "assigned", "from c-7 to c-9"), (entry.ElementId, entry.Outcome, entry.Detail));
        Assert.Throws<WorkflowStateException>(() => _h.Engine.AssignUserTask(instance, task.Key + 100, "c-9"));
    }

    [Fact]
    public async Task Should_wait_in_a_receive_task_until_its_message_is_correlated()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:receiveTask id="wait" messageRef="confirmed" />
            {Flow("f2", "wait", "end")}
            <bpmn:endEvent id="end" />
            """, Message("confirmed", "AppointmentConfirmed", "= leadId"));
        var instance = await _h.StartAsync(process, new JsonObject { ["leadId"] = "L-1" });

        Assert.Null(WorkflowEngine.FindSubscription(instance, "AppointmentConfirmed", "L-2"));
        var subscription = WorkflowEngine.FindSubscription(instance, "AppointmentConfirmed", "L-1")!;
        await _h.Engine.CorrelateMessageAsync(process, instance, subscription.Key, new JsonObject { ["confirmedAt"] = "today" });

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal("today", instance.Variables["confirmedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_wait_at_a_timer_catch_event_and_never_fire_early()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:intermediateCatchEvent id="wait">{Timer("timeDuration", "PT2H")}</bpmn:intermediateCatchEvent>
            {Flow("f2", "wait", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);
        var timer = Assert.Single(instance.Timers);
        Assert.Equal(Harness.Start.AddHours(2), timer.DueAt);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(2) - TimeSpan.FromMilliseconds(1));
        Assert.False(await _h.Engine.FireTimerAsync(process, instance, timer.Key));
        Assert.Equal(InstanceStatus.Active, instance.Status);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromMilliseconds(1));
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.False(await _h.Engine.FireTimerAsync(process, instance, timer.Key));
    }

    [Fact]
    public async Task Should_take_a_timer_date_from_feel()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "dayBefore")}
            <bpmn:intermediateCatchEvent id="dayBefore">{Timer("timeDate", "= appointment.startsAt - duration(\"P1D\")")}</bpmn:intermediateCatchEvent>
            {Flow("f2", "dayBefore", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["appointment"] = new JsonObject { ["startsAt"] = "2026-03-05T10:00:00+08:00" } });

        Assert.Equal(new DateTimeOffset(2026, 3, 4, 10, 0, 0, TimeSpan.FromHours(8)), Assert.Single(instance.Timers).DueAt);
    }

    [Fact]
    public async Task Should_wait_at_a_message_catch_event_keyed_by_feel()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "reply")}
            <bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            {Flow("f2", "reply", "end")}
            <bpmn:endEvent id="end" />
            """, Message("m", "CustomerReplied", "= lead.id"));
        var instance = await _h.StartAsync(process, new JsonObject { ["lead"] = new JsonObject { ["id"] = 17 } });

        var subscription = Assert.Single(instance.Messages);
        Assert.Equal(("CustomerReplied", "17"), (subscription.MessageName, subscription.CorrelationKey));
        await _h.Engine.CorrelateMessageAsync(process, instance, subscription.Key);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_run_an_embedded_sub_process_and_continue_after_it()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="subStart" />
              {Flow("s1", "subStart", "inner")}
              {ServiceTask("inner", "external")}
              {Flow("s2", "inner", "subEnd")}
              <bpmn:endEvent id="subEnd" />
            </bpmn:subProcess>
            {Flow("f2", "sub", "after")}
            {ServiceTask("after", "record")}
            {Flow("f3", "after", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);
        Assert.Equal(["inner", "sub"], Harness.Waiting(instance));
        var sub = instance.Elements.Single(e => e.ElementId == "sub");
        Assert.Equal(sub.Key, instance.Elements.Single(e => e.ElementId == "inner").ScopeKey);

        await _h.Engine.CompleteJobAsync(process, instance, instance.Jobs.Single().Key);

        Assert.Equal(["start", "subStart", "inner", "subEnd", "sub", "after", "end"], Harness.Path(instance));
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_end_everything_at_a_terminate_end_event()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("f2", "fork", "slow")}
            {Flow("f3", "fork", "stop")}
            {ServiceTask("slow", "external")}
            {Flow("f4", "slow", "end")}
            <bpmn:endEvent id="end" />
            <bpmn:endEvent id="stop"><bpmn:terminateEventDefinition /></bpmn:endEvent>
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Empty(instance.Elements);
        Assert.Empty(instance.Jobs);
        Assert.Contains(instance.Journal, j => j.ElementId == "slow" && j.Outcome == "terminated");
    }

    [Fact]
    public async Task Should_terminate_only_the_sub_process_at_a_terminate_end_event_inside_it()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="subStart" />
              {Flow("s1", "subStart", "fork")}
              <bpmn:parallelGateway id="fork" />
              {Flow("s2", "fork", "slow")}
              {Flow("s3", "fork", "stop")}
              {ServiceTask("slow", "external")}
              {Flow("s4", "slow", "subEnd")}
              <bpmn:endEvent id="subEnd" />
              <bpmn:endEvent id="stop"><bpmn:terminateEventDefinition /></bpmn:endEvent>
            </bpmn:subProcess>
            {Flow("f2", "sub", "after")}
            {ServiceTask("after", "external")}
            {Flow("f3", "after", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(["after"], Harness.Waiting(instance));
        Assert.Equal("after", Assert.Single(instance.Jobs).ElementId);
    }

    [Fact]
    public async Task Should_start_from_a_message_start_event_with_the_message_variables()
    {
        var process = Process($"""
            <bpmn:startEvent id="byMessage"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
            {Flow("f1", "byMessage", "end")}
            <bpmn:endEvent id="end" />
            """, """<bpmn:message id="m" name="LeadAssigned" />""");

        var start = StartEvents.ForMessage(process, "LeadAssigned")!;
        var instance = await _h.Engine.StartAsync(process, new JsonObject { ["leadId"] = "L-9" }, start.Id);

        Assert.Equal("L-9", instance.Variables["leadId"]!.GetValue<string>());
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_start_at_the_none_start_event_unless_told_otherwise_and_only_at_a_start_event_of_the_process()
    {
        var process = Process($"""
            <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m2" /></bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="pause">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            <bpmn:startEvent id="byMessage"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:startEvent>
            <bpmn:startEvent id="byReassignment"><bpmn:messageEventDefinition messageRef="m2" /></bpmn:startEvent>
            <bpmn:startEvent id="plain" />
            {Flow("f1", "byMessage", "end")}
            {Flow("f2", "byReassignment", "end")}
            {Flow("f3", "plain", "end")}
            {Flow("f4", "wait", "pause")}
            {Flow("f5", "pause", "end")}
            <bpmn:endEvent id="end" />
            """, """<bpmn:message id="m1" name="LeadAssigned" /><bpmn:message id="m2" name="LeadReassigned" />""");
        var id = Guid.NewGuid();

        var instance = await _h.Engine.StartAsync(process, instanceId: id);
        var notAStart = await Assert.ThrowsAsync<InvalidOperationException>(() => _h.Engine.StartAsync(process, startEventId: "end"));

        Assert.Equal(id, instance.Id);
        Assert.Equal(("p", "started", "plain"), (instance.Journal[0].ElementId, instance.Journal[0].Outcome, instance.Journal[0].Detail));
        Assert.Equal("Process 'p' has no start event 'end'.", notAStart.Message);
        Assert.Equal("byReassignment", StartEvents.ForMessage(process, "LeadReassigned")!.Id);
        Assert.Null(StartEvents.ForMessage(process, "LeadClosed"));
        Assert.Empty(StartEvents.Timers(process));
    }

    [Fact]
    public async Task Should_start_a_process_without_a_none_start_event_at_its_first_start_event()
    {
        var process = Process($"""
            <bpmn:startEvent id="tick">{Timer("timeCycle", "R3/2030-01-01T00:00:00Z/P1D")}</bpmn:startEvent>
            {Flow("f1", "tick", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.Engine.StartAsync(process);

        Assert.Equal("tick", instance.Journal[0].Detail);
        // A cycle with a start date runs from it, not from when the version was published.
        var tick = process.Element("tick");
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), StartEvents.NextDue(tick, Harness.Start, 0, _h.Clock));
        Assert.Equal(new DateTimeOffset(2030, 1, 3, 0, 0, 0, TimeSpan.Zero), StartEvents.NextDue(tick, Harness.Start, 2, _h.Clock));
        Assert.Null(StartEvents.NextDue(tick, Harness.Start, 3, _h.Clock));
    }

    [Fact]
    public void Should_schedule_timer_start_events_by_date_and_by_cycle()
    {
        var process = Process($"""
            <bpmn:startEvent id="daily">{Timer("timeCycle", "R2/P1D")}</bpmn:startEvent>
            {Flow("f1", "daily", "end")}
            <bpmn:startEvent id="once">{Timer("timeDate", "2026-04-01T08:00:00Z")}</bpmn:startEvent>
            {Flow("f2", "once", "end")}
            <bpmn:endEvent id="end" />
            """);
        var daily = process.Element("daily");
        var once = process.Element("once");

        Assert.Equal(["daily", "once"], StartEvents.Timers(process).Select(s => s.Id));
        Assert.Equal(Harness.Start.AddDays(1), StartEvents.NextDue(daily, Harness.Start, 0, _h.Clock));
        Assert.Equal(Harness.Start.AddDays(2), StartEvents.NextDue(daily, Harness.Start, 1, _h.Clock));
        Assert.Null(StartEvents.NextDue(daily, Harness.Start, 2, _h.Clock));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero), StartEvents.NextDue(once, Harness.Start, 0, _h.Clock));
        Assert.Null(StartEvents.NextDue(once, Harness.Start, 1, _h.Clock));
    }

    [Fact]
    public async Task Should_start_at_a_chosen_timer_start_event()
    {
        var process = Process($"""
            <bpmn:startEvent id="tick">{Timer("timeCycle", "R/PT1H")}</bpmn:startEvent>
            {Flow("f1", "tick", "work")}
            {ServiceTask("work", "record")}
            {Flow("f2", "work", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.Engine.StartAsync(process, startEventId: "tick");

        Assert.Equal(["tick", "work", "end"], Harness.Path(instance));
    }

    [Fact]
    public async Task Should_cancel_an_instance_and_withdraw_what_it_waits_for()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:intermediateCatchEvent id="wait">{Timer("timeDuration", "P1D")}</bpmn:intermediateCatchEvent>
            {Flow("f2", "wait", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);

        await _h.Engine.CancelAsync(process, instance, "lead merged");

        Assert.Equal(InstanceStatus.Cancelled, instance.Status);
        Assert.Empty(instance.Timers);
        Assert.Empty(instance.Elements);
        await Assert.ThrowsAsync<WorkflowStateException>(() => _h.Engine.CancelAsync(process, instance));
    }

    [Fact]
    public async Task Should_survive_a_round_trip_through_json_between_steps()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:intermediateCatchEvent id="wait">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            {Flow("f2", "wait", "call")}
            {ServiceTask("call", "record")}
            {Flow("f3", "call", "end")}
            <bpmn:endEvent id="end" />
            """);
        var stored = (await _h.StartAsync(process, new JsonObject { ["n"] = 1 })).ToJson();

        var loaded = WorkflowInstance.FromJson(stored);
        await _h.AdvanceAsync(process, loaded, TimeSpan.FromHours(1));

        Assert.Equal(InstanceStatus.Completed, loaded.Status);
        Assert.Equal(1, loaded.Variables["n"]!.GetValue<int>());
    }
}
