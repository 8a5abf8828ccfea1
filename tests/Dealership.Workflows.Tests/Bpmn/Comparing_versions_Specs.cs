using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Bpmn;

public class Comparing_versions_Specs
{
    private static string Flow(string timer, string condition, string headers, string assignee, string type) => $"""
        <bpmn:startEvent id="start" />
        {Diagram.Flow("f1", "start", "call")}
        <bpmn:userTask id="call" name="First call">
          <bpmn:extensionElements>
            <zeebe:assignmentDefinition assignee="{assignee}" />
            <zeebe:taskHeaders>{headers}</zeebe:taskHeaders>
          </bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:boundaryEvent id="late" attachedToRef="call" cancelActivity="false">{Timer("timeDuration", timer)}</bpmn:boundaryEvent>
        {Diagram.Flow("f2", "late", "alert")}
        {ServiceTask("alert", type)}
        {Diagram.Flow("f3", "call", "decide")}
        <bpmn:exclusiveGateway id="decide" default="f5" />
        {Diagram.Flow("f4", "decide", "end", condition)}
        {Diagram.Flow("f5", "decide", "end")}
        <bpmn:endEvent id="end" />
        """;

    private static readonly string Before = Flow("PT24H", "= outcome = \"accepted\"", """<zeebe:header key="outcomes" value="accepted,refused" /><zeebe:header key="why" value="a" />""", "= consultantId", "send-sms");

    private static ProcessDiff Compare(string after) => BpmnDiff.Compare(Process(Before), Process(after));

    [Fact]
    public void Should_find_no_change_between_a_version_and_itself()
    {
        Assert.True(Compare(Before).IsEmpty);
    }

    [Fact]
    public void Should_name_each_property_that_changed_on_an_element()
    {
        var diff = Compare(Flow("PT2H", "= outcome = \"accepted\"", """<zeebe:header key="outcomes" value="accepted,refused,later" /><zeebe:header key="why" value="b" />""",
            "= supervisorId", "notify-supervisor"));

        Assert.Equal(["call", "late", "alert"], diff.Elements.Select(e => e.Id));
        Assert.All(diff.Elements, e => Assert.Equal(ChangeKind.Changed, e.Change));
        Assert.Equal(["assignment", "outcomes", "headers"], diff.Elements[0].Properties);
        Assert.Equal(["timer"], diff.Elements[1].Properties);
        Assert.Equal(["taskType"], diff.Elements[2].Properties);
        Assert.Empty(diff.Flows);
    }

    [Fact]
    public void Should_name_a_changed_condition_on_its_flow()
    {
        var diff = Compare(Flow("PT24H", "= outcome = \"booked\"", """<zeebe:header key="outcomes" value="accepted,refused" /><zeebe:header key="why" value="a" />""", "= consultantId", "send-sms"));

        Assert.Empty(diff.Elements);
        var flow = Assert.Single(diff.Flows);
        Assert.Equal(("f4", ChangeKind.Changed, "condition"), (flow.Id, flow.Change, Assert.Single(flow.Properties)));
    }

    [Fact]
    public void Should_see_an_element_whose_type_changed_under_the_same_id()
    {
        var after = Before.Replace("""<bpmn:endEvent id="end" />""", """<bpmn:endEvent id="end"><bpmn:terminateEventDefinition /></bpmn:endEvent>""");

        var change = Assert.Single(Compare(after).Elements);

        Assert.Equal(("end", "endEvent:terminate", "type"), (change.Id, change.Type, Assert.Single(change.Properties)));
    }
}
