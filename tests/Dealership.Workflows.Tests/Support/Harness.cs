using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Workflows.Tests.Support;

/// <summary>An engine on a fake clock with a few activities, the way a host would set it up.</summary>
public sealed class Harness
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);
    public ActivityRegistry Activities { get; } = new();
    public List<string> Executed { get; } = [];
    public WorkflowEngine Engine { get; }

    public Harness()
    {
        Engine = new WorkflowEngine(Activities, Clock);
        // "record": completes at once and notes that it ran; "external": waits for a completion from outside.
        Activities.Register("record", c =>
        {
            Executed.Add(c.ElementId);
            return ActivityResult.Complete(new JsonObject { [c.ElementId + "Done"] = true });
        });
        Activities.Register("external", _ => ActivityResult.Wait);
        Activities.Register("fail", ActivityResult (ActivityContext c) => throw new InvalidOperationException("carrier unreachable"));
    }

    public Task<WorkflowInstance> StartAsync(ProcessModel process, JsonObject? variables = null) => Engine.StartAsync(process, variables);

    /// <summary>Moves the clock and fires what became due, as the host's timer poller would.</summary>
    public async Task AdvanceAsync(ProcessModel process, WorkflowInstance instance, TimeSpan by)
    {
        Clock.Advance(by);
        await Engine.FireDueTimersAsync(process, instance);
    }

    public static IEnumerable<string> Path(WorkflowInstance instance) =>
        instance.Journal.Where(j => j.Outcome == "completed" && j.ElementId != instance.ProcessId).Select(j => j.ElementId);

    public static string[] Waiting(WorkflowInstance instance) => instance.Elements.Where(e => e.State == ElementState.Waiting).Select(e => e.ElementId).Order().ToArray();
}
