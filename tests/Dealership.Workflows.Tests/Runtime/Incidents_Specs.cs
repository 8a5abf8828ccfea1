using System.Text.Json.Nodes;
using Dealership.Workflows.Runtime;
using Dealership.Workflows.Tests.Support;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Runtime;

public class Incidents_Specs
{
    private readonly Harness _h = new();

    [Fact]
    public async Task Should_raise_an_incident_on_a_feel_error_and_harm_no_other_instance()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "wait")}
            <bpmn:intermediateCatchEvent id="wait">{Timer("timeDuration", "= duration(delay)")}</bpmn:intermediateCatchEvent>
            {Flow("f2", "wait", "end")}
            <bpmn:endEvent id="end" />
            """);

        var broken = await _h.StartAsync(process, new JsonObject { ["delay"] = "tomorrow" });
        var healthy = await _h.StartAsync(process, new JsonObject { ["delay"] = "PT1H" });

        var incident = Assert.Single(broken.Incidents);
        Assert.Equal(("wait", "expression"), (incident.ElementId, incident.Kind));
        Assert.Contains("\"tomorrow\" is not an ISO 8601 duration", incident.Message);
        Assert.Contains(broken.Journal, j => j.Outcome == "incident" && j.ElementId == "wait");
        Assert.Empty(healthy.Incidents);
        await _h.AdvanceAsync(process, healthy, TimeSpan.FromHours(1));
        Assert.Equal(InstanceStatus.Completed, healthy.Status);
    }

    [Fact]
    public async Task Should_raise_an_incident_when_an_activity_throws_and_run_it_again_on_retry()
    {
        var calls = 0;
        _h.Activities.Register("flaky", _ => ++calls == 1 ? throw new TimeoutException("SMS gateway timed out") : ActivityResult.Complete());
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "sms")}
            {ServiceTask("sms", "flaky")}
            {Flow("f2", "sms", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process);
        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("activity-failed", incident.Kind);
        Assert.Contains("SMS gateway timed out", incident.Message);
        Assert.True(instance.HasOpenIncident);

        await _h.Engine.RetryIncidentAsync(process, instance, incident.Key);

        Assert.Equal(2, calls);
        Assert.False(instance.HasOpenIncident);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_raise_an_incident_when_no_activity_implements_the_task_type_any_more()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "x")}
            {ServiceTask("x", "= kind + &quot;-task&quot;")}
            {Flow("f2", "x", "end")}
            <bpmn:endEvent id="end" />
            """);

        var instance = await _h.StartAsync(process, new JsonObject { ["kind"] = "unknown" });

        Assert.Contains("'unknown-task'", Assert.Single(instance.Incidents).Message);
    }

    [Fact]
    public async Task Should_keep_the_job_result_when_an_output_mapping_fails_and_apply_it_on_retry()
    {
        var process = Process($"""
            <bpmn:startEvent id="start" />
            {Flow("f1", "start", "call")}
            {ServiceTask("call", "external", """<zeebe:ioMapping><zeebe:output source="= result * factor" target="score" /></zeebe:ioMapping>""")}
            {Flow("f2", "call", "end")}
            <bpmn:endEvent id="end" />
            """);
        var instance = await _h.StartAsync(process, new JsonObject { ["factor"] = "two" });

        await _h.Engine.CompleteJobAsync(process, instance, instance.Jobs.Single().Key, new JsonObject { ["result"] = 21 });
        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("mapping", incident.Kind);

        await _h.Engine.SetVariablesAsync(process, instance, new JsonObject { ["factor"] = 2 });
        await _h.Engine.RetryIncidentAsync(process, instance, incident.Key);

        Assert.Equal(42m, instance.Variables["score"]!.GetValue<decimal>());
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Should_raise_an_incident_when_a_job_is_reported_failed()
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

        Assert.Equal("booking system down", Assert.Single(instance.Incidents).Message);
        Assert.Empty(instance.Jobs);
    }
}
