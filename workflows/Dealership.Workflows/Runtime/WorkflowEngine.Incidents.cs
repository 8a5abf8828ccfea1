using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;

namespace Dealership.Workflows.Runtime;

public sealed partial class WorkflowEngine
{
    public Task RetryIncidentAsync(ProcessModel process, WorkflowInstance instance, long incidentKey, CancellationToken cancellationToken = default)
    {
        var incident = instance.Incidents.FirstOrDefault(i => i.Key == incidentKey && i.ResolvedAt is null)
            ?? throw new WorkflowStateException($"There is no open incident {incidentKey} in instance {instance.Id}.");
        return Resume(process, instance, cancellationToken, run => run.Retry(incident));
    }

    public Task CancelAsync(ProcessModel process, WorkflowInstance instance, string reason = "cancelled", CancellationToken cancellationToken = default) =>
        Resume(process, instance, cancellationToken, run => run.Cancel(reason));

    private sealed partial class Run
    {
        public void RaiseIncident(ElementInstance ei, string kind, string message, IncidentPhase phase, JsonObject? pending)
        {
            ei.State = ElementState.Incident;
            var incident = new Incident
            {
                Key = instance.NewKey(),
                ElementInstanceKey = ei.Key,
                ElementId = ei.ElementId,
                Kind = kind,
                Message = message,
                CreatedAt = Now,
                Phase = phase,
                PendingVariables = pending is null ? null : (JsonObject)pending.DeepClone(),
            };
            instance.Incidents.Add(incident);
            Log(ei.ElementId, ei.Key, "incident", detail: $"{kind}: {message}");
        }

        public void Retry(Incident incident)
        {
            incident.ResolvedAt = Now;
            var ei = instance.Elements.FirstOrDefault(e => e.Key == incident.ElementInstanceKey);
            Log(incident.ElementId, incident.ElementInstanceKey, "incident-retried", detail: incident.Message);
            if (ei is null)
                return;
            ei.State = ElementState.Active;
            if (incident.Phase == IncidentPhase.Activate)
            {
                RemoveWaits(ei);
                Enqueue(new ActivateWork(ei));
            }
            else
            {
                Enqueue(new CompleteWork(ei, incident.PendingVariables, null));
            }
        }

        public void Cancel(string reason)
        {
            foreach (var ei in instance.Elements.Where(e => e.ScopeKey is null).ToList())
                Terminate(ei);
            instance.JoinArrivals.Clear();
            instance.Status = InstanceStatus.Cancelled;
            instance.EndedAt = Now;
            Log(process.Id, null, "cancelled", detail: reason);
        }
    }
}
