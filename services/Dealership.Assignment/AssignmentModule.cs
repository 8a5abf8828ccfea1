using Dealership.Assignment.Assignments;
using Dealership.Assignment.Plans;
using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;
using Dealership.Hosting;
using Dealership.Hosting.Data;
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
        builder.Services.AddHostedService<ShiftStartRouter>();
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        AddConsumer<LeadAcceptedConsumer>(bus);
        AddConsumer<FirstContactOverdueConsumer>(bus);
        AddConsumer<CustomerArrivedConsumer>(bus);
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
        var demo = services.GetRequiredService<IConfiguration>().GetSection("Demo");
        var dealershipId = demo.GetValue<Guid?>("Dealership:Id");
        var code = demo.GetValue<string>("Dealership:Code");
        if (dealershipId is null || code is null)
            return;
        if (!await db.Settings.AnyAsync(s => s.DealershipId == dealershipId, cancellationToken))
            db.Settings.Add(new RoutingSettings { DealershipId = dealershipId.Value, DealershipCode = code, TimeZone = demo.GetValue<string>("Dealership:TimeZone") ?? "Asia/Shanghai" });
        foreach (var consultant in demo.GetSection("Consultants").Get<List<Consultant>>() ?? [])
        {
            if (await db.Consultants.AnyAsync(c => c.Id == consultant.Id, cancellationToken))
                continue;
            consultant.DealershipId = dealershipId.Value;
            db.Consultants.Add(consultant);
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
