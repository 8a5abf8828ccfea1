using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Bpmn;

public class Reading_and_checking_Specs
{
    private static readonly HashSet<string> KnownTypes = ["send-sms", "first-contact-overdue", "record"];

    private static string Resource(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Resources", name));

    private static CheckReport Check(string processBody, string rootExtras = "") =>
        BpmnChecker.Check(BpmnReader.Read(Xml(processBody, rootExtras)), KnownTypes.Contains);

    private static ElementReport Finding(CheckReport report, string elementId)
    {
        Assert.False(report.IsPublishable);
        return Assert.Single(report.Findings, f => f.ElementId == elementId);
    }

    [Fact]
    public void Should_read_a_modeler_file_with_its_zeebe_extensions()
    {
        var definition = BpmnReader.Read(Resource("first-contact.bpmn"));
        var process = definition.MainProcess!;

        Assert.Equal(("first-contact", "First contact"), (process.Id, process.Name));
        var call = (TaskElement)process.Element("call");
        Assert.Equal("= consultantId", call.Assignee!.Raw);
        var invite = (TaskElement)process.Element("invite");
        Assert.Equal("send-sms", invite.TaskType!.StaticText);
        Assert.Equal("invitation", invite.Headers["template"]);
        var overdue = (BoundaryEventElement)process.Element("overdue");
        Assert.False(overdue.CancelActivity);
        Assert.Same(call, overdue.AttachedTo);
        Assert.Equal(TimerKind.Duration, overdue.Timer!.Kind);
        Assert.Equal("toThank", ((GatewayElement)process.Element("decide")).DefaultFlowId);
        Assert.Equal(["toInvite", "toThank"], process.Element("decide").Outgoing.Select(f => f.Id));
    }

    [Fact]
    public void Should_report_every_element_of_a_supported_file_as_supported()
    {
        var report = BpmnChecker.Check(BpmnReader.Read(Resource("first-contact.bpmn")), KnownTypes.Contains);

        Assert.True(report.IsPublishable, report.ToString());
        Assert.Contains(report.Elements, e => e.ElementId == "overdue" && e.ElementType == "boundaryEvent" && e.Supported);
        Assert.Equal(7 + 6, report.Elements.Count);
    }

    [Fact]
    public void Should_keep_the_xml_text_exactly_as_given()
    {
        var xml = Resource("first-contact.bpmn");

        var definition = BpmnReader.Read(xml);

        // Unknown extension elements (zeebe:properties, zeebe:formDefinition) and the diagram stay as they were.
        Assert.Equal(xml, definition.Xml);
        Assert.Contains("<zeebe:formDefinition formId=\"call-outcome\" />", definition.Xml);
    }

    [Fact]
    public async Task Should_run_the_modeler_file()
    {
        var h = new Harness();
        h.Activities.Register("send-sms", _ => ActivityResult.Complete());
        var process = BpmnReader.Read(Resource("first-contact.bpmn")).MainProcess!;

        var instance = await h.StartAsync(process, new JsonObject { ["consultantId"] = "c-1" });
        await h.Engine.CompleteUserTaskAsync(process, instance, instance.UserTasks.Single().Key, new JsonObject { ["outcome"] = "accepted" });

        Assert.Equal(["assigned", "call", "decide", "invite", "end"], Harness.Path(instance));
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Theory]
    [InlineData("scriptTask")]
    [InlineData("sendTask")]
    [InlineData("businessRuleTask")]
    [InlineData("callActivity")]
    [InlineData("inclusiveGateway")]
    [InlineData("intermediateThrowEvent")]
    [InlineData("task")]
    public void Should_refuse_an_unsupported_element_type_by_its_id(string type)
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "odd")}
            <bpmn:{type} id="odd" />
            """);

        Assert.Equal($"The element type {type} is not supported.", Assert.Single(Finding(report, "odd").Reasons));
    }

    [Fact]
    public void Should_refuse_a_task_type_that_no_activity_implements()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "pay")}
            {ServiceTask("pay", "take-payment")}
            """);

        Assert.Contains("No registered activity implements the task type 'take-payment'.", Finding(report, "pay").Reasons);
    }

    [Fact]
    public void Should_refuse_a_service_task_without_a_type()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "pay")}
            <bpmn:serviceTask id="pay" />
            """);

        Assert.Contains("no task type", Finding(report, "pay").Reasons.Single());
    }

    [Fact]
    public void Should_refuse_an_exclusive_gateway_with_no_default_and_a_flow_without_condition()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "decide")}
            <bpmn:exclusiveGateway id="decide" />
            {Flow("yes", "decide", "end", "= ok")}
            {Flow("no", "decide", "end")}
            <bpmn:endEvent id="end" />
            """);

        Assert.Contains("no default flow", Finding(report, "decide").Reasons.Single());
        Assert.Contains("'no'", Finding(report, "decide").Reasons.Single());
    }

    [Fact]
    public void Should_refuse_bad_feel_with_its_position()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "decide")}
            <bpmn:exclusiveGateway id="decide" default="no" />
            {Flow("yes", "decide", "end", "= outcome = \"accepted")}
            {Flow("no", "decide", "end")}
            <bpmn:endEvent id="end" />
            <bpmn:userTask id="late"><bpmn:extensionElements><zeebe:taskSchedule dueDate="= now() +" /></bpmn:extensionElements></bpmn:userTask>
            {Flow("f9", "start", "late")}
            """);

        Assert.Equal("Bad FEEL in the condition: string is not closed (at position 13).", Finding(report, "yes").Reasons.Single());
        Assert.Contains("Bad FEEL in the due date", Finding(report, "late").Reasons.Single());
        Assert.Contains("ended where a value was expected (at position 10)", Finding(report, "late").Reasons.Single());
    }

    [Fact]
    public void Should_refuse_a_message_without_a_correlation_key()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            """, """<bpmn:message id="m" name="CustomerReplied" />""");

        Assert.Equal("The message 'CustomerReplied' has no correlation key (zeebe:subscription correlationKey).", Finding(report, "wait").Reasons.Single());
    }

    [Fact]
    public void Should_refuse_a_message_reference_that_does_not_exist()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:receiveTask id="wait" messageRef="nowhere" />
            """);

        Assert.Equal("The referenced message 'nowhere' is not defined.", Finding(report, "wait").Reasons.Single());
    }

    [Theory]
    [InlineData("signalEventDefinition", "signal event")]
    [InlineData("errorEventDefinition", "error event")]
    [InlineData("conditionalEventDefinition", "conditional event")]
    public void Should_refuse_unsupported_event_types(string definition, string reason)
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:intermediateCatchEvent id="wait"><bpmn:{definition} /></bpmn:intermediateCatchEvent>
            """);

        Assert.Contains($"A {reason} is not supported.", Finding(report, "wait").Reasons);
    }

    [Fact]
    public void Should_refuse_bad_timer_values()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "a")}
            <bpmn:intermediateCatchEvent id="a">{Timer("timeDuration", "P1M")}</bpmn:intermediateCatchEvent>
            {Flow("f2", "a", "b")}
            <bpmn:intermediateCatchEvent id="b">{Timer("timeCycle", "R/PT1H")}</bpmn:intermediateCatchEvent>
            """);

        Assert.Contains("years-and-months", Finding(report, "a").Reasons.Single());
        Assert.Contains("cannot repeat", Finding(report, "b").Reasons.Single());
    }

    [Fact]
    public void Should_refuse_an_event_based_gateway_leading_to_a_task()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "race")}
            <bpmn:eventBasedGateway id="race" />
            {Flow("f2", "race", "wait")}
            {Flow("f3", "race", "work")}
            <bpmn:intermediateCatchEvent id="wait">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
            {ServiceTask("work", "record")}
            """);

        Assert.Contains("may only lead to timer or message catch events", Finding(report, "race").Reasons.Single());
    }

    [Fact]
    public void Should_refuse_event_sub_processes_and_unreachable_elements()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "end")}
            <bpmn:endEvent id="end" />
            <bpmn:subProcess id="onError" triggeredByEvent="true"><bpmn:startEvent id="s2" /></bpmn:subProcess>
            <bpmn:userTask id="orphan" />
            """);

        Assert.Contains("Event sub-processes are not supported.", Finding(report, "onError").Reasons);
        Assert.Contains("It can never be reached: no sequence flow leads to it.", Finding(report, "orphan").Reasons);
    }

    [Fact]
    public void Should_report_a_file_that_is_not_bpmn()
    {
        var notXml = BpmnChecker.Check(BpmnReader.Read("<definitions"), KnownTypes.Contains);
        var noProcess = BpmnChecker.Check(BpmnReader.Read("""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" />"""), KnownTypes.Contains);

        Assert.False(notXml.IsPublishable);
        Assert.Contains("not well-formed XML", notXml.Problems.Single());
        Assert.Equal("The file has no process.", noProcess.Problems.Single());
    }

    private const string StartToTask = """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
        <bpmn:userTask id="call" />
        <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
        <bpmn:endEvent id="end" />
        """;

    public static TheoryData<string, string, string> Refused => new()
    {
        { StartToTask + """<bpmn:sequenceFlow id="bad" sourceRef="nowhere" targetRef="end" />""", "bad", "Its source 'nowhere' is not an element of the process." },
        { StartToTask + """<bpmn:sequenceFlow id="bad" sourceRef="call" targetRef="nowhere" />""", "bad", "Its target 'nowhere' is not an element of the process." },
        { StartToTask.Replace("""<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />""", Flow("f2", "call", "end", "= true")), "f2",
            "Conditions are supported only on flows leaving an exclusive gateway." },
        { StartToTask + Flow("back", "call", "start"), "start", "A start or boundary event cannot have incoming sequence flows." },
        { StartToTask.Replace("""<bpmn:startEvent id="start" />""", $"""<bpmn:startEvent id="start">{Timer("timeDuration", "PT1H")}</bpmn:startEvent>"""), "start",
            "A timer start event needs timeDate or timeCycle, not timeDuration." },
        { StartToTask.Replace("""<bpmn:userTask id="call" />""", """<bpmn:intermediateCatchEvent id="call" />"""), "call",
            "An intermediate catch event needs a timer or a message definition." },
        { StartToTask.Replace("""<bpmn:userTask id="call" />""", $"""<bpmn:intermediateCatchEvent id="call">{Timer("timeCycle", "R2/PT1H")}</bpmn:intermediateCatchEvent>"""), "call",
            "An intermediate timer cannot repeat (timeCycle); use timeDuration or timeDate." },
        { StartToTask + $"""<bpmn:boundaryEvent id="late" attachedToRef="call">{Timer("timeCycle", "R2/PT1H")}</bpmn:boundaryEvent>""" + Flow("f3", "late", "end"), "late",
            "An interrupting boundary timer cannot repeat (timeCycle); make it non-interrupting or use timeDuration." },
        { StartToTask + $"""<bpmn:boundaryEvent id="late" attachedToRef="call">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>""", "late",
            "A boundary event needs an outgoing sequence flow." },
        { StartToTask + $"""<bpmn:boundaryEvent id="late" attachedToRef="ghost">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>""" + Flow("f3", "late", "end"), "late",
            "It is attached to 'ghost', which is not an element of the process." },
        { """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="which" />
            <bpmn:eventBasedGateway id="which" />
            <bpmn:sequenceFlow id="f2" sourceRef="which" targetRef="wait" />
            <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, "which", "An event-based gateway needs at least two outgoing flows." },
        { """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="which" />
            <bpmn:exclusiveGateway id="which" />
            <bpmn:sequenceFlow id="a" sourceRef="which" targetRef="end" />
            <bpmn:sequenceFlow id="b" sourceRef="which" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, "which", "The gateway has no default flow for it and the outgoing flows 'a', 'b' have no condition." },
        { $"""
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="which" />
            <bpmn:exclusiveGateway id="which" />
            {Flow("a", "which", "end", "= x > 1")}
            <bpmn:sequenceFlow id="b" sourceRef="which" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, "which", "The gateway has no default flow for it and the outgoing flow 'b' has no condition." },
        { $"""
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="which" />
            <bpmn:exclusiveGateway id="which" default="ghost" />
            {Flow("a", "which", "end", "= x > 1")}
            <bpmn:endEvent id="end" />
            """, "which", "Its default flow 'ghost' is not one of its outgoing flows." },
        { """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sub" />
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="s1" />
              <bpmn:startEvent id="s2" />
            </bpmn:subProcess>
            <bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, "sub", "An embedded sub-process needs exactly one none start event; it has 2." },
        { StartToTask.Replace("""<bpmn:userTask id="call" />""",
            """<bpmn:userTask id="call"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="= 1" target=" " /></zeebe:ioMapping></bpmn:extensionElements></bpmn:userTask>"""),
            "call", "An input mapping has no target." },
        { StartToTask.Replace("""<bpmn:userTask id="call" />""",
            """<bpmn:userTask id="call"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="= 1" target="" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:userTask>"""),
            "call", "An output mapping has no target." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Should_refuse_each_unsupported_use_of_an_element_naming_the_reason(string body, string elementId, string reason)
    {
        Assert.Contains(reason, Finding(Check(body), elementId).Reasons);
    }

    [Fact]
    public void Should_refuse_a_process_without_a_start_event()
    {
        var report = Check("""<bpmn:endEvent id="end" />""");

        Assert.Contains("Process 'p' has no start event.", report.Problems);
        Assert.False(report.IsPublishable);
    }

    [Theory]
    [InlineData("R3/PT1H", 3, 60, null)]
    [InlineData(" R1/PT10M ", 1, 10, null)]
    [InlineData("R/PT30M", null, 30, null)]
    [InlineData("R2/2030-01-15T10:00:00+08:00/PT1H", 2, 60, "2030-01-15T10:00:00+08:00")]
    public void Should_read_a_timer_cycle(string text, int? repetitions, int minutes, string? start)
    {
        Assert.True(TimerValues.TryReadCycle(text, out var cycle, out var error), error);

        Assert.Equal(new TimerCycle(repetitions, TimeSpan.FromMinutes(minutes), start is null ? null : DateTimeOffset.Parse(start)), cycle);
        Assert.Null(TimerValues.CheckLiteral(TimerKind.Cycle, text));
    }

    [Theory]
    [InlineData("PT1H", "\"PT1H\" is not an ISO 8601 repeating interval such as R3/PT1H (cron expressions are not supported)")]
    [InlineData("R3", "\"R3\" is not an ISO 8601 repeating interval such as R3/PT1H (cron expressions are not supported)")]
    [InlineData("X3/PT1H", "\"X3/PT1H\" is not an ISO 8601 repeating interval such as R3/PT1H (cron expressions are not supported)")]
    [InlineData("R3/2030-01-15T10:00:00Z/PT1H/PT2H", "\"R3/2030-01-15T10:00:00Z/PT1H/PT2H\" is not an ISO 8601 repeating interval such as R3/PT1H (cron expressions are not supported)")]
    [InlineData("R0/PT1H", "\"R0\" is not a repetition count such as R3")]
    [InlineData("R-1/PT1H", "\"R-1\" is not a repetition count such as R3")]
    [InlineData("Rx/PT1H", "\"Rx\" is not a repetition count such as R3")]
    [InlineData("R2/tomorrow/PT1H", "\"tomorrow\" is not an ISO 8601 date and time")]
    [InlineData("R2/PT0S", "the interval of a cycle must be positive")]
    public void Should_say_why_a_timer_cycle_cannot_be_read(string text, string reason)
    {
        Assert.False(TimerValues.TryReadCycle(text, out var cycle, out var error));

        Assert.Null(cycle);
        Assert.Equal(reason, error);
        Assert.Equal(reason, TimerValues.CheckLiteral(TimerKind.Cycle, text));
    }

    [Fact]
    public void Should_check_a_literal_timer_date()
    {
        Assert.Null(TimerValues.CheckLiteral(TimerKind.Date, "2030-01-15T10:00:00+08:00"));
        Assert.Equal("\"tomorrow\" is not an ISO 8601 date and time such as 2026-01-15T10:00:00+08:00", TimerValues.CheckLiteral(TimerKind.Date, "tomorrow"));
    }
}
