using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Runtime;

public class Migrating_instances_Specs
{
    private readonly Harness _h = new();

    private const string Booked = """<bpmn:message id="m-booked" name="appointment-booked"><bpmn:extensionElements><zeebe:subscription correlationKey="= leadId" /></bpmn:extensionElements></bpmn:message>""";

    /// <summary>Version 1: a first call with a 24-hour escalation, then the end.</summary>
    private static readonly ProcessModel One = Process($"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "call")}
        <bpmn:userTask id="call" name="First call" />
        <bpmn:boundaryEvent id="late" attachedToRef="call" cancelActivity="false">{Timer("timeDuration", "PT24H")}</bpmn:boundaryEvent>
        {Flow("f2", "call", "end")}
        <bpmn:endEvent id="end" />
        {Flow("f3", "late", "alert")}
        {ServiceTask("alert", "record")}
        """, Booked);

    /// <summary>Version 2: the call renamed, its escalation kept, a booking made elsewhere ends it, and a thank-you SMS after it.</summary>
    private static ProcessModel Two(string escalation = """cancelActivity="false" """) => Process($"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "firstCall")}
        <bpmn:userTask id="firstCall" name="First call within 24 hours" />
        <bpmn:boundaryEvent id="overdue" attachedToRef="firstCall" {escalation}>{Timer("timeDuration", "PT2H")}</bpmn:boundaryEvent>
        <bpmn:boundaryEvent id="bookedElsewhere" attachedToRef="firstCall"><bpmn:messageEventDefinition messageRef="m-booked" /></bpmn:boundaryEvent>
        {Flow("f2", "firstCall", "thank")}
        {ServiceTask("thank", "record")}
        {Flow("f4", "thank", "end")}
        <bpmn:endEvent id="end" />
        {Flow("f3", "overdue", "alert")}
        {ServiceTask("alert", "record")}
        {Flow("f5", "bookedElsewhere", "end2")}
        <bpmn:endEvent id="end2" />
        """, Booked);

    private static Dictionary<string, string> Plan(params (string From, string To)[] pairs) => pairs.ToDictionary(p => p.From, p => p.To);

    private async Task<WorkflowInstance> OnVersionOneAsync()
    {
        var instance = await _h.StartAsync(One, new JsonObject { ["leadId"] = "L-1" });
        _h.Clock.Advance(TimeSpan.FromHours(5));
        return instance;
    }

    [Fact]
    public async Task Should_keep_the_task_and_its_escalation_time_and_carry_on_along_the_target_versions_path()
    {
        var instance = await OnVersionOneAsync();
        var task = instance.UserTasks.Single();
        var due = instance.Timers.Single().DueAt;

        var result = _h.Engine.Migrate(One, Two(), instance, Plan(("call", "firstCall"), ("late", "overdue")), "v1 to v2");

        var migrated = Assert.IsType<WorkflowInstance>(result.Migrated);
        Assert.Empty(result.Problems);
        var moved = migrated.UserTasks.Single();
        Assert.Equal((task.Key, "firstCall", "First call"), (moved.Key, moved.ElementId, moved.Name));
        // Mapped, the escalation keeps the time it was set for (not the 2 hours of version 2 from now); new, the booking wait opens.
        Assert.Equal(("overdue", due), (migrated.Timers.Single().ElementId, migrated.Timers.Single().DueAt));
        Assert.Equal(("bookedElsewhere", "appointment-booked", "L-1"), (migrated.Messages.Single().ElementId, migrated.Messages.Single().MessageName, migrated.Messages.Single().CorrelationKey));
        Assert.Contains(migrated.Journal, j => j.Outcome == "migrated" && j.Detail == "v1 to v2");
        Assert.Equal("call", instance.UserTasks.Single().ElementId);

        migrated.Journal.Clear();
        await _h.Engine.CompleteUserTaskAsync(Two(), migrated, task.Key);

        Assert.Equal(["firstCall", "thank", "end"], Harness.Path(migrated));
        Assert.Equal(InstanceStatus.Completed, migrated.Status);
    }

    [Fact]
    public async Task Should_withdraw_an_attached_event_the_plan_leaves_out()
    {
        var instance = await OnVersionOneAsync();

        var migrated = _h.Engine.Migrate(One, Two(), instance, Plan(("call", "firstCall")), "v1 to v2").Migrated!;

        // The old escalation goes; version 2's own is opened as if the task had just begun.
        Assert.Contains(migrated.Journal, j => j.ElementId == "late" && j.Outcome == "withdrawn");
        Assert.Equal(("overdue", _h.Clock.GetUtcNow().AddHours(2)), (migrated.Timers.Single().ElementId, migrated.Timers.Single().DueAt));
    }

    [Fact]
    public async Task Should_refuse_an_active_element_the_plan_does_not_map_or_maps_to_another_type_and_change_nothing()
    {
        var instance = await OnVersionOneAsync();
        var before = instance.ToJson();

        var unmapped = _h.Engine.Migrate(One, Two(), instance, Plan(("late", "overdue")), "");
        var wrongType = _h.Engine.Migrate(One, Two(), instance, Plan(("call", "thank")), "");
        var interrupting = _h.Engine.Migrate(One, Two(escalation: ""), instance, Plan(("call", "firstCall"), ("late", "overdue")), "");

        Assert.Null(unmapped.Migrated);
        Assert.Equal("'call' (userTask) is active and the plan does not map it.", Assert.Single(unmapped.Problems));
        Assert.Equal("'call' is a userTask and cannot become 'thank', a serviceTask.", Assert.Single(wrongType.Problems));
        Assert.Equal("'late' (boundaryEvent:timer, non-interrupting) cannot become 'overdue' (boundaryEvent:timer, interrupting).", Assert.Single(interrupting.Problems));
        Assert.Equal(before, instance.ToJson());
    }

    [Fact]
    public async Task Should_keep_a_waiting_timer_catch_event_due_when_it_was()
    {
        var timerFlow = (string wait) => Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", wait)}
            <bpmn:intermediateCatchEvent id="{wait}">{Timer("timeDuration", "P30D")}</bpmn:intermediateCatchEvent>
            {Flow("f2", wait, "again")}
            {ServiceTask("again", "record")}
            """);
        var instance = await _h.StartAsync(timerFlow("month"));
        var due = instance.Timers.Single().DueAt;

        var migrated = _h.Engine.Migrate(timerFlow("month"), timerFlow("recontact"), instance, Plan(("month", "recontact")), "").Migrated!;
        await _h.AdvanceAsync(timerFlow("recontact"), migrated, TimeSpan.FromDays(30));

        Assert.Equal(["again"], _h.Executed);
        Assert.Contains(migrated.Journal, j => j.ElementId == "recontact" && j.Outcome == "timer-fired" && j.Detail!.Contains(due.ToString("yyyy-MM-dd")));
    }

    [Fact]
    public void Should_name_plan_ids_that_neither_version_has()
    {
        var problems = WorkflowEngine.CheckPlan(One, Two(), Plan(("call", "firstCal"), ("cal", "firstCall")));

        Assert.Equal(["The target version has no element 'firstCal' (mapped from 'call').", "The source version has no element 'cal'."], problems);
    }
}
