using System.Text.Json.Nodes;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Runtime;

/// <summary>
/// When a scope (the process or a sub-process) is finished: tokens still on a sequence flow, tokens waiting at a
/// join, a terminate end event, an interrupting boundary event, and what each leaves behind in the saved state.
/// </summary>
public class Tokens_and_scopes_Specs
{
    private readonly Harness _h = new();

    // One branch ends at once; the other is still on its way to a second end event when the first ends.
    private const string ForkOneBranchEndingEarly = """
        <bpmn:parallelGateway id="fork" />
        <bpmn:sequenceFlow id="fa" sourceRef="fork" targetRef="work" />
        <bpmn:sequenceFlow id="fb" sourceRef="fork" targetRef="e1" />
        <bpmn:serviceTask id="work"><bpmn:extensionElements><zeebe:taskDefinition type="record" /></bpmn:extensionElements></bpmn:serviceTask>
        <bpmn:sequenceFlow id="fc" sourceRef="work" targetRef="e2" />
        <bpmn:endEvent id="e1" />
        <bpmn:endEvent id="e2" />
        """;

    [Fact]
    public async Task Should_not_complete_the_process_while_a_token_is_still_on_its_way()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "fork")}
            {ForkOneBranchEndingEarly}
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Contains("e2", Harness.Path(instance));
        Assert.Equal("p completed", instance.Journal.Where(j => j.ElementId == "p").Select(j => $"{j.ElementId} {j.Outcome}").Last());
        Assert.False(instance.HasOpenIncident);
    }

    [Fact]
    public async Task Should_not_complete_a_sub_process_while_a_token_inside_it_is_still_on_its_way()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="s1" />
              {Flow("fs", "s1", "fork")}
              {ForkOneBranchEndingEarly}
            </bpmn:subProcess>
            {Flow("f9", "sub", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(["e2", "sub", "end"], Harness.Path(instance).TakeLast(3));
    }

    [Fact]
    public async Task Should_finish_a_sub_process_on_one_branch_while_the_other_branch_still_moves()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("fa", "fork", "sub")}
            {Flow("fb", "fork", "work")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="s1" />
              {Flow("fs", "s1", "sE")}
              <bpmn:endEvent id="sE" />
            </bpmn:subProcess>
            {Flow("fc", "sub", "endA")}
            {ServiceTask("work", "record")}
            {Flow("fd", "work", "endB")}
            <bpmn:endEvent id="endA" />
            <bpmn:endEvent id="endB" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(["endA", "endB", "sub"], Harness.Path(instance).Where(e => e is "sub" or "endA" or "endB").Order());
    }

    [Fact]
    public async Task Should_drop_a_token_still_on_its_way_inside_a_sub_process_that_a_terminate_end_event_ended()
    {
        // The branch through the nested sub-process reaches the terminate end event one step before "t3" hands its
        // token to "late": that token is on its way when the scope ends.
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="s1" />
              {Flow("fs", "s1", "fork")}
              <bpmn:parallelGateway id="fork" />
              {Flow("a1", "fork", "nested")}
              {Flow("b1", "fork", "t1")}
              <bpmn:subProcess id="nested">
                <bpmn:startEvent id="n1" />
                {Flow("fn", "n1", "nE")}
                <bpmn:endEvent id="nE" />
              </bpmn:subProcess>
              {Flow("a2", "nested", "stop")}
              <bpmn:endEvent id="stop"><bpmn:terminateEventDefinition /></bpmn:endEvent>
              {ServiceTask("t1", "record")}
              {Flow("b2", "t1", "t2")}
              {ServiceTask("t2", "record")}
              {Flow("b3", "t2", "t3")}
              {ServiceTask("t3", "record")}
              {Flow("b4", "t3", "late")}
              <bpmn:endEvent id="late" />
            </bpmn:subProcess>
            {Flow("f9", "sub", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(["t1", "t2", "t3"], _h.Executed);
        Assert.DoesNotContain(instance.Journal, j => j.ElementId == "late");
        Assert.Contains(instance.Journal, j => (j.ElementId, j.Outcome) == ("stop", "terminated-scope"));
        Assert.Equal(["stop", "sub", "end"], Harness.Path(instance).TakeLast(3));
    }

    [Fact]
    public async Task Should_not_carry_on_inside_a_nested_sub_process_that_a_terminate_end_event_ended()
    {
        // "first" reaches the terminate end event while the nested sub-process's token is on its way to "inner".
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="s1" />
              {Flow("fs", "s1", "fork")}
              <bpmn:parallelGateway id="fork" />
              {Flow("a1", "fork", "first")}
              {Flow("b1", "fork", "nested")}
              {ServiceTask("first", "record")}
              {Flow("a2", "first", "stop")}
              <bpmn:endEvent id="stop"><bpmn:terminateEventDefinition /></bpmn:endEvent>
              <bpmn:subProcess id="nested">
                <bpmn:startEvent id="n1" />
                {Flow("fn", "n1", "inner")}
                {ServiceTask("inner", "record")}
                {Flow("fi", "inner", "nE")}
                <bpmn:endEvent id="nE" />
              </bpmn:subProcess>
              {Flow("b2", "nested", "sE")}
              <bpmn:endEvent id="sE" />
            </bpmn:subProcess>
            {Flow("f9", "sub", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(["first"], _h.Executed);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(["stop", "sub", "end"], Harness.Path(instance).TakeLast(3));
    }

    [Fact]
    public async Task Should_forget_the_tokens_waiting_at_a_join_inside_a_sub_process_that_a_terminate_end_event_ended()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="s1" />
              {Flow("fs", "s1", "fork")}
              <bpmn:parallelGateway id="fork" />
              {Flow("g1", "fork", "join")}
              {Flow("g2", "fork", "call")}
              {Flow("g3", "fork", "stop")}
              <bpmn:userTask id="call" />
              {Flow("g4", "call", "join")}
              <bpmn:parallelGateway id="join" />
              {Flow("g5", "join", "sE")}
              <bpmn:endEvent id="sE" />
              <bpmn:endEvent id="stop"><bpmn:terminateEventDefinition /></bpmn:endEvent>
            </bpmn:subProcess>
            {Flow("f9", "sub", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Empty(instance.JoinArrivals);
        Assert.Empty(instance.UserTasks);
        Assert.Equal(["sub", "end"], Harness.Path(instance).TakeLast(2));
    }

    [Fact]
    public async Task Should_stay_active_while_a_token_waits_at_a_join_for_one_that_will_never_come_and_forget_it_when_cancelled()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("j1", "fork", "join")}
            {Flow("fb", "fork", "call")}
            <bpmn:userTask id="call" />
            {Flow("fc", "call", "which")}
            <bpmn:exclusiveGateway id="which" default="xd" />
            {Flow("xd", "which", "end1")}
            {Flow("xj", "which", "join", "= false")}
            <bpmn:parallelGateway id="join" />
            {Flow("fj", "join", "end2")}
            <bpmn:endEvent id="end1" />
            <bpmn:endEvent id="end2" />
            """);
        var instance = await _h.StartAsync(process);

        await _h.Engine.CompleteUserTaskAsync(process, instance, instance.UserTasks.Single().Key);

        Assert.Equal(InstanceStatus.Active, instance.Status);
        Assert.Contains("end1", Harness.Path(instance));
        Assert.Equal(new JoinArrival(null, "join", "j1"), Assert.Single(instance.JoinArrivals));

        await _h.Engine.CancelAsync(process, instance, "flow fixed by hand");

        Assert.Equal(InstanceStatus.Cancelled, instance.Status);
        Assert.Empty(instance.JoinArrivals);
    }

    [Fact]
    public async Task Should_forget_a_sub_processs_join_when_its_boundary_event_interrupts_it_and_keep_the_processs_own()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("fa", "fork", "join")}
            {Flow("fb", "fork", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="s1" />
              {Flow("fs", "s1", "fork2")}
              <bpmn:parallelGateway id="fork2" />
              {Flow("g1", "fork2", "join2")}
              {Flow("g2", "fork2", "call")}
              <bpmn:userTask id="call" />
              {Flow("g3", "call", "join2")}
              <bpmn:parallelGateway id="join2" />
              {Flow("g4", "join2", "sE")}
              <bpmn:endEvent id="sE" />
            </bpmn:subProcess>
            {Flow("fd", "sub", "endS")}
            <bpmn:endEvent id="endS" />
            <bpmn:boundaryEvent id="late" attachedToRef="sub">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>
            {Flow("fl", "late", "join")}
            <bpmn:parallelGateway id="join" />
            {Flow("fj", "join", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);
        Assert.Equal(2, instance.JoinArrivals.Count);

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(1));

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Empty(instance.JoinArrivals);
        Assert.Equal(["late", "join", "end"], Harness.Path(instance).TakeLast(3));
    }

    [Fact]
    public async Task Should_resolve_only_the_incident_of_the_task_a_boundary_event_interrupts()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("fa", "fork", "a")}
            {Flow("fb", "fork", "b")}
            {ServiceTask("a", "fail")}
            {ServiceTask("b", "fail")}
            <bpmn:boundaryEvent id="late" attachedToRef="a">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>
            {Flow("fl", "late", "endL")}
            {Flow("fc", "a", "endA")}
            {Flow("fd", "b", "endB")}
            <bpmn:endEvent id="endL" />
            <bpmn:endEvent id="endA" />
            <bpmn:endEvent id="endB" />
            """);
        var instance = await _h.StartAsync(process);
        Assert.Equal(["a", "b"], instance.Incidents.Select(i => i.ElementId));

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(1));

        Assert.Equal(Harness.Start.AddHours(1), instance.Incidents.Single(i => i.ElementId == "a").ResolvedAt);
        Assert.Null(instance.Incidents.Single(i => i.ElementId == "b").ResolvedAt);
        Assert.True(instance.HasOpenIncident);
        Assert.Contains("endL", Harness.Path(instance));
    }

    [Fact]
    public async Task Should_arm_a_tasks_boundary_timer_once_however_often_its_activation_is_retried()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "sms")}
            {ServiceTask("sms", "fail")}
            <bpmn:boundaryEvent id="late" attachedToRef="sms">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>
            {Flow("fl", "late", "endL")}
            {Flow("f1", "sms", "end")}
            <bpmn:endEvent id="endL" />
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);
        var first = Assert.Single(instance.Incidents);

        await _h.Engine.RetryIncidentAsync(process, instance, first.Key);

        Assert.Single(instance.Timers);
        Assert.Equal(2, instance.Incidents.Count);
        Assert.Contains(instance.Journal, j => (j.ElementId, j.Outcome, j.Detail) == ("sms", "incident-retried", first.Message));
        // A resolved incident is not retried a second time.
        await Assert.ThrowsAsync<WorkflowStateException>(() => _h.Engine.RetryIncidentAsync(process, instance, first.Key));
    }

    [Fact]
    public async Task Should_arm_the_boundary_timer_of_a_receive_task()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "answer")}
            <bpmn:receiveTask id="answer" messageRef="m" />
            <bpmn:boundaryEvent id="late" attachedToRef="answer">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>
            {Flow("fl", "late", "endL")}
            {Flow("f1", "answer", "end")}
            <bpmn:endEvent id="endL" />
            <bpmn:endEvent id="end" />
            """, Message("m", "reply", "= leadId"));
        var instance = await _h.StartAsync(process, new JsonObject { ["leadId"] = "L-1" });

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(1));

        Assert.Equal(["start", "late", "endL"], Harness.Path(instance));
        Assert.Empty(instance.Messages);
    }

    [Fact]
    public async Task Should_withdraw_the_timer_that_fired_even_when_the_catch_event_then_fails_its_mapping()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "wait")}
            <bpmn:intermediateCatchEvent id="wait">
              <bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="= factor * 2" target="score" /></zeebe:ioMapping></bpmn:extensionElements>
              {Timer("timeDuration", "PT1H")}
            </bpmn:intermediateCatchEvent>
            {Flow("f1", "wait", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process, new JsonObject { ["factor"] = "two" });

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(1));

        Assert.Equal("mapping", Assert.Single(instance.Incidents).Kind);
        Assert.Empty(instance.Timers);
    }

    [Fact]
    public async Task Should_take_a_true_condition_even_when_the_default_flow_is_drawn_first()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "which")}
            <bpmn:exclusiveGateway id="which" default="other" />
            {Flow("other", "which", "endOther")}
            {Flow("yes", "which", "endYes", "outcome = \"accepted\"")}
            <bpmn:endEvent id="endOther" />
            <bpmn:endEvent id="endYes" />
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["outcome"] = "accepted" });

        // The condition is FEEL without the leading '=', as bpmn-js writes it.
        Assert.Equal(["start", "which", "endYes"], Harness.Path(instance));
    }

    [Fact]
    public async Task Should_pass_a_gateway_with_one_outgoing_flow_without_a_condition()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "which")}
            <bpmn:exclusiveGateway id="which" />
            {Flow("only", "which", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Contains(instance.Journal, j => (j.ElementId, j.Outcome, j.Detail) == ("which", "completed", "took only"));
    }

    [Fact]
    public async Task Should_see_a_sub_processs_input_from_the_elements_inside_it()
    {
        ActivityContext? seen = null;
        _h.Activities.Register("look", c =>
        {
            seen = c;
            return ActivityResult.Complete();
        });
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f0", "start", "sub")}
            <bpmn:subProcess id="sub">
              <bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="= &quot;anna&quot;" target="consultant" /></zeebe:ioMapping></bpmn:extensionElements>
              <bpmn:startEvent id="s1" />
              {Flow("fs", "s1", "look")}
              {ServiceTask("look", "look")}
              {Flow("fl", "look", "call")}
              <bpmn:userTask id="call"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultant" /></bpmn:extensionElements></bpmn:userTask>
              {Flow("fc", "call", "sE")}
              <bpmn:endEvent id="sE" />
            </bpmn:subProcess>
            {Flow("f9", "sub", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal("anna", instance.UserTasks.Single().Assignee);
        Assert.Equal("anna", seen!.Variables["consultant"]!.GetValue<string>());
        Assert.False(instance.Variables.ContainsKey("consultant"));
    }
}
