using System.Text.Json.Nodes;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Runtime;

public class Boundary_events_Specs
{
    private readonly Harness _h = new();

    private static string TaskWithBoundary(string boundary, string task = """<bpmn:userTask id="call" />""") => $"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "call")}
        {task}
        {Flow("f2", "call", "done")}
        <bpmn:endEvent id="done" />
        {boundary}
        {Flow("f3", "escalate", "escalation")}
        {ServiceTask("escalation", "record")}
        {Flow("f4", "escalation", "escalated")}
        <bpmn:endEvent id="escalated" />
        """;

    [Fact]
    public async Task Should_cancel_the_task_when_an_interrupting_boundary_timer_fires()
    {
        var process = Process(TaskWithBoundary($"""
            <bpmn:boundaryEvent id="escalate" attachedToRef="call">{Timer("timeDuration", "PT24H")}</bpmn:boundaryEvent>
            """));
        var instance = await _h.StartAsync(process);
        Assert.Single(instance.UserTasks);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(24));

        Assert.Equal(["escalation"], _h.Executed);
        Assert.Empty(instance.UserTasks);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Contains(instance.Journal, j => j.ElementId == "call" && j.Outcome == "interrupted" && j.Detail == "escalate");
    }

    [Fact]
    public async Task Should_withdraw_the_boundary_timer_when_the_task_completes_first()
    {
        var process = Process(TaskWithBoundary($"""
            <bpmn:boundaryEvent id="escalate" attachedToRef="call">{Timer("timeDuration", "PT24H")}</bpmn:boundaryEvent>
            """));
        var instance = await _h.StartAsync(process);

        await _h.Engine.CompleteUserTaskAsync(process, instance, instance.UserTasks.Single().Key);

        Assert.Empty(instance.Timers);
        Assert.Empty(_h.Executed);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_keep_the_task_and_spawn_a_token_when_a_non_interrupting_timer_fires_on_its_cycle()
    {
        var process = Process(TaskWithBoundary($"""
            <bpmn:boundaryEvent id="escalate" attachedToRef="call" cancelActivity="false">{Timer("timeCycle", "R2/PT1H")}</bpmn:boundaryEvent>
            """));
        var instance = await _h.StartAsync(process);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(1));
        Assert.Equal(["escalation"], _h.Executed);
        Assert.Single(instance.UserTasks);
        Assert.Equal(Harness.Start.AddHours(2), Assert.Single(instance.Timers).DueAt);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(1));
        Assert.Equal(["escalation", "escalation"], _h.Executed);
        Assert.Empty(instance.Timers);

        await _h.Engine.CompleteUserTaskAsync(process, instance, instance.UserTasks.Single().Key);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_keep_a_cycles_rhythm_when_it_fires_a_little_late()
    {
        var process = Process(TaskWithBoundary($"""
            <bpmn:boundaryEvent id="escalate" attachedToRef="call" cancelActivity="false">{Timer("timeCycle", "R5/PT1H")}</bpmn:boundaryEvent>
            """));
        var instance = await _h.StartAsync(process);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromMinutes(90));

        Assert.Equal(["escalation"], _h.Executed);
        Assert.Equal(Harness.Start.AddHours(2), Assert.Single(instance.Timers).DueAt);
    }

    [Fact]
    public async Task Should_fire_a_cycle_missed_for_hours_once_and_go_on_from_now()
    {
        var process = Process(TaskWithBoundary($"""
            <bpmn:boundaryEvent id="escalate" attachedToRef="call" cancelActivity="false">{Timer("timeCycle", "R5/PT1H")}</bpmn:boundaryEvent>
            """));
        var instance = await _h.StartAsync(process);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromMinutes(210));

        Assert.Equal(["escalation"], _h.Executed);
        var timer = Assert.Single(instance.Timers);
        Assert.Equal(Harness.Start.AddMinutes(270), timer.DueAt);
        Assert.Equal(3, timer.RemainingRepetitions);
    }

    [Fact]
    public async Task Should_fire_every_timer_that_came_due_in_the_order_they_came_due()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("f2", "fork", "later")}
            {Flow("f3", "fork", "sooner")}
            <bpmn:intermediateCatchEvent id="later">{Timer("timeDuration", "PT2H")}</bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="sooner">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            {Flow("f4", "later", "afterLater")}
            {Flow("f5", "sooner", "afterSooner")}
            {ServiceTask("afterLater", "record")}
            {ServiceTask("afterSooner", "record")}
            {Flow("f6", "afterLater", "end1")}
            {Flow("f7", "afterSooner", "end2")}
            <bpmn:endEvent id="end1" />
            <bpmn:endEvent id="end2" />
            """);
        var instance = await _h.StartAsync(process);
        _h.Clock.Advance(TimeSpan.FromHours(3));

        var fired = await _h.Engine.FireDueTimersAsync(process, instance);

        Assert.Equal(2, fired);
        Assert.Equal(["afterSooner", "afterLater"], _h.Executed);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_cancel_the_task_when_an_interrupting_boundary_message_arrives()
    {
        var process = Process(TaskWithBoundary("""
            <bpmn:boundaryEvent id="escalate" attachedToRef="call"><bpmn:messageEventDefinition messageRef="m" /></bpmn:boundaryEvent>
            """, ServiceTask("call", "external")), Message("m", "LeadReassigned", "= leadId"));
        var instance = await _h.StartAsync(process, new JsonObject { ["leadId"] = "L-3" });

        await _h.Engine.CorrelateMessageAsync(process, instance, WorkflowEngine.FindSubscription(instance, "LeadReassigned", "L-3")!.Key,
            new JsonObject { ["newConsultant"] = "c-2" });

        Assert.Empty(instance.Jobs);
        Assert.Equal(["escalation"], _h.Executed);
        Assert.Equal("c-2", instance.Variables["newConsultant"]!.GetValue<string>());
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_keep_the_task_when_a_non_interrupting_boundary_message_arrives()
    {
        var process = Process(TaskWithBoundary("""
            <bpmn:boundaryEvent id="escalate" attachedToRef="call" cancelActivity="false"><bpmn:messageEventDefinition messageRef="m" /></bpmn:boundaryEvent>
            """), Message("m", "CustomerCalled", "= leadId"));
        var instance = await _h.StartAsync(process, new JsonObject { ["leadId"] = "L-3" });

        await _h.Engine.CorrelateMessageAsync(process, instance, instance.Messages.Single().Key);

        Assert.Equal(["escalation"], _h.Executed);
        Assert.Single(instance.UserTasks);
        Assert.Single(instance.Messages);
        Assert.Equal(InstanceStatus.Active, instance.Status);
    }

    [Fact]
    public async Task Should_cancel_everything_inside_a_sub_process_when_its_boundary_timer_fires()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="subStart" />
              {Flow("s1", "subStart", "fork")}
              <bpmn:parallelGateway id="fork" />
              {Flow("s2", "fork", "a")}
              {Flow("s3", "fork", "b")}
              <bpmn:userTask id="a" />
              <bpmn:intermediateCatchEvent id="b">{Timer("timeDuration", "P7D")}</bpmn:intermediateCatchEvent>
              {Flow("s4", "a", "join")}
              {Flow("s5", "b", "join")}
              <bpmn:parallelGateway id="join" />
              {Flow("s6", "join", "subEnd")}
              <bpmn:endEvent id="subEnd" />
            </bpmn:subProcess>
            {Flow("f2", "sub", "end")}
            <bpmn:endEvent id="end" />
            <bpmn:boundaryEvent id="escalate" attachedToRef="sub">{Timer("timeDuration", "P2D")}</bpmn:boundaryEvent>
            {Flow("f3", "escalate", "escalation")}
            {ServiceTask("escalation", "record")}
            {Flow("f4", "escalation", "escalated")}
            <bpmn:endEvent id="escalated" />
            """);
        var instance = await _h.StartAsync(process);
        Assert.Equal(2, instance.Timers.Count);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromDays(2));

        Assert.Equal(["escalation"], _h.Executed);
        Assert.Empty(instance.UserTasks);
        Assert.Empty(instance.Timers);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }
}
