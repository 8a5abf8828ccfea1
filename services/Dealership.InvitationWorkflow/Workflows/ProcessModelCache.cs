using System.Collections.Concurrent;
using Dealership.Workflows.Bpmn;

namespace Dealership.InvitationWorkflow.Workflows;

/// <summary>Parsed models of published versions. A published version never changes, so its model is read once.</summary>
public sealed class ProcessModelCache
{
    private readonly ConcurrentDictionary<Guid, ProcessModel> _models = new();

    public ProcessModel Get(WorkflowDefinition definition)
    {
        if (definition.Status == DefinitionStatus.Draft)
            return Read(definition);
        return _models.GetOrAdd(definition.Id, _ => Read(definition));
    }

    private static ProcessModel Read(WorkflowDefinition definition) =>
        BpmnReader.Read(definition.Xml).MainProcess
        ?? throw new InvalidOperationException($"Definition {definition.ProcessKey} v{definition.Version} has no process.");
}
