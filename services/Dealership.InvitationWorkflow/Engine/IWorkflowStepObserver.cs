using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>
/// One step of a stored instance as the runtime is about to save it: the state before (null for a start) and after, and
/// which user tasks a message cut short (element instance key to the message's name).
/// </summary>
public sealed record WorkflowStep(
    Guid InstanceId, ProcessModel Process, WorkflowInstance? Before, WorkflowInstance Instance,
    IReadOnlyDictionary<long, string> InterruptedBy, DateTimeOffset Now);

/// <summary>
/// What the hosting of the engine tells the flows built on it: each step, before it is saved, so what an observer stages
/// on the same DbContext commits in the step's transaction. The runtime knows no flow; the flows register observers.
/// </summary>
public interface IWorkflowStepObserver
{
    Task StageAsync(WorkflowStep step, CancellationToken cancellationToken);
}
