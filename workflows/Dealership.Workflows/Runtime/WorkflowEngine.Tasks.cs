using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Runtime;

public sealed partial class WorkflowEngine
{
    /// <summary>Completes a service task whose activity chose to wait.</summary>
    public Task CompleteJobAsync(ProcessModel process, WorkflowInstance instance, long jobKey, JsonObject? variables = null, CancellationToken cancellationToken = default)
    {
        var job = instance.Jobs.FirstOrDefault(j => j.Key == jobKey)
            ?? throw new WorkflowStateException($"There is no open job {jobKey} in instance {instance.Id}.");
        return Resume(process, instance, cancellationToken, run => run.Enqueue(new Run.CompleteWork(run.ElementInstance(job.Key), variables, null)));
    }

    /// <summary>Reports a service task that failed outside: the instance gets an incident on it.</summary>
    public Task FailJobAsync(ProcessModel process, WorkflowInstance instance, long jobKey, string reason, CancellationToken cancellationToken = default)
    {
        var job = instance.Jobs.FirstOrDefault(j => j.Key == jobKey)
            ?? throw new WorkflowStateException($"There is no open job {jobKey} in instance {instance.Id}.");
        return Resume(process, instance, cancellationToken, run =>
        {
            instance.Jobs.Remove(job);
            run.RaiseIncident(run.ElementInstance(job.Key), "activity-failed", reason, IncidentPhase.Activate, null);
        });
    }

    public Task CompleteUserTaskAsync(ProcessModel process, WorkflowInstance instance, long taskKey, JsonObject? variables = null, CancellationToken cancellationToken = default)
    {
        var task = instance.UserTasks.FirstOrDefault(t => t.Key == taskKey)
            ?? throw new WorkflowStateException($"There is no open user task {taskKey} in instance {instance.Id}.");
        return Resume(process, instance, cancellationToken, run => run.Enqueue(new Run.CompleteWork(run.ElementInstance(task.Key), variables, null)));
    }

    /// <summary>
    /// Gives an open user task another assignee (the lead moved to another consultant), journaled on the task. Returns false
    /// when it already had that assignee. A task of a role (candidate groups, no assignee) may be given one only on purpose.
    /// </summary>
    public bool AssignUserTask(WorkflowInstance instance, long taskKey, string assignee)
    {
        if (instance.Status != InstanceStatus.Active)
            throw new WorkflowStateException($"Instance {instance.Id} is {instance.Status.ToString().ToLowerInvariant()}.");
        var task = instance.UserTasks.FirstOrDefault(t => t.Key == taskKey)
            ?? throw new WorkflowStateException($"There is no open user task {taskKey} in instance {instance.Id}.");
        if (task.Assignee == assignee)
            return false;
        var from = task.Assignee;
        task.Assignee = assignee;
        instance.Journal.Add(new JournalEntry(clock.GetUtcNow(), task.ElementId, task.Key, "assigned", null,
            from is null ? $"to {assignee}" : $"from {from} to {assignee}"));
        return true;
    }

    private sealed partial class Run
    {
        private async Task ExecuteServiceTaskAsync(ElementInstance ei, TaskElement task)
        {
            var type = task.TaskType is null ? null : EvaluateValue(task.TaskType, ei, "task type") as string;
            if (string.IsNullOrEmpty(type))
                throw new IncidentException("no-activity", "The service task has no task type.");
            var activity = engine.Find(type)
                ?? throw new IncidentException("no-activity", $"No registered activity implements the task type '{type}'.");
            OpenBoundaries(ei, task);

            ActivityResult result;
            try
            {
                var context = new ActivityContext(instance.Id, process.Id, task.Id, ei.Key, type, task.Headers, VariablesFor(ei), Clock);
                result = await activity.ExecuteAsync(context, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Boundary events stay armed: a timeout may still take the instance elsewhere.
                RaiseIncident(ei, "activity-failed", $"The activity '{type}' failed: {ex.Message}", IncidentPhase.Activate, null);
                return;
            }
            if (result is ActivityResult.Completed completed)
            {
                Enqueue(new CompleteWork(ei, completed.Variables, null));
                return;
            }
            ei.State = ElementState.Waiting;
            instance.Jobs.Add(new JobWait { Key = ei.Key, ElementId = task.Id, TaskType = type, CreatedAt = Now });
            Log(task.Id, ei.Key, "waiting", detail: $"job {type}");
        }

        private void OpenUserTask(ElementInstance ei, TaskElement task)
        {
            string? Text(ZeebeValue? v, string what) => v is null ? null : EvaluateValue(v, ei, what) switch
            {
                null => null,
                string s => s,
                var other => FeelValues.ToJson(other)?.ToJsonString(),
            };
            DateTimeOffset? Date(ZeebeValue? v, string what)
            {
                if (v is null)
                    return null;
                var value = EvaluateValue(v, ei, what);
                if (value is null)
                    return null;
                if (FeelValues.TryAsDateTime(value, out var d) || (value is string s && FeelValues.TryParseDateTime(s, out d)))
                    return d;
                throw new IncidentException("expression", $"The {what} \"{v.Raw}\" gave {FeelValues.Describe(value)}, not a date and time.");
            }

            var groups = task.CandidateGroups is null ? null : EvaluateValue(task.CandidateGroups, ei, "candidate groups") switch
            {
                null => null,
                string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
                IList<object?> list => list.Select(i => i?.ToString() ?? "").ToList(),
                var other => throw new IncidentException("expression", $"The candidate groups gave {FeelValues.Describe(other)}, not a list."),
            };
            instance.UserTasks.Add(new UserTaskWait
            {
                Key = ei.Key,
                ElementId = task.Id,
                Name = task.Name,
                Assignee = Text(task.Assignee, "assignee"),
                CandidateGroups = groups,
                DueAt = Date(task.DueDate, "due date"),
                FollowUpAt = Date(task.FollowUpDate, "follow-up date"),
                Inputs = ei.Local is null ? null : (JsonObject)ei.Local.DeepClone(),
                CreatedAt = Now,
            });
            ei.State = ElementState.Waiting;
            Log(task.Id, ei.Key, "waiting", detail: "user task");
        }
    }
}
