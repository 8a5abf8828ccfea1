using System.Text.Json.Nodes;

namespace Dealership.Workflows.Runtime;

/// <summary>What a service task's activity sees.</summary>
public sealed record ActivityContext(
    Guid InstanceId,
    string ProcessId,
    string ElementId,
    long JobKey,
    string TaskType,
    IReadOnlyDictionary<string, string> Headers,
    JsonObject Variables,
    TimeProvider Clock);

public abstract record ActivityResult
{
    /// <summary>The task is done; its variables go to the instance (through output mappings when there are any).</summary>
    public sealed record Completed(JsonObject? Variables) : ActivityResult;

    /// <summary>The task waits until someone completes the job (<see cref="WorkflowEngine.CompleteJobAsync"/>).</summary>
    public sealed record Waiting : ActivityResult;

    public static ActivityResult Complete(JsonObject? variables = null) => new Completed(variables);
    public static readonly ActivityResult Wait = new Waiting();
}

/// <summary>The code behind a service task's type. Throwing raises an incident on that instance.</summary>
public interface IWorkflowActivity
{
    Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken);
}

/// <summary>The activities the host offers, by task type (zeebe:taskDefinition type).</summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider?, IWorkflowActivity>> _activities = new(StringComparer.Ordinal);

    public ActivityRegistry Register(string taskType, IWorkflowActivity activity)
    {
        _activities[taskType] = _ => activity;
        return this;
    }

    public ActivityRegistry Register(string taskType, Func<ActivityContext, ActivityResult> activity) =>
        Register(taskType, new DelegateActivity((c, _) => Task.FromResult(activity(c))));

    public ActivityRegistry Register(string taskType, Func<ActivityContext, CancellationToken, Task<ActivityResult>> activity) =>
        Register(taskType, new DelegateActivity(activity));

    /// <summary>An activity created per use from the host's services (e.g. one that needs a scoped DbContext).</summary>
    public ActivityRegistry Register(string taskType, Func<IServiceProvider?, IWorkflowActivity> factory)
    {
        _activities[taskType] = factory;
        return this;
    }

    public bool IsKnown(string taskType) => _activities.ContainsKey(taskType);

    public IEnumerable<string> TaskTypes => _activities.Keys;

    public IWorkflowActivity? Find(string taskType, IServiceProvider? services) =>
        _activities.TryGetValue(taskType, out var factory) ? factory(services) : null;

    private sealed class DelegateActivity(Func<ActivityContext, CancellationToken, Task<ActivityResult>> body) : IWorkflowActivity
    {
        public Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => body(context, cancellationToken);
    }
}
