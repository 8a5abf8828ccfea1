using System.Text.Json.Nodes;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Runtime;

public class Gateways_Specs
{
    private readonly Harness _h = new();

    private static readonly string ExclusiveWithDefault = $"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "decide")}
        <bpmn:exclusiveGateway id="decide" default="toOther" />
        {Flow("toBook", "decide", "book", "= outcome = \"accepted\"")}
        {Flow("toRetry", "decide", "retry", "= attempts < 3")}
        {Flow("toOther", "decide", "other")}
        {ServiceTask("book", "record")}
        {ServiceTask("retry", "record")}
        {ServiceTask("other", "record")}
        {Flow("f2", "book", "end")}
        {Flow("f3", "retry", "end")}
        {Flow("f4", "other", "end")}
        <bpmn:endEvent id="end" />
        """;

    [Theory]
    [InlineData("accepted", 1, "book")]   // both conditions hold: the first in order wins
    [InlineData("declined", 1, "retry")]
    [InlineData("declined", 5, "other")]  // none holds: the default flow
    public async Task Should_take_the_first_true_condition_in_order_else_the_default(string outcome, int attempts, string expected)
    {
        var process = Process(ExclusiveWithDefault);

        var instance = await _h.StartAsync(process, new JsonObject { ["outcome"] = outcome, ["attempts"] = attempts });

        Assert.Equal([expected], _h.Executed);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_raise_an_incident_when_no_condition_holds_and_there_is_no_default()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "decide")}
            <bpmn:exclusiveGateway id="decide" />
            {Flow("a", "decide", "end", "= n = 1")}
            {Flow("b", "decide", "end", "= n = 2")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["n"] = 3 });

        var incident = Assert.Single(instance.Incidents);
        Assert.Equal(("decide", "condition"), (incident.ElementId, incident.Kind));
        Assert.Contains("No condition was true", incident.Message);
        Assert.Equal(InstanceStatus.Active, instance.Status);

        await _h.Engine.SetVariablesAsync(process, instance, new JsonObject { ["n"] = 2 });
        await _h.Engine.RetryIncidentAsync(process, instance, incident.Key);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.NotNull(incident.ResolvedAt);
        Assert.Contains(instance.Journal, j => j.ElementId == "b" && j.Outcome == "taken");
    }

    [Fact]
    public async Task Should_raise_an_incident_when_a_condition_is_not_a_boolean()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "decide")}
            <bpmn:exclusiveGateway id="decide" default="b" />
            {Flow("a", "decide", "end", "= missing > 2")}
            {Flow("b", "decide", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Contains("gave null, not true or false", Assert.Single(instance.Incidents).Message);
    }

    [Fact]
    public async Task Should_fork_and_join_in_parallel_waiting_for_every_incoming_flow()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("f2", "fork", "a")}
            {Flow("f3", "fork", "b")}
            {ServiceTask("a", "external")}
            {ServiceTask("b", "external")}
            {Flow("f4", "a", "join")}
            {Flow("f5", "b", "join")}
            <bpmn:parallelGateway id="join" />
            {Flow("f6", "join", "after")}
            {ServiceTask("after", "record")}
            {Flow("f7", "after", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process);
        Assert.Equal(["a", "b"], Harness.Waiting(instance));

        await _h.Engine.CompleteJobAsync(process, instance, instance.Jobs.Single(j => j.ElementId == "a").Key);
        Assert.Empty(_h.Executed);
        Assert.Contains(instance.Journal, j => j.ElementId == "join" && j.Outcome == "joining" && j.Detail == "1 of 2 incoming flows arrived");
        Assert.Equal(InstanceStatus.Active, instance.Status);

        await _h.Engine.CompleteJobAsync(process, instance, instance.Jobs.Single(j => j.ElementId == "b").Key);
        Assert.Equal(["after"], _h.Executed);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Empty(instance.JoinArrivals);
    }

    [Fact]
    public async Task Should_join_immediate_branches_in_one_step()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "fork")}
            <bpmn:parallelGateway id="fork" />
            {Flow("f2", "fork", "a")}
            {Flow("f3", "fork", "b")}
            {Flow("f3b", "fork", "c")}
            {ServiceTask("a", "record")}
            {ServiceTask("b", "record")}
            {ServiceTask("c", "record")}
            {Flow("f4", "a", "join")}
            {Flow("f5", "b", "join")}
            {Flow("f5b", "c", "join")}
            <bpmn:parallelGateway id="join" />
            {Flow("f6", "join", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Single(instance.Journal, j => j.ElementId == "end" && j.Outcome == "completed");
    }

    private static readonly string EventBased = $"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "race")}
        <bpmn:eventBasedGateway id="race" />
        {Flow("f2", "race", "replied")}
        {Flow("f3", "race", "timeout")}
        <bpmn:intermediateCatchEvent id="replied"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="timeout">{Timer("timeDuration", "PT24H")}</bpmn:intermediateCatchEvent>
        {Flow("f4", "replied", "thank")}
        {Flow("f5", "timeout", "remind")}
        {ServiceTask("thank", "record")}
        {ServiceTask("remind", "record")}
        {Flow("f6", "thank", "end")}
        {Flow("f7", "remind", "end")}
        <bpmn:endEvent id="end" />
        """;

    [Fact]
    public async Task Should_take_the_first_event_at_an_event_based_gateway_and_withdraw_the_others_message_first()
    {
        var process = Process(EventBased, Message("m", "CustomerReplied", "= leadId"));
        var instance = await _h.StartAsync(process, new JsonObject { ["leadId"] = "L-1" });
        Assert.Single(instance.Timers);
        Assert.Single(instance.Messages);

        await _h.Engine.CorrelateMessageAsync(process, instance, instance.Messages.Single().Key);

        Assert.Equal(["thank"], _h.Executed);
        Assert.Empty(instance.Timers);
        await _h.AdvanceAsync(process, instance, TimeSpan.FromDays(2));
        Assert.Equal(["thank"], _h.Executed);
    }

    [Fact]
    public async Task Should_take_the_first_event_at_an_event_based_gateway_and_withdraw_the_others_timer_first()
    {
        var process = Process(EventBased, Message("m", "CustomerReplied", "= leadId"));
        var instance = await _h.StartAsync(process, new JsonObject { ["leadId"] = "L-1" });
        var subscription = instance.Messages.Single();

        await _h.AdvanceAsync(process, instance, TimeSpan.FromHours(24));

        Assert.Equal(["remind"], _h.Executed);
        Assert.Empty(instance.Messages);
        Assert.False(await _h.Engine.CorrelateMessageAsync(process, instance, subscription.Key));
    }
}
