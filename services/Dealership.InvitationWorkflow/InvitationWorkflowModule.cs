using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.InvitationWorkflow.Tasks;
using MassTransit;
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
        builder.Services.AddOptions<FirstContactOptions>().BindConfiguration("Workflow:FirstContact");
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus) => AddConsumer<LeadAssignedConsumer>(bus);

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapTaskEndpoints();
}
