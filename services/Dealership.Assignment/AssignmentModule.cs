using Dealership.Assignment.Assignments;
using Dealership.Assignment.Plans;
using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;
using Dealership.Hosting;
using Dealership.Hosting.Data;
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
        AddConsumer<LeadAcceptedConsumer>(bus);
        AddConsumer<FirstContactOverdueConsumer>(bus);
        AddConsumer<AlertSupervisorConsumer>(bus);
        AddConsumer<CustomerArrivedConsumer>(bus);
        AddConsumer<LeadClosedConsumer>(bus);
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
