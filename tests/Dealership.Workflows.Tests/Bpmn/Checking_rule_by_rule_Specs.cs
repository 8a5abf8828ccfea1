using Dealership.Workflows.Bpmn;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Bpmn;

/// <summary>
/// Each rule of the reader and the checker that no other spec names, one diagram per refusal, and beside them the
/// nearest diagrams the same rules must let through: a rule that refused too much would stop a flow author as
/// surely as one that refused too little would let the engine meet what it cannot run.
/// </summary>
public class Checking_rule_by_rule_Specs
{
    private static readonly HashSet<string> KnownTypes = ["record"];

    private static CheckReport Check(string processBody, string rootExtras = "") =>
        BpmnChecker.Check(BpmnReader.Read(Xml(processBody, rootExtras)), KnownTypes.Contains);

    private static IReadOnlyList<string> Refused(CheckReport report, string elementId)
    {
        Assert.False(report.IsPublishable);
        return Assert.Single(report.Findings, f => f.ElementId == elementId).Reasons;
    }

    private static readonly string Keyed = Message("m", "reply", "= leadId");
    private const string Unkeyed = """<bpmn:message id="m" name="reply" />""";
    private const string Nameless = """<bpmn:message id="m"><bpmn:extensionElements><zeebe:subscription correlationKey="= leadId" /></bpmn:extensionElements></bpmn:message>""";

    private const string StartToTask = """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
        <bpmn:userTask id="call" />
        <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
        <bpmn:endEvent id="end" />
        """;

    private static string StartTo(string element, string id = "it") => $"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", id)}
        {element}
        {Flow("f2", id, "end")}
        <bpmn:endEvent id="end" />
        """;

    private static string UserTask(string extensions) =>
        $"""<bpmn:userTask id="it"><bpmn:extensionElements>{extensions}</bpmn:extensionElements></bpmn:userTask>""";

    private static string Boundary(string attributes, string definition = "") =>
        StartToTask + $"""<bpmn:boundaryEvent id="late" {attributes}>{definition}</bpmn:boundaryEvent>""" + Flow("f3", "late", "end");

    private static string ExclusiveGateway(string attributes, string flows) => $"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "which")}
        <bpmn:exclusiveGateway id="which" {attributes} />
        {flows}
        <bpmn:endEvent id="end" />
        """;

    private static string EventGateway(string second, string extraFlows = "") => $"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "race")}
        <bpmn:eventBasedGateway id="race" />
        {Flow("f2", "race", "wait")}
        {Flow("f3", "race", "other")}
        <bpmn:intermediateCatchEvent id="wait">{Timer("timeDuration", "PT1H")}</bpmn:intermediateCatchEvent>
        {second}
        {Flow("f4", "wait", "end")}
        {Flow("f5", "other", "end")}
        {extraFlows}
        <bpmn:endEvent id="end" />
        """;

    private const string SubProcess = """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sub" />
        <bpmn:subProcess id="sub">
          <bpmn:startEvent id="s1" />
          <bpmn:sequenceFlow id="f2" sourceRef="s1" targetRef="inner" />
          <bpmn:userTask id="inner" />
          <bpmn:sequenceFlow id="f3" sourceRef="inner" targetRef="e1" />
          <bpmn:endEvent id="e1" />
        </bpmn:subProcess>
        <bpmn:sequenceFlow id="f4" sourceRef="sub" targetRef="end" />
        <bpmn:endEvent id="end" />
        """;

    public static TheoryData<string, string, string, string> Refusals => new()
    {
        { SubProcess + Flow("out", "inner", "end"), "", "out", "It crosses the border of a sub-process." },
        { ExclusiveGateway("""default="d" """, Flow("a", "which", "end", "= x > 1") + Flow("d", "which", "end", "= x <= 1")), "", "d",
            "The default flow of a gateway has no condition." },
        // A default flow does not excuse a second flow without a condition: which of the two would run?
        { ExclusiveGateway("""default="d" """, Flow("a", "which", "end") + Flow("d", "which", "end")), "", "which",
            "The gateway has no default flow for it and the outgoing flow 'a' has no condition." },
        { ExclusiveGateway("", ""), "", "which", "The gateway has no outgoing flow." },
        { $"""<bpmn:startEvent id="start" />{Flow("f1", "start", "fork")}<bpmn:parallelGateway id="fork" />""", "", "fork", "The gateway has no outgoing flow." },
        { """<bpmn:startEvent id="start" /><bpmn:userTask name="Call back" />""", "", "", "The element has no id." },
        { SubProcess.Replace("""<bpmn:startEvent id="s1" />""", $"""<bpmn:startEvent id="s1">{Timer("timeDate", "2030-01-15T10:00:00Z")}</bpmn:startEvent>"""), "", "s1",
            "The start event of an embedded sub-process must be a none start event." },
        { StartToTask.Replace("""<bpmn:startEvent id="start" />""", """<bpmn:startEvent id="start"><bpmn:terminateEventDefinition /></bpmn:startEvent>"""), "", "start",
            "A terminate start event does not exist." },
        { StartToTask.Replace("""<bpmn:startEvent id="start" />""", """<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>"""), Nameless, "start",
            "The message has no name." },
        { StartToTask.Replace("""<bpmn:endEvent id="end" />""", """<bpmn:endEvent id="end"><bpmn:messageEventDefinition messageRef="m" /></bpmn:endEvent>"""), Keyed, "end",
            "A message end event is not supported; use a none or terminate end event." },
        { StartToTask.Replace("""<bpmn:endEvent id="end" />""", $"""<bpmn:endEvent id="end">{Timer("timeDuration", "PT1H")}</bpmn:endEvent>"""), "", "end",
            "A timer end event is not supported; use a none or terminate end event." },
        { StartTo("""<bpmn:receiveTask id="it" messageRef="m" />"""), Unkeyed, "it", "The message 'reply' has no correlation key (zeebe:subscription correlationKey)." },
        { StartTo("""<bpmn:intermediateCatchEvent id="it"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>"""), Nameless, "it",
            "The message 'm' has no name." },
        // Without a name the message is named by its id, so the author can find it.
        { StartTo("""<bpmn:intermediateCatchEvent id="it"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>"""), """<bpmn:message id="m" />""", "it",
            "The message 'm' has no correlation key (zeebe:subscription correlationKey)." },
        { StartTo("""<bpmn:intermediateCatchEvent id="it"><bpmn:terminateEventDefinition /></bpmn:intermediateCatchEvent>"""), "", "it",
            "A terminate event can only be an end event." },
        { Boundary("""attachedToRef="start" """, Timer("timeDuration", "PT1H")), "", "late", "Boundary events are supported on tasks and sub-processes, not on startEvent." },
        { Boundary("""attachedToRef="call" """), "", "late", "Only timer and message boundary events are supported." },
        { Boundary("""attachedToRef="call" """, """<bpmn:messageEventDefinition messageRef="m" />"""), Unkeyed, "late",
            "The message 'reply' has no correlation key (zeebe:subscription correlationKey)." },
        { Boundary("", Timer("timeDuration", "PT1H")), "", "late", "It is attached to '', which is not an element of the process." },
        { EventGateway("""<bpmn:receiveTask id="other" messageRef="m" />"""), Keyed, "race",
            "Flow 'f3' leads to receiveTask 'other'; an event-based gateway may only lead to timer or message catch events." },
        { EventGateway("""<bpmn:intermediateCatchEvent id="other" />"""), "", "race",
            "Flow 'f3' leads to intermediateCatchEvent 'other'; an event-based gateway may only lead to timer or message catch events." },
        { EventGateway($"""<bpmn:intermediateCatchEvent id="other">{Timer("timeDuration", "PT2H")}</bpmn:intermediateCatchEvent>""", Flow("f6", "start", "wait")), "", "race",
            "The catch event 'wait' after the gateway must have no other incoming flow." },
        { StartToTask.Replace("""<bpmn:startEvent id="start" />""", $"""<bpmn:startEvent id="start">{Timer("timeDate", "tomorrow")}</bpmn:startEvent>"""), "", "start",
            "Bad timer value: \"tomorrow\" is not an ISO 8601 date and time" },
        { Boundary("""attachedToRef="call" """, Timer("timeDuration", "soon")), "", "late", "Bad timer value: \"soon\" is not an ISO 8601 duration" },
        { StartTo($"""<bpmn:intermediateCatchEvent id="it">{Timer("timeDuration", "= duration(")}</bpmn:intermediateCatchEvent>"""), "", "it", "Bad FEEL in the timer: " },
        // Only events act on an event definition: inside a task or a gateway it would never fire.
        { StartTo($"""<bpmn:userTask id="it">{Timer("timeDuration", "PT1H")}</bpmn:userTask>"""), "", "it",
            "Its child element bpmn:timerEventDefinition is not supported; the engine would ignore it." },
        { StartTo($"""<bpmn:receiveTask id="it" messageRef="m">{Timer("timeDuration", "PT1H")}</bpmn:receiveTask>"""), Keyed, "it",
            "Its child element bpmn:timerEventDefinition is not supported; the engine would ignore it." },
        { StartTo("""<bpmn:exclusiveGateway id="it"><bpmn:messageEventDefinition messageRef="m" /></bpmn:exclusiveGateway>"""), Keyed, "it",
            "Its child element bpmn:messageEventDefinition is not supported; the engine would ignore it." },
        { StartTo("""<bpmn:intermediateCatchEvent id="it"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>"""), Message("m", "reply", "= ("), "it",
            "Bad FEEL in the correlation key: " },
        { StartTo(UserTask("""<zeebe:ioMapping><zeebe:input source="= 1 +" target="x" /></zeebe:ioMapping>""")), "", "it", "Bad FEEL in the input mapping to 'x': " },
        { StartTo(UserTask("""<zeebe:ioMapping><zeebe:output source="= 1 +" target="y" /></zeebe:ioMapping>""")), "", "it", "Bad FEEL in the output mapping to 'y': " },
        { StartTo(ServiceTask("it", "= (")), "", "it", "Bad FEEL in the task type: " },
        { StartTo(UserTask("""<zeebe:assignmentDefinition assignee="= (" />""")), "", "it", "Bad FEEL in the assignee: " },
        { StartTo(UserTask("""<zeebe:assignmentDefinition candidateGroups="= [" />""")), "", "it", "Bad FEEL in the candidate groups: " },
        { StartTo(UserTask("""<zeebe:taskSchedule followUpDate="= now() +" />""")), "", "it", "Bad FEEL in the follow-up date: " },
        { StartTo(UserTask("""<zeebe:ioMapping><zeebe:input source="= 1" /></zeebe:ioMapping>""")), "", "it", "An input mapping has no target." },
        { StartTo(UserTask("""<zeebe:ioMapping><zeebe:output source="= 1" /></zeebe:ioMapping>""")), "", "it", "An output mapping has no target." },
        { StartTo("""<bpmn:intermediateCatchEvent id="it"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration><bpmn:timeDate>2030-01-15T10:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"""),
            "", "it", "The timer needs exactly one of timeDuration, timeDate or timeCycle, with a value." },
        { StartTo("""<bpmn:intermediateCatchEvent id="it"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>"""),
            "", "it", "The timer needs exactly one of timeDuration, timeDate or timeCycle, with a value." },
        { StartTo("""<bpmn:intermediateCatchEvent id="it"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>"""), "", "it", "No message is referenced (messageRef)." },
        { StartTo($"""<bpmn:intermediateCatchEvent id="it">{Timer("timeDuration", "PT1H")}<bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>"""), Keyed, "it",
            "A several event definitions (multiple event) is not supported." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Should_refuse_each_construct_the_engine_cannot_run_on_the_element_that_has_it(string body, string rootExtras, string elementId, string reason)
    {
        Assert.Contains(Refused(Check(body, rootExtras), elementId), r => r.StartsWith(reason, StringComparison.Ordinal));
    }

    public static TheoryData<string, string> Publishable => new()
    {
        { StartToTask.Replace("""<bpmn:startEvent id="start" />""", """<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>"""), Keyed },
        { StartToTask.Replace("""<bpmn:startEvent id="start" />""", $"""<bpmn:startEvent id="start">{Timer("timeCycle", "R/P1D")}</bpmn:startEvent>"""), "" },
        { StartToTask.Replace("""<bpmn:startEvent id="start" />""", $"""<bpmn:startEvent id="start">{Timer("timeDate", "2030-01-15T10:00:00Z")}</bpmn:startEvent>"""), "" },
        { SubProcess, "" },
        // What bpmn-js writes when a sub-process reads a data object and writes a data store, and a process property.
        { """<bpmn:property id="owner" name="owner" />""" + SubProcess.Replace("""<bpmn:subProcess id="sub">""", """
            <bpmn:subProcess id="sub">
              <bpmn:property id="placeholder" name="__targetRef_placeholder" />
              <bpmn:dataInputAssociation id="reads"><bpmn:sourceRef>script</bpmn:sourceRef><bpmn:targetRef>placeholder</bpmn:targetRef></bpmn:dataInputAssociation>
              <bpmn:dataOutputAssociation id="writes"><bpmn:targetRef>crm</bpmn:targetRef></bpmn:dataOutputAssociation>
            """) + """<bpmn:dataObjectReference id="script" dataObjectRef="scriptObject" /><bpmn:dataObject id="scriptObject" /><bpmn:dataStoreReference id="crm" />""", "" },
        // bpmn-js lists a sub-process's flows inside it, as it does a task's.
        { SubProcess.Replace("""<bpmn:subProcess id="sub">""", """<bpmn:subProcess id="sub"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>"""), "" },
        { StartToTask
            + $"""<bpmn:boundaryEvent id="late" attachedToRef="call">{Timer("timeDuration", "PT1H")}</bpmn:boundaryEvent>""" + Flow("f3", "late", "end")
            + $"""<bpmn:boundaryEvent id="nudge" attachedToRef="call" cancelActivity="false">{Timer("timeCycle", "R3/PT1H")}</bpmn:boundaryEvent>""" + Flow("f4", "nudge", "end")
            + """<bpmn:boundaryEvent id="withdrawn" attachedToRef="call"><bpmn:messageEventDefinition messageRef="m" /></bpmn:boundaryEvent>""" + Flow("f5", "withdrawn", "end"),
            Keyed },
        { StartToTask.Replace("""<bpmn:userTask id="call" />""", UserTask("""<zeebe:ioMapping><zeebe:input source="= lead.name" target="customer" /><zeebe:output source="= outcome" target="callOutcome" /></zeebe:ioMapping>""").Replace("\"it\"", "\"call\"")), "" },
        // A lone flow needs no condition: there is nothing to choose.
        { ExclusiveGateway("", Flow("a", "which", "end")), "" },
        { ExclusiveGateway("""default="d" """, Flow("a", "which", "end", "= x > 1") + Flow("d", "which", "end")), "" },
        { EventGateway("""<bpmn:intermediateCatchEvent id="other"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>"""), Keyed },
        // What only describes the process: its documentation, a group drawn around elements, a task's own list of its flows.
        { """
            <bpmn:documentation>Follow up every lead within a day</bpmn:documentation>
            <bpmn:category id="stages"><bpmn:categoryValue id="contact" value="First contact" /></bpmn:category>
            <bpmn:group id="firstContact" categoryValueRef="contact" />
            """ + StartToTask.Replace("""<bpmn:userTask id="call" />""",
                """<bpmn:userTask id="call"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>"""), "" },
    };

    [Theory]
    [MemberData(nameof(Publishable))]
    public void Should_let_through_what_the_engine_runs(string body, string rootExtras)
    {
        var report = Check(body, rootExtras);

        Assert.True(report.IsPublishable, report.ToString());
    }

    [Fact]
    public void Should_give_a_timer_start_without_a_value_the_one_reason_that_applies()
    {
        var report = Check(StartToTask.Replace("""<bpmn:startEvent id="start" />""", """<bpmn:startEvent id="start"><bpmn:timerEventDefinition /></bpmn:startEvent>"""));

        Assert.Equal(["The timer needs exactly one of timeDuration, timeDate or timeCycle, with a value."], Refused(report, "start"));
    }

    [Fact]
    public void Should_tell_a_flows_findings_as_a_sequence_flow_with_its_line_and_list_them_after_the_problems()
    {
        var xml = Xml("""
            <bpmn:userTask id="call" />
            <bpmn:sequenceFlow id="bad" sourceRef="nowhere" targetRef="call" />
            """);
        var report = BpmnChecker.Check(BpmnReader.Read(xml), KnownTypes.Contains);

        var finding = Assert.Single(report.Findings, f => f.ElementId == "bad");
        Assert.Equal("sequenceFlow", finding.ElementType);
        Assert.Equal(LineOf(xml, """id="bad" """), finding.Line);
        Assert.Equal(LineOf(xml, """id="call" """), Assert.Single(report.Elements, e => e.ElementId == "call").Line);
        Assert.Equal(
            ["Process 'p' has no start event.", "bad (sequenceFlow): Its source 'nowhere' is not an element of the process."],
            report.ToString().Split(Environment.NewLine));
    }

    private static int LineOf(string xml, string text) => xml[..xml.IndexOf(text, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void Should_refuse_a_file_whose_root_is_not_bpmn_definitions()
    {
        var definition = BpmnReader.Read("""<flow id="x" />""");

        Assert.Equal(["The root element is flow, not bpmn:definitions of BPMN 2.0."], definition.Problems);
        Assert.Empty(definition.Processes);
    }

    private static string Processes(params string[] attributes) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs">
          {string.Concat(attributes.Select((a, i) => $"""<bpmn:process id="p{i + 1}" {a}><bpmn:startEvent id="start{i + 1}" /><bpmn:scriptTask id="script{i + 1}" /></bpmn:process>"""))}
        </bpmn:definitions>
        """;

    [Theory]
    [InlineData(new[] { "" }, "No process is marked executable (isExecutable=\"true\").", "p1")]
    [InlineData(new[] { """isExecutable="false" """ }, "No process is marked executable (isExecutable=\"true\").", "p1")]
    [InlineData(new[] { """isExecutable="true" """, """isExecutable="true" """ }, "More than one process is executable; collaborations of several processes are not supported.", "p1")]
    [InlineData(new[] { "", """isExecutable="true" """ }, null, "p2")]
    [InlineData(new[] { """isExecutable="true" """, "" }, null, "p1")]
    public void Should_run_and_check_the_one_executable_process_of_a_file(string[] processes, string? problem, string checkedProcess)
    {
        var definition = BpmnReader.Read(Processes(processes));
        var report = BpmnChecker.Check(definition, KnownTypes.Contains);

        Assert.Equal(problem is null ? [] : [problem], report.Problems);
        Assert.Equal(checkedProcess, definition.MainProcess!.Id);
        // The process that runs is the one checked, whether or not the file may be published as it is.
        Assert.Equal(["script" + checkedProcess[1..]], report.Findings.Where(f => f.ElementType == "scriptTask").Select(f => f.ElementId));
    }
}
