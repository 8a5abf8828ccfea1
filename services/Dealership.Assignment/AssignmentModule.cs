using Dealership.Assignment.Assignments;
using Dealership.Assignment.Plans;
using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;
using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.Hosting.Polling;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Assignment;

/// <summary>Hands each lead to the right consultant by the dealership's roster and rules, escalates missed first contacts, and tracks the visit plan.</summary>
public sealed class AssignmentModule : ServiceModule
{
    public override string Name => "assignment";

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<AssignmentDbContext, AssignmentSqliteDbContext, AssignmentSqlServerDbContext>(Name);
        builder.Services.AddScoped<Assigner>();
        builder.Services.AddPollingWorker<ShiftStartRouter>();
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // Routing reads and writes the dealership's consultants (their open leads against the cap, who had the last lead):
        // two decisions for one dealership at once collide on those rows, and one of them is done again. So within a
        // process the consumers that decide or free a consultant's place take one dealership's messages one at a time,
        // in as many lanes as there are partitions; other dealerships go on beside.
        var byDealership = Partitioning.NewPartitioner();
        AddConsumer<LeadAcceptedConsumer>(bus, configure: c => c.PartitionBy(byDealership, "DealershipId"));
        AddConsumer<FirstContactOverdueConsumer>(bus, configure: c => c.PartitionBy(byDealership, "DealershipId"));
        AddConsumer<AlertSupervisorConsumer>(bus, configure: c => c.PartitionBy(byDealership, "DealershipId"));
        AddConsumer<CustomerArrivedConsumer>(bus);
        AddConsumer<LeadClosedConsumer>(bus, configure: c => c.PartitionBy(byDealership, "DealershipId"));
        FollowDealerships<DealershipChangedConsumer>(bus);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapConsultantEndpoints();
        endpoints.MapRoutingRuleEndpoints();
        endpoints.MapAssignmentEndpoints();
        endpoints.MapPlanEndpoints();
    }

    public override async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AssignmentDbContext>();
        // The demo's roster; each consultant names the dealership it works for. A consultant who exists already is left as it is.
        foreach (var consultant in services.GetRequiredService<IConfiguration>().GetSection("Demo:Consultants").Get<List<Consultant>>() ?? [])
        {
            if (consultant.DealershipId != Guid.Empty && !await db.Consultants.AnyAsync(c => c.Id == consultant.Id, cancellationToken))
                db.Consultants.Add(consultant);
        }
        await RequestDealershipsAsync(db, services, cancellationToken);
    }
}
