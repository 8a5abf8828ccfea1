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

/// <summary>Hands each lead to a consultant.</summary>
public sealed class AssignmentModule : ServiceModule
{
    public override string Name => "assignment";

    public override void AddServices(WebApplicationBuilder builder) =>
        builder.AddServiceDatabase<AssignmentDbContext, AssignmentSqliteDbContext, AssignmentSqlServerDbContext>(Name);

    public override void AddConsumers(IBusRegistrationConfigurator bus) => AddConsumer<LeadAcceptedConsumer>(bus);

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapConsultantEndpoints();

    public override async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AssignmentDbContext>();
        var demo = services.GetRequiredService<IConfiguration>().GetSection("Demo");
        var dealershipId = demo.GetValue<Guid?>("Dealership:Id");
        var roster = demo.GetSection("Consultants").Get<List<Consultant>>() ?? [];
        if (dealershipId is null || roster.Count == 0)
            return;
        foreach (var consultant in roster)
        {
            if (await db.Consultants.AnyAsync(c => c.Id == consultant.Id, cancellationToken))
                continue;
            consultant.DealershipId = dealershipId.Value;
            db.Consultants.Add(consultant);
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
