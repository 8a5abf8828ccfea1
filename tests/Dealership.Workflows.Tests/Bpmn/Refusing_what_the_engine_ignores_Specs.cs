using Dealership.Workflows.Bpmn;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Bpmn;

/// <summary>
/// Files drawn in other tools carry markers, listeners and extensions the reader does not read. The engine would
/// run such an element as if they were not there, so the check refuses the element, by its id, instead.
/// </summary>
public class Refusing_what_the_engine_ignores_Specs
{
    private static readonly HashSet<string> KnownTypes = ["send-sms", "record"];

    private const string Namespaces = """
        xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:flowable="http://flowable.org/bpmn"
        xmlns:signavio="http://www.signavio.com" xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0"
        """;

    private static CheckReport CheckFile(string xml) => BpmnChecker.Check(BpmnReader.Read(xml), KnownTypes.Contains);

    private static CheckReport Check(string processBody, string rootExtras = "", string processAttributes = "") =>
        CheckFile(Xml(processBody, rootExtras)
            .Replace("xmlns:zeebe=", $"{Namespaces} xmlns:zeebe=")
            .Replace("""<bpmn:process id="p" isExecutable="true">""", $"""<bpmn:process id="p" isExecutable="true" {processAttributes}>"""));

    /// <summary>Start, the element under test (id "it"), end.</summary>
    private static CheckReport CheckAround(string element, string processAttributes = "") => Check($"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "it")}
        {element}
        {Flow("f2", "it", "end")}
        <bpmn:endEvent id="end" />
        """, processAttributes: processAttributes);

    private static IReadOnlyList<string> Refused(CheckReport report, string elementId)
    {
        Assert.False(report.IsPublishable);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(elementId, finding.ElementId);
        return finding.Reasons;
    }

    [Theory]
    [InlineData("", "parallel")]
    [InlineData("""isSequential="true" """, "sequential")]
    public void Should_refuse_a_multi_instance_user_task_by_its_id(string sequential, string kind)
    {
        var report = CheckAround($"""
            <bpmn:userTask id="it" name="Call each contact">
              <bpmn:multiInstanceLoopCharacteristics {sequential}>
                <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="= contacts" inputElement="contact" /></bpmn:extensionElements>
              </bpmn:multiInstanceLoopCharacteristics>
            </bpmn:userTask>
            """);

        var reason = Assert.Single(Refused(report, "it"));
        Assert.StartsWith($"It is a {kind} multi-instance (multiInstanceLoopCharacteristics): the engine would run it once, not once per item.", reason);
    }

    [Fact]
    public void Should_refuse_a_multi_instance_sub_process_on_the_sub_process()
    {
        var report = CheckAround("""
            <bpmn:subProcess id="it">
              <bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
              <bpmn:startEvent id="inner" />
            </bpmn:subProcess>
            """);

        Assert.Contains("multi-instance", Assert.Single(Refused(report, "it")));
    }

    [Fact]
    public void Should_refuse_a_loop_marker_by_its_id()
    {
        var report = CheckAround("""
            <bpmn:serviceTask id="it">
              <bpmn:extensionElements><zeebe:taskDefinition type="record" /></bpmn:extensionElements>
              <bpmn:standardLoopCharacteristics testBefore="false"><bpmn:loopCondition>= done</bpmn:loopCondition></bpmn:standardLoopCharacteristics>
            </bpmn:serviceTask>
            """);

        Assert.Equal("It has a loop marker (standardLoopCharacteristics): the engine would run it once. Draw the loop with an exclusive gateway and a flow back.",
            Assert.Single(Refused(report, "it")));
    }

    [Fact]
    public void Should_refuse_zeebe_execution_and_task_listeners_by_the_id_they_are_on()
    {
        var onTask = CheckAround("""
            <bpmn:userTask id="it">
              <bpmn:extensionElements>
                <zeebe:taskListeners><zeebe:taskListener eventType="completing" type="audit" /></zeebe:taskListeners>
                <zeebe:executionListeners><zeebe:executionListener eventType="start" type="notify" /></zeebe:executionListeners>
              </bpmn:extensionElements>
            </bpmn:userTask>
            """);
        var onProcess = Check($"""
            <bpmn:extensionElements>
              <zeebe:executionListeners><zeebe:executionListener eventType="end" type="archive" /></zeebe:executionListeners>
            </bpmn:extensionElements>
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "end")}
            <bpmn:endEvent id="end" />
            """);

        Assert.Equal(
            ["Its task listeners (zeebe:taskListeners) would never be called: the engine has no listeners.",
             "Its execution listeners (zeebe:executionListeners) would never be called: the engine has no listeners. Draw the work as a service task."],
            Refused(onTask, "it"));
        Assert.Contains("zeebe:executionListeners", Assert.Single(Refused(onProcess, "p")));
    }

    public static TheoryData<string, string> ForeignDialects => new()
    {
        { """<bpmn:userTask id="it" camunda:assignee="${initiator}" />""",
            "The attribute camunda:assignee belongs to Camunda 7's dialect, which this engine does not run; it would be ignored." },
        { """<bpmn:userTask id="it"><bpmn:extensionElements><camunda:taskListener event="create" class="com.acme.Notify" /></bpmn:extensionElements></bpmn:userTask>""",
            "camunda:taskListener belongs to Camunda 7's dialect, which this engine does not run; it would be ignored." },
        { """<bpmn:serviceTask id="it" flowable:class="com.acme.SendSms"><bpmn:extensionElements><zeebe:taskDefinition type="send-sms" /></bpmn:extensionElements></bpmn:serviceTask>""",
            "The attribute flowable:class belongs to Flowable's dialect, which this engine does not run; it would be ignored." },
        { """<bpmn:serviceTask id="it"><bpmn:extensionElements><zeebe:taskDefinition type="send-sms" /><zeebe:calledElement processId="other" /></bpmn:extensionElements></bpmn:serviceTask>""",
            "zeebe:calledElement is not supported on a serviceTask; the engine would ignore it." },
        { """<bpmn:userTask id="it"><bpmn:extensionElements><zeebe:priorityDefinition priority="80" /></bpmn:extensionElements></bpmn:userTask>""",
            "zeebe:priorityDefinition is not supported on a userTask; the engine would ignore it." },
        { """<bpmn:userTask id="it"><bpmn:extensionElements><acme:sla xmlns:acme="urn:acme" hours="4" /></bpmn:extensionElements></bpmn:userTask>""",
            "The extension element acme:sla is not known to the engine; it would be ignored." },
        { """<bpmn:userTask id="it"><acme:sla xmlns:acme="urn:acme" hours="4" /></bpmn:userTask>""",
            "acme:sla is not BPMN 2.0 and stands outside bpmn:extensionElements; the engine would ignore it." },
        { """<bpmn:userTask id="it"><bpmn:potentialOwner><bpmn:resourceAssignmentExpression><bpmn:formalExpression>sales</bpmn:formalExpression></bpmn:resourceAssignmentExpression></bpmn:potentialOwner></bpmn:userTask>""",
            "Who does it is given by bpmn:potentialOwner, which the engine does not read; use zeebe:assignmentDefinition." },
        { """<bpmn:userTask id="it"><bpmn:ioSpecification><bpmn:dataInput id="in1" /><bpmn:inputSet><bpmn:dataInputRefs>in1</bpmn:dataInputRefs></bpmn:inputSet><bpmn:outputSet /></bpmn:ioSpecification></bpmn:userTask>""",
            "Its data inputs and outputs (ioSpecification) are not read by the engine; use zeebe:ioMapping." },
        { """<bpmn:userTask id="it" isForCompensation="true" />""",
            "It is a compensation handler (isForCompensation); compensation is not supported." },
        { """<bpmn:userTask id="it" completionQuantity="2" />""",
            "Its completionQuantity is 2; the engine starts and completes an activity with one token." },
        { """<bpmn:userTask id="it" default="f2" />""",
            "Its default flow 'f2' would not be honoured: the engine takes every outgoing flow of a userTask. Put an exclusive gateway after it." },
        { """<bpmn:intermediateCatchEvent id="it"><bpmn:eventDefinitionRef>sharedTimer</bpmn:eventDefinitionRef></bpmn:intermediateCatchEvent>""",
            "It refers to an event definition elsewhere in the file (eventDefinitionRef); the engine reads only event definitions inside the event." },
    };

    [Theory]
    [MemberData(nameof(ForeignDialects))]
    public void Should_refuse_what_another_dialect_or_an_unread_part_would_make_the_element_do(string element, string reason)
    {
        Assert.Contains(reason, Refused(CheckAround(element), "it"));
    }

    [Fact]
    public void Should_refuse_a_condition_written_in_another_language_on_the_flow()
    {
        var report = Check("""
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />
            <bpmn:exclusiveGateway id="decide" default="no" />
            <bpmn:sequenceFlow id="yes" sourceRef="decide" targetRef="end">
              <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">approved == true</bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="no" sourceRef="decide" targetRef="end" />
            <bpmn:endEvent id="end" />
            """);

        Assert.Contains("The condition is written in 'javascript'; the engine reads FEEL only.", Refused(report, "yes"));
    }

    [Fact]
    public void Should_let_descriptions_drawing_and_metadata_through()
    {
        var report = Check("""
            <bpmn:extensionElements><zeebe:properties><zeebe:property name="owner" value="ops" /></zeebe:properties></bpmn:extensionElements>
            <bpmn:laneSet id="lanes"><bpmn:lane id="sales" name="Sales"><bpmn:flowNodeRef>call</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
            <bpmn:startEvent id="start" bioc:fill="#eee"><bpmn:documentation>A lead is assigned</bpmn:documentation></bpmn:startEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
            <bpmn:userTask id="call" name="Call">
              <bpmn:extensionElements>
                <signavio:signavioMetaData metaKey="bgcolor" metaValue="#ffffcc" />
                <zeebe:userTask />
                <zeebe:assignmentDefinition assignee="= consultant" />
                <zeebe:formDefinition formId="call-outcome" />
                <zeebe:ioMapping><zeebe:output source="= outcome" target="callOutcome" /></zeebe:ioMapping>
              </bpmn:extensionElements>
              <bpmn:property id="placeholder" name="__targetRef_placeholder" />
              <bpmn:dataInputAssociation id="readsScript"><bpmn:sourceRef>script</bpmn:sourceRef><bpmn:targetRef>placeholder</bpmn:targetRef></bpmn:dataInputAssociation>
              <bpmn:dataOutputAssociation id="writesCrm"><bpmn:targetRef>crm</bpmn:targetRef></bpmn:dataOutputAssociation>
            </bpmn:userTask>
            <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="sms" />
            <bpmn:serviceTask id="sms" implementation="##WebService">
              <bpmn:extensionElements>
                <zeebe:taskDefinition type="send-sms" />
                <zeebe:taskHeaders><zeebe:header key="template" value="thanks" /></zeebe:taskHeaders>
              </bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:sequenceFlow id="f3" sourceRef="sms" targetRef="end" />
            <bpmn:endEvent id="end" />
            <bpmn:dataObjectReference id="script" dataObjectRef="scriptObject" />
            <bpmn:dataObject id="scriptObject" />
            <bpmn:dataStoreReference id="crm" name="CRM" />
            <bpmn:textAnnotation id="note"><bpmn:text>Call within 24 hours</bpmn:text></bpmn:textAnnotation>
            <bpmn:association id="toNote" sourceRef="call" targetRef="note" />
            """, processAttributes: """camunda:historyTimeToLive="180" """);

        Assert.True(report.IsPublishable, report.ToString());
    }

    [Fact]
    public void Should_refuse_two_elements_with_one_id_once_on_that_id_and_keep_the_first()
    {
        var xml = Xml($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            <bpmn:userTask id="call" />
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            <bpmn:endEvent id="call" />
            """);

        var definition = BpmnReader.Read(xml);
        var report = BpmnChecker.Check(definition, KnownTypes.Contains);

        Assert.Equal(ElementKind.UserTask, definition.MainProcess!.Element("call").Kind);
        var finding = Assert.Single(report.Elements, e => e.ElementId == "call");
        Assert.False(finding.Supported);
        Assert.Equal("2 elements carry the id 'call' (userTask on line 11, endEvent on line 14); ids must be unique, or one element silently takes the other's place.",
            Assert.Single(finding.Reasons));
        Assert.False(report.IsPublishable);
    }

    [Fact]
    public void Should_refuse_a_duplicate_id_among_flows_and_messages()
    {
        var report = Check($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:receiveTask id="wait" messageRef="m" />
            {Flow("f1", "wait", "end")}
            <bpmn:endEvent id="end" />
            """, Message("m", "Replied", "= leadId") + Message("m", "Other", "= leadId"));

        Assert.Contains("2 elements carry the id 'f1'", Assert.Single(report.Findings, f => f.ElementId == "f1").Reasons.Single());
        Assert.Contains("2 elements carry the id 'm'", Assert.Single(report.Findings, f => f.ElementId == "m").Reasons.Single());
    }

    [Fact]
    public void Should_answer_a_collaboration_of_pools_and_message_flows_with_findings()
    {
        var xml = """
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
              <bpmn:collaboration id="c">
                <bpmn:participant id="dealer" processRef="invite" />
                <bpmn:participant id="customer" processRef="reply" />
                <bpmn:messageFlow id="mf" sourceRef="sms" targetRef="got" />
              </bpmn:collaboration>
              <bpmn:process id="invite" isExecutable="true">
                <bpmn:laneSet><bpmn:lane id="l1"><bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
                <bpmn:startEvent id="start" />
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sms" />
                <bpmn:sendTask id="sms" />
              </bpmn:process>
              <bpmn:process id="reply" isExecutable="true">
                <bpmn:startEvent id="got" />
              </bpmn:process>
            </bpmn:definitions>
            """;

        var report = CheckFile(xml);

        Assert.Equal("More than one process is executable; collaborations of several processes are not supported.", Assert.Single(report.Problems));
        Assert.Equal("The element type sendTask is not supported.", Assert.Single(report.Findings).Reasons.Single());
    }

    [Fact]
    public void Should_say_an_attribute_is_not_a_boolean_instead_of_failing()
    {
        var report = CheckFile(Xml($"""<bpmn:startEvent id="start" />{Flow("f1", "start", "end")}<bpmn:endEvent id="end" />""")
            .Replace("""isExecutable="true" """.Trim(), """isExecutable="yes" """.Trim()));

        Assert.Contains("isExecutable=\"yes\" is neither true nor false.", Assert.Single(report.Findings, f => f.ElementId == "p").Reasons);
        Assert.False(report.IsPublishable);
    }

    [Theory]
    [InlineData("""<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>""", "&lol3;")]
    [InlineData("""<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>""", "&xxe;")]
    public void Should_refuse_a_document_type_unread(string doctype, string reference)
    {
        var xml = Xml("<bpmn:startEvent id=\"start\" name=\"" + reference + "\" />").Replace("<bpmn:definitions", doctype + "\n<bpmn:definitions");

        var definition = BpmnReader.Read(xml);

        Assert.Empty(definition.Processes);
        Assert.Equal("The file declares a document type (<!DOCTYPE>). BPMN files have none; the file is refused unread, so that no entity in it is expanded or fetched.",
            Assert.Single(definition.Problems));
    }

    [Theory]
    [InlineData(100, "nests deeper than 64 levels")]
    [InlineData(0, "too long")]
    public void Should_refuse_an_expression_too_deep_or_too_long_to_evaluate_safely(int depth, string reason)
    {
        var expression = depth > 0 ? "= " + new string('(', depth) + "1" + new string(')', depth) : "= " + string.Join(" + ", Enumerable.Repeat("1", 5000));

        var report = Check($"""
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />
            <bpmn:exclusiveGateway id="decide" default="no" />
            {Flow("yes", "decide", "end", expression)}
            <bpmn:sequenceFlow id="no" sourceRef="decide" targetRef="end" />
            <bpmn:endEvent id="end" />
            """);

        Assert.Contains(reason, Assert.Single(Refused(report, "yes")));
    }

    [Fact]
    public void Should_refuse_sub_processes_nested_without_end_instead_of_overflowing()
    {
        const int depth = 5000;
        var nested = string.Concat(Enumerable.Range(0, depth).Select(i => $"""<bpmn:subProcess id="s{i}">""")) + string.Concat(Enumerable.Repeat("</bpmn:subProcess>", depth));

        var report = Check($"""<bpmn:startEvent id="start" />{Flow("f1", "start", "s0")}{nested}""");

        Assert.Contains(report.Findings, f => f.Reasons.Contains("Sub-processes nest more than 32 deep here; what is inside was not read."));
    }
}
