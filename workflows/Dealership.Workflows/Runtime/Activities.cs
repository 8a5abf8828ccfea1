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

/// <summary>
/// What a person designing a flow is told of an activity: its name, what it does, and the task headers it reads, in
/// English and Chinese. The designer turns it into a form (an element template), so the headers are described once, here.
/// </summary>
public sealed record ActivityDescription(string Name, string NameZh, string Description, string DescriptionZh, IReadOnlyList<ActivityHeader> Headers);

/// <summary>A task header an activity reads (<c>zeebe:header key</c>); with <see cref="Choices"/> only those values are meant.</summary>
public sealed record ActivityHeader(string Key, string Label, string LabelZh, bool Required = false, string? Default = null, IReadOnlyList<ActivityChoice>? Choices = null);

public sealed record ActivityChoice(string Value, string Label, string LabelZh);

/// <summary>The activities the host offers, by task type (zeebe:taskDefinition type).</summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider?, IWorkflowActivity>> _activities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityDescription> _descriptions = new(StringComparer.Ordinal);

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

    /// <summary>Tells the designer what <paramref name="taskType"/> is and which headers it reads.</summary>
    public ActivityRegistry Describe(string taskType, ActivityDescription description)
    {
        if (!IsKnown(taskType))
            throw new InvalidOperationException($"Register the activity '{taskType}' before describing it.");
        _descriptions[taskType] = description;
        return this;
    }

    /// <summary>The description of every registered activity that has one, by task type.</summary>
    public IReadOnlyDictionary<string, ActivityDescription> Descriptions => _descriptions;

    public bool IsKnown(string taskType) => _activities.ContainsKey(taskType);

    public IEnumerable<string> TaskTypes => _activities.Keys;

    public IWorkflowActivity? Find(string taskType, IServiceProvider? services) =>
        _activities.TryGetValue(taskType, out var factory) ? factory(services) : null;

    private sealed class DelegateActivity(Func<ActivityContext, CancellationToken, Task<ActivityResult>> body) : IWorkflowActivity
    {
        public Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => body(context, cancellationToken);
    }
}
