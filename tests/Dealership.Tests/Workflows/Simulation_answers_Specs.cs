using System.Text.Json;
using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow.Simulation;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;

namespace Dealership.Tests.Workflows;

/// <summary>
/// How a simulation answers a step, on small flows: the lead's own recorded answer where the step was recorded, one drawn from
/// the same kind of step where the lead never got there, and nothing where no step of its kind was ever recorded. The history is
/// made as the service makes it: the engine runs each lead's flow and its journal is read back.
/// </summary>
public sealed class Simulation_answers_Specs
{
    private static readonly DateTimeOffset January = new(2030, 1, 7, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly string[] TaskTypes = ["close-lead", "send-sms"];

    // A call; unanswered, a retry an hour later; unanswered again, the lead is lost.
    private static readonly string Recorded = Flow("""
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
        <bpmn:userTask id="call"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultantId" /><zeebe:taskHeaders><zeebe:header key="kind" value="first-contact" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:userTask>
        <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="reached" />
        <bpmn:exclusiveGateway id="reached" default="f4" />
        <bpmn:sequenceFlow id="f3" sourceRef="reached" targetRef="won"><bpmn:conditionExpression>= contact = "reached"</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f4" sourceRef="reached" targetRef="wait" />
        <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f5" sourceRef="wait" targetRef="retry" />
        <bpmn:userTask id="retry"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultantId" /><zeebe:taskHeaders><zeebe:header key="kind" value="retry" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:userTask>
        <bpmn:sequenceFlow id="f6" sourceRef="retry" targetRef="reachedAgain" />
        <bpmn:exclusiveGateway id="reachedAgain" default="f8" />
        <bpmn:sequenceFlow id="f7" sourceRef="reachedAgain" targetRef="won"><bpmn:conditionExpression>= contact = "reached"</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f8" sourceRef="reachedAgain" targetRef="close" />
        <bpmn:serviceTask id="close"><bpmn:extensionElements><zeebe:taskDefinition type="close-lead" /><zeebe:taskHeaders><zeebe:header key="won" value="false" /><zeebe:header key="reason" value="no-answer" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
        <bpmn:sequenceFlow id="f9" sourceRef="close" targetRef="lost" />
        <bpmn:endEvent id="lost" />
        <bpmn:endEvent id="won" />
        """);

    /// <summary>The recorded flow with one more retry (a new element) before the lead is lost.</summary>
    private static readonly string OneMoreRetry = Recorded
        .Replace("""<bpmn:sequenceFlow id="f8" sourceRef="reachedAgain" targetRef="close" />""", """
            <bpmn:sequenceFlow id="f8" sourceRef="reachedAgain" targetRef="lastTry" />
            <bpmn:userTask id="lastTry"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultantId" /><zeebe:taskHeaders><zeebe:header key="kind" value="retry" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:userTask>
            <bpmn:sequenceFlow id="f10" sourceRef="lastTry" targetRef="reachedAtLast" />
            <bpmn:exclusiveGateway id="reachedAtLast" default="f12" />
            <bpmn:sequenceFlow id="f11" sourceRef="reachedAtLast" targetRef="won"><bpmn:conditionExpression>= contact = "reached"</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="f12" sourceRef="reachedAtLast" targetRef="close" />
            """);

    /// <summary>The recorded flow with a step of a kind nobody ever recorded, offering outcomes of its own, after the first call.</summary>
    private static readonly string NewKindOfStep = Recorded
        .Replace("""<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="reached" />""", """
            <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="survey" />
            <bpmn:userTask id="survey"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultantId" /><zeebe:taskHeaders><zeebe:header key="kind" value="survey" /><zeebe:header key="outcomes" value="filled-in,refused" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:userTask>
            <bpmn:sequenceFlow id="f2b" sourceRef="survey" targetRef="reached" />
            """);

    /// <summary>
    /// The recorded flow telling the customer by SMS after an unanswered first call (callback-promise) and before the lead is lost
    /// (care), and the consultant of each retry (new-lead, a work message the customer rules do not touch).
    /// </summary>
    private static readonly string WithSms = Recorded
        .Replace("""<bpmn:sequenceFlow id="f4" sourceRef="reached" targetRef="wait" />""", """
            <bpmn:sequenceFlow id="f4" sourceRef="reached" targetRef="tell" />
            <bpmn:serviceTask id="tell"><bpmn:extensionElements><zeebe:taskDefinition type="send-sms" /><zeebe:taskHeaders><zeebe:header key="template" value="callback-promise" /><zeebe:header key="recipient" value="customer" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:sequenceFlow id="f4b" sourceRef="tell" targetRef="wait" />
            """)
        .Replace("""<bpmn:sequenceFlow id="f8" sourceRef="reachedAgain" targetRef="close" />""", """
            <bpmn:sequenceFlow id="f8" sourceRef="reachedAgain" targetRef="thank" />
            <bpmn:serviceTask id="thank"><bpmn:extensionElements><zeebe:taskDefinition type="send-sms" /><zeebe:taskHeaders><zeebe:header key="template" value="care" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
            <bpmn:sequenceFlow id="f8b" sourceRef="thank" targetRef="close" />
            """)
        .Replace("""<zeebe:header key="kind" value="retry" />""", """<zeebe:header key="kind" value="retry" /><zeebe:header key="alertTemplate" value="new-lead" />""");

    private static string Flow(string body) => WorkflowApi.Diagram("calls", """<bpmn:startEvent id="start" />""" + body);

    /// <summary>Ten leads: nobody answers the first call; seven answer the retry, three do not (and are lost).</summary>
    private static async Task<RecordedHistory> RecordTenLeadsAsync()
    {
        var process = BpmnReader.Read(Recorded).MainProcess!;
        var leads = new List<RecordedLead>();
        for (var n = 0; n < 10; n++)
        {
            var clock = new Clock(January.AddHours(n));
            var engine = new WorkflowEngine(new ActivityRegistry().Register("close-lead", _ => ActivityResult.Complete()), clock);
            var id = Guid.NewGuid();
            var instance = await engine.StartAsync(process, new JsonObject { ["leadId"] = id.ToString(), ["consultantId"] = "c1" }, instanceId: id);
            var journal = new List<JournalEntry>(instance.Journal);
            instance.Journal.Clear();
            clock.Now += TimeSpan.FromMinutes(10);
            await engine.CompleteUserTaskAsync(process, instance, instance.UserTasks.Single().Key, new JsonObject { ["contact"] = "no-answer" });
            clock.Now = instance.Timers.Single().DueAt;
            await engine.FireTimerAsync(process, instance, instance.Timers.Single().Key);
            clock.Now += TimeSpan.FromMinutes(5);
            await engine.CompleteUserTaskAsync(process, instance, instance.UserTasks.Single().Key, new JsonObject { ["contact"] = n < 7 ? "reached" : "no-answer" });
            journal.AddRange(instance.Journal);
            leads.Add(RecordedHistory.Parse(id.ToString(), id, January.AddHours(n), process, journal));
        }
        return new RecordedHistory(leads);
    }

    private static async Task<(VersionFigures Figures, IReadOnlyList<SimulatedLead> Leads)> SimulateAsync(RecordedHistory history, string xml, int seed = 1,
        DealershipSmsRules? rules = null)
    {
        var version = new SimulatedVersion("N2", "draft", 2, BpmnReader.Read(xml).MainProcess!);
        var until = January.AddDays(30);
        var leads = await FlowSimulation.RunAsync(history, version, TaskTypes, seed, until, CancellationToken.None);
        return (FlowSimulation.Figures(version, leads, January.Offset, January, until, rules), leads);
    }

    private static DealershipSmsRules Rules(int fromHour, int toHour, int weeklyCap) => new()
    {
        DealershipId = Guid.NewGuid(), TimeZone = "Asia/Shanghai", QuietHoursStart = new TimeOnly(fromHour, 0), QuietHoursEnd = new TimeOnly(toHour, 0),
        WeeklyCap = weeklyCap,
    };

    [Fact]
    public async Task Should_count_the_customer_sms_the_dealership_s_quiet_hours_would_hold_and_its_weekly_cap_would_stop()
    {
        var history = await RecordTenLeadsAsync();

        // Leads come in hourly from 09:00; each unanswered first call is told at 10 past (the last at 18:10), the three lost at
        // the retry are thanked 1 h 15 after they came (17:15, 18:15, 19:15). Quiet from 18:00.
        var (evening, _) = await SimulateAsync(history, WithSms, rules: Rules(18, 8, weeklyCap: 5));
        Assert.Equal(new Dictionary<string, int> { ["callback-promise"] = 10, ["care"] = 3, ["new-lead"] = 10 }, evening.Sms);
        Assert.Equal(3, evening.SmsRules!.HeldByQuietHours);
        Assert.Equal(new Dictionary<string, int> { ["callback-promise"] = 1, ["care"] = 2 }, evening.SmsRules.Held);
        Assert.Equal(0, evening.SmsRules.StoppedByWeeklyCap);

        // One customer SMS a week: the care SMS after the callback promise is never sent, and what is never sent is not held.
        var (capped, _) = await SimulateAsync(history, WithSms, rules: Rules(18, 8, weeklyCap: 1));
        Assert.Equal(new Dictionary<string, int> { ["care"] = 3 }, capped.SmsRules!.Stopped);
        Assert.Equal(new Dictionary<string, int> { ["callback-promise"] = 1 }, capped.SmsRules.Held);

        // Without the dealership's rules nothing is said about them.
        Assert.Null((await SimulateAsync(history, WithSms)).Figures.SmsRules);
    }

    [Fact]
    public async Task Should_give_back_every_lead_s_own_answers_where_the_version_has_the_recorded_steps()
    {
        var (figures, _) = await SimulateAsync(await RecordTenLeadsAsync(), Recorded);

        Assert.Equal(new AnswerFigures(Replayed: 20, Drawn: 0, WithoutRecord: 0), figures.Answers);
        Assert.Equal(3, figures.ClosedLost);
        Assert.Equal(10, figures.Instances.Completed);
    }

    [Fact]
    public async Task Should_draw_a_new_retry_from_the_recorded_retries_and_draw_the_same_with_the_same_seed()
    {
        var history = await RecordTenLeadsAsync();
        var (published, publishedLeads) = await SimulateAsync(history, Recorded);
        var (drafted, draftedLeads) = await SimulateAsync(history, OneMoreRetry, seed: 42);

        // Only the three leads lost at the retry reach the new one; their answers there are drawn from the ten recorded retries.
        Assert.Equal(new AnswerFigures(Replayed: 20, Drawn: 3, WithoutRecord: 0), drafted.Answers);
        var differing = FlowSimulation.Differences(draftedLeads, publishedLeads);
        Assert.Equal(3, differing.Count);
        Assert.All(differing, d => Assert.Contains("lastTry", d.SimulatedPath));
        Assert.InRange(drafted.ClosedLost, 0, published.ClosedLost);
        Assert.Equal(JsonSerializer.Serialize(drafted), JsonSerializer.Serialize((await SimulateAsync(history, OneMoreRetry, seed: 42)).Figures));
    }

    [Fact]
    public async Task Should_leave_a_step_of_a_kind_nobody_recorded_open_and_say_how_many_waited_without_a_record()
    {
        var (figures, _) = await SimulateAsync(await RecordTenLeadsAsync(), NewKindOfStep);

        Assert.Equal(10, figures.Answers.WithoutRecord);
        Assert.Equal(10, figures.Instances.Active);
        Assert.Equal(0, figures.ClosedLost);
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
