using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake.Customers;
using Dealership.LeadIntake.Intake;
using Dealership.LeadIntake.Leads;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.LeadIntake;

/// <summary>Takes leads in from every channel, checks and de-duplicates them, and keeps each lead's view.</summary>
public sealed class LeadIntakeModule : ServiceModule
{
    public override string Name => "lead-intake";

    public override void AddServices(WebApplicationBuilder builder)
    {
        // A timeframe or an address whose every column is empty is none, which is what EF Core warns it will read back.
        builder.AddServiceDatabase<LeadIntakeDbContext, LeadIntakeSqliteDbContext, LeadIntakeSqlServerDbContext>(Name,
            options => options.ConfigureWarnings(w => w.Ignore(RelationalEventId.OptionalDependentWithoutIdentifyingPropertyWarning)));
        builder.Services.AddScoped<LeadIntakePipeline>();
        builder.Services.AddSingleton<LeadViewCues>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LeadViewCues>());
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // Every service's events about a lead change the lead's one row (its stage, consultant, version): applied at once,
        // two of them collide and one is consumed again. So within a process one lead's events are applied one at a time,
        // in as many lanes as there are partitions, and other leads' go on beside.
        var byLead = Partitioning.NewPartitioner();
        AddConsumer<LeadTimelineConsumer>(bus, configure: c => c.PartitionBy(byLead, "LeadId"));
        AddConsumer<SubmitLeadConsumer>(bus);
        AddConsumer<CustomerOptedOutConsumer>(bus);
        AddConsumer<RawLeadConsumer, RawLeadConsumerDefinition>(bus, RawLeadConsumer.Queue);
        FollowDealerships<DealershipChangedConsumer>(bus);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapLeadEndpoints();
        endpoints.MapFunnelEndpoints();
        endpoints.MapIntakeEndpoints();
        endpoints.MapLoggedLeadEndpoints();
        endpoints.MapAdfEndpoints();
        endpoints.MapCsvImportEndpoints();
        endpoints.MapIntakeSettingsEndpoints();
        endpoints.MapRejectionEndpoints();
        endpoints.MapConsentEndpoints();
    }

    public override Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        RequestDealershipsAsync(services.GetRequiredService<LeadIntakeDbContext>(), services, cancellationToken);
}
