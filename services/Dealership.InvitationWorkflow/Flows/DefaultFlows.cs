using Dealership.InvitationWorkflow.Workflows;
using Dealership.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.InvitationWorkflow.Flows;

/// <summary>
/// The flows of the source process (workflows/*.bpmn, embedded in this assembly). Loaded as the
/// network-wide published version 1 when the workflow has no version at all; from then on the
/// stored versions rule, so an edit published through /api/workflows is never overwritten.
/// </summary>
public static class DefaultFlows
{
    public static readonly string[] Keys = [FlowKeys.InboundCall, FlowKeys.ActiveInvitation];

    public static string Xml(string key)
    {
        using var stream = typeof(DefaultFlows).Assembly.GetManifestResourceStream($"flows/{key}.bpmn")
            ?? throw new InvalidOperationException($"The default flow '{key}' is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static async Task LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<InvitationWorkflowDbContext>();
        var activities = services.GetRequiredService<ActivityRegistry>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var key in Keys)
        {
            if (await db.WorkflowDefinitions.AnyAsync(d => d.ProcessKey == key, cancellationToken))
                continue;
            var xml = Xml(key);
            var check = WorkflowDefinitionEndpoints.Check(xml, activities);
            if (!check.Publishable)
                throw new InvalidOperationException($"The default flow '{key}' does not pass the check: {string.Join("; ", check.Problems.Concat(check.Elements.Where(e => !e.Supported).SelectMany(e => e.Reasons.Select(r => $"{e.ElementId}: {r}"))))}");
            db.WorkflowDefinitions.Add(new WorkflowDefinition
            {
                Id = Guid.NewGuid(), ProcessKey = key, DealershipId = null, Version = 1, Status = DefinitionStatus.Published,
                Name = Dealership.Workflows.Bpmn.BpmnReader.Read(xml).Processes.FirstOrDefault()?.Name, Xml = xml, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
            });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another replica loaded them first (unique process key, dealership and version).
            db.ChangeTracker.Clear();
        }
    }
}
