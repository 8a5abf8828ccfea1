using Dealership.InvitationWorkflow.Engine;
using Dealership.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.InvitationWorkflow.InvitationFlows;

/// <summary>
/// The flows of the source process (workflows/*.bpmn, embedded in this assembly), published network-wide by the
/// release: as version 1 when the workflow has no version at all, and as the next version when the release brings a
/// changed default and the network still runs the release's own (its running instances keep theirs). Once operations
/// staff publish or draft a version of their own, the stored versions rule: the release never overwrites their edit.
/// </summary>
public static class DefaultFlows
{
    /// <summary>Who published a version loaded from the release.</summary>
    public const string Release = "release";

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
        var clock = services.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        foreach (var key in Keys)
        {
            var latest = await db.WorkflowDefinitions.Where(d => d.ProcessKey == key && d.DealershipId == null)
                .OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);
            var xml = Xml(key);
            if (latest is not null && (latest.PublishedBy != Release || latest.Status != DefinitionStatus.Published || latest.Xml == xml))
                continue;
            var check = WorkflowDefinitionEndpoints.Check(xml, activities);
            if (!check.Publishable)
                throw new InvalidOperationException($"The default flow '{key}' does not pass the check: {string.Join("; ", check.Problems.Concat(check.Elements.Where(e => !e.Supported).SelectMany(e => e.Reasons.Select(r => $"{e.ElementId}: {r}"))))}");
            var version = new WorkflowDefinition
            {
                Id = Guid.NewGuid(), ProcessKey = key, DealershipId = null, Version = (latest?.Version ?? 0) + 1, Status = DefinitionStatus.Draft,
                Name = Dealership.Workflows.Bpmn.BpmnReader.Read(xml).Processes.FirstOrDefault()?.Name, Xml = xml, CreatedAt = now, UpdatedAt = now,
            };
            db.WorkflowDefinitions.Add(version);
            // As a publish from the designer: the release's earlier version is retired, running instances keep it.
            await WorkflowDefinitionEndpoints.StagePublishAsync(db, version, Release, clock, cancellationToken);
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
