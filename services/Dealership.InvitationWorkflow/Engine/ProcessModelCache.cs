using System.Collections.Concurrent;
using Dealership.Workflows.Bpmn;

namespace Dealership.InvitationWorkflow.Engine;

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

    /// <summary>The model of an instance's version, read from the database only the first time.</summary>
    public async Task<ProcessModel> GetAsync(Guid definitionId, Func<Task<WorkflowDefinition>> load)
    {
        if (_models.TryGetValue(definitionId, out var model))
            return model;
        return Get(await load());
    }

    private static ProcessModel Read(WorkflowDefinition definition) =>
        BpmnReader.Read(definition.Xml).MainProcess
        ?? throw new InvalidOperationException($"Definition {definition.ProcessKey} v{definition.Version} has no process.");
}
