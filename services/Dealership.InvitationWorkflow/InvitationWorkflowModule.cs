using Dealership.Hosting;
using Dealership.Hosting.Messaging;
using Dealership.Hosting.Data;
using Dealership.Hosting.Polling;
using Dealership.InvitationWorkflow.InvitationFlows;
using Dealership.InvitationWorkflow.Engine;
using Dealership.InvitationWorkflow.Simulation;
using Dealership.Workflows.Runtime;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.InvitationWorkflow;

/// <summary>Drives the follow-up of each assigned lead.</summary>
public sealed class InvitationWorkflowModule : ServiceModule
{
    public override string Name => "invitation-workflow";

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<InvitationWorkflowDbContext, InvitationWorkflowSqliteDbContext, InvitationWorkflowSqlServerDbContext>(Name);
        builder.Services.AddOptions<WorkflowOptions>().BindConfiguration("Workflow:Engine");
        // Activities are registered by task type on this one registry; the invitation flows add theirs.
        builder.Services.AddSingleton(_ => new ActivityRegistry().AddInvitationFlowActivities());
        builder.Services.AddSingleton<ProcessModelCache>();
        builder.Services.AddScoped<WorkflowRuntime>();
        builder.Services.AddScoped<IWorkflowStepObserver, ConsultantTaskMirror>();
        builder.Services.AddSingleton<WorkflowTimerSignal>();
        builder.Services.AddPollingWorker<WorkflowTimerPoller>();
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // A lead's acceptance, assignment, reassignment and closing are taken one at a time in this process: whichever of
        // the first two comes second starts the flow, and two taken at once both did, the loser failing on the flow's key
        // and retried (about one lead in a thousand under load); a closing taken beside a start could miss the flow.
        var byLead = Partitioning.NewPartitioner();
        AddConsumer<LeadAcceptedConsumer>(bus, configure: c => c.PartitionBy(byLead, "LeadId"));
        AddConsumer<LeadAssignedConsumer>(bus, configure: c => c.PartitionBy(byLead, "LeadId"));
        AddConsumer<FlowReplyConsumers>(bus);
        AddConsumer<LeadReassignedConsumer>(bus, configure: c => c.PartitionBy(byLead, "LeadId"));
        AddConsumer<LeadClosedConsumer>(bus, configure: c => c.PartitionBy(byLead, "LeadId"));
        AddConsumer<CustomerOptedOutConsumer>(bus);
        AddConsumer<CorrelateWorkflowMessageConsumer>(bus);
        FollowDealerships<KnownDealershipConsumer>(bus);
        // One at a time, as the reference data: two announcements of a new dealership must not both insert its row.
        AddConsumer<SmsRulesChangedConsumer>(bus, concurrentMessageLimit: 1);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTaskEndpoints();
        endpoints.MapWorkflowDefinitionEndpoints();
        endpoints.MapWorkflowInstanceEndpoints();
        endpoints.MapSimulationEndpoints();
        endpoints.MapPlayEndpoints();
    }

    public override async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await RequestDealershipsAsync(services.GetRequiredService<InvitationWorkflowDbContext>(), services, cancellationToken);
        await DefaultFlows.LoadAsync(services, cancellationToken);
    }

    /// <summary>Completed and cancelled instances with their journals and message receipts; the consultants' tasks stay with their leads.</summary>
    public override async Task<IReadOnlyDictionary<string, int>> PruneAsync(IServiceProvider services, DateTimeOffset now, RetentionOptions retention, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<InvitationWorkflowDbContext>();
        var before = now - retention.FinishedWorkflows;
        var finished = db.WorkflowInstances.Where(i => i.Status != InstanceStatus.Active && i.UpdatedAt < before).Select(i => i.Id);
        var journal = await db.WorkflowJournal.Where(j => finished.Contains(j.InstanceId)).ExecuteDeleteAsync(cancellationToken);
        var deliveries = await db.WorkflowMessageDeliveries.Where(d => finished.Contains(d.InstanceId)).ExecuteDeleteAsync(cancellationToken);
        var instances = await db.WorkflowInstances.Where(i => i.Status != InstanceStatus.Active && i.UpdatedAt < before).ExecuteDeleteAsync(cancellationToken);
        return new Dictionary<string, int>
        {
            ["InvitationWorkflow.WorkflowJournal"] = journal,
            ["InvitationWorkflow.WorkflowMessageDeliveries"] = deliveries,
            ["InvitationWorkflow.WorkflowInstances"] = instances,
        };
    }
}
