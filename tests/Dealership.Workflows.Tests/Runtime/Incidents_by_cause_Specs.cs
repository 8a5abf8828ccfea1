using System.Text.Json.Nodes;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Runtime;

/// <summary>
/// What an element that cannot go on leaves for operations staff: an incident of a kind they can sort by, naming
/// the expression that failed. Some of these diagrams the checker refuses; they run here unchecked because a
/// version published before a rule existed runs the same way.
/// </summary>
public class Incidents_by_cause_Specs
{
    private readonly Harness _h = new();

    private static string StartTo(string element) => $"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "it")}
        {element}
        {Flow("f2", "it", "end")}
        <bpmn:endEvent id="end" />
        """;

    private static string UserTask(string extensions) =>
        $"""<bpmn:userTask id="it"><bpmn:extensionElements>{extensions}</bpmn:extensionElements></bpmn:userTask>""";

    private static string CatchTimer(string kind, string value) =>
        $"""<bpmn:intermediateCatchEvent id="it">{Timer(kind, value)}</bpmn:intermediateCatchEvent>""";

    private const string CatchReply = """<bpmn:intermediateCatchEvent id="it"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>""";

    public static TheoryData<string, string, string, string> Causes => new()
    {
        { StartTo("""<bpmn:scriptTask id="it" />"""), "", "unsupported", "The element type scriptTask is not supported." },
        { StartTo("""<bpmn:serviceTask id="it" />"""), "", "no-activity", "The service task has no task type." },
        { StartTo(ServiceTask("it", "nobody")), "", "no-activity", "No registered activity implements the task type 'nobody'." },
        { StartTo(ServiceTask("it", "= duration(bad)")), "", "expression", "The task type \"= duration(bad)\" failed: " },
        { StartTo(UserTask("""<zeebe:assignmentDefinition assignee="= duration(bad)" />""")), "", "expression", "The assignee \"= duration(bad)\" failed: " },
        { StartTo(UserTask("""<zeebe:assignmentDefinition candidateGroups="= duration(bad)" />""")), "", "expression", "The candidate groups \"= duration(bad)\" failed: " },
        { StartTo(UserTask("""<zeebe:assignmentDefinition candidateGroups="= 5" />""")), "", "expression", "The candidate groups gave 5, not a list." },
        { StartTo(UserTask("""<zeebe:taskSchedule dueDate="= duration(bad)" />""")), "", "expression", "The due date \"= duration(bad)\" failed: " },
        { StartTo(UserTask("""<zeebe:taskSchedule dueDate="= 5" />""")), "", "expression", "The due date \"= 5\" gave 5, not a date and time." },
        { StartTo(UserTask("""<zeebe:taskSchedule followUpDate="= duration(bad)" />""")), "", "expression", "The follow-up date \"= duration(bad)\" failed: " },
        { StartTo(UserTask("""<zeebe:ioMapping><zeebe:input source="= duration(bad)" target="x" /></zeebe:ioMapping>""")), "", "expression",
            "The input mapping to 'x' \"= duration(bad)\" failed: " },
        { StartTo(UserTask("""<zeebe:ioMapping><zeebe:input source="= 1 +" target="x" /></zeebe:ioMapping>""")), "", "expression",
            "The input mapping to 'x' \"= 1 +\" failed: the expression \"= 1 +\" cannot be read: " },
        { StartTo("""<bpmn:intermediateCatchEvent id="it"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>"""), "", "unsupported", "'it' has no timer definition." },
        { StartTo(CatchTimer("timeDuration", "= duration(bad)")), "", "expression", "The timer \"= duration(bad)\" failed: " },
        { StartTo(CatchTimer("timeDuration", "= 5")), "", "expression", "The timer \"= 5\" gave 5, not a duration." },
        { StartTo(CatchTimer("timeDate", "= 5")), "", "expression", "The timer \"= 5\" gave 5, not a date and time." },
        { StartTo(CatchTimer("timeCycle", "= \"PT1H\"")), "", "expression", "The timer \"= \"PT1H\"\" gave \"PT1H\", not a cycle such as R3/PT1H." },
        { StartTo("""<bpmn:receiveTask id="it" messageRef="ghost" />"""), "", "unsupported", "'it' has no message." },
        { StartTo(CatchReply), """<bpmn:message id="m" name="reply" />""", "expression", "The correlation key \"\" of message 'reply' is null." },
        { StartTo(CatchReply), Message("m", "reply", "= missing"), "expression", "The correlation key \"= missing\" of message 'reply' is null." },
        { StartTo(CatchReply), Message("m", "reply", "= [1]"), "expression", "The correlation key gave [1]; it must be a string or a number." },
        { StartTo(CatchReply), Message("m", "reply", "= duration(bad)"), "expression", "The correlation key \"= duration(bad)\" failed: " },
        { $"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "it")}
            <bpmn:exclusiveGateway id="it" />
            {Flow("f2", "it", "end", "= 5")}
            <bpmn:endEvent id="end" />
            """, "", "condition", "The condition of flow 'f2' \"= 5\" gave 5, not true or false." },
    };

    [Theory]
    [MemberData(nameof(Causes))]
    public async Task Should_raise_an_incident_of_the_kind_that_names_its_cause(string body, string rootExtras, string kind, string message)
    {
        var instance = await _h.StartAsync(Process(body, rootExtras), new JsonObject { ["bad"] = "soon" });

        var incident = Assert.Single(instance.Incidents);
        Assert.Equal(("it", kind), (incident.ElementId, incident.Kind));
        Assert.StartsWith(message, incident.Message);
        Assert.Equal(InstanceStatus.Active, instance.Status);
        // What the element had opened before it failed is withdrawn with it: nothing fires or waits for a broken element.
        Assert.Empty(instance.Timers);
        Assert.Empty(instance.Messages);
        Assert.Empty(instance.UserTasks);
    }

    [Fact]
    public async Task Should_withdraw_the_boundary_timer_of_a_user_task_whose_due_date_is_not_a_date()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            <bpmn:userTask id="call"><bpmn:extensionElements><zeebe:taskSchedule dueDate="= due" /></bpmn:extensionElements></bpmn:userTask>
            <bpmn:boundaryEvent id="late" attachedToRef="call">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>
            {Flow("fl", "late", "end")}
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["due"] = 5 });

        Assert.Equal("expression", Assert.Single(instance.Incidents).Kind);
        Assert.Empty(instance.Timers);
    }

    [Fact]
    public async Task Should_withdraw_the_boundary_timer_of_a_user_task_whose_assignee_failed()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            <bpmn:userTask id="call"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="= duration(bad)" /></bpmn:extensionElements></bpmn:userTask>
            <bpmn:boundaryEvent id="late" attachedToRef="call">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>
            {Flow("fl", "late", "end")}
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["bad"] = "soon" });

        Assert.Equal("expression", Assert.Single(instance.Incidents).Kind);
        Assert.Empty(instance.Timers);
    }

    [Fact]
    public async Task Should_raise_an_incident_when_an_activity_gives_up_on_its_own_timeout()
    {
        _h.Activities.Register("slow", (_, _) => Task.FromException<ActivityResult>(new TaskCanceledException("The SMS gateway did not answer in 30 s.")));
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "sms")}
            {ServiceTask("sms", "slow")}
            {Flow("f2", "sms", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("activity-failed", incident.Kind);
        Assert.Equal("The activity 'slow' failed: The SMS gateway did not answer in 30 s.", incident.Message);
    }

    [Fact]
    public async Task Should_stop_without_an_incident_when_the_host_cancels_during_an_activity()
    {
        using var shutdown = new CancellationTokenSource();
        _h.Activities.Register("slow", (_, token) =>
        {
            shutdown.Cancel();
            token.ThrowIfCancellationRequested();
            return Task.FromResult(ActivityResult.Complete());
        });
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "sms")}
            {ServiceTask("sms", "slow")}
            {Flow("f2", "sms", "end")}
            <bpmn:endEvent id="end" />
            """);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _h.Engine.StartAsync(process, cancellationToken: shutdown.Token));
    }

    [Fact]
    public async Task Should_take_no_step_once_the_host_has_cancelled()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "end")}
            <bpmn:endEvent id="end" />
            """);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _h.Engine.StartAsync(process, cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(0, _h.Engine.Steps);
    }

    [Fact]
    public async Task Should_raise_an_incident_of_kind_activity_failed_when_a_job_is_reported_failed()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            {ServiceTask("call", "external")}
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);

        await _h.Engine.FailJobAsync(process, instance, instance.Jobs.Single().Key, "booking system down");

        Assert.Equal(("activity-failed", "booking system down"), (instance.Incidents.Single().Kind, instance.Incidents.Single().Message));
        Assert.Contains(instance.Journal, j => (j.ElementId, j.Outcome, j.Detail) == ("call", "incident", "activity-failed: booking system down"));
    }
}
