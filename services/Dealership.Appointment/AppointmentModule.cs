using Dealership.Appointment.Bookings;
using Dealership.Hosting;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Dealership.Appointment;

/// <summary>Books showroom visits.</summary>
public sealed class AppointmentModule : ServiceModule
{
    public override string Name => "appointment";

    public override void AddServices(WebApplicationBuilder builder) =>
        builder.AddServiceDatabase<AppointmentDbContext, AppointmentSqliteDbContext, AppointmentSqlServerDbContext>(Name);

    public override void AddConsumers(IBusRegistrationConfigurator bus) => AddConsumer<LeadAcceptedConsumer>(bus);

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapBookingEndpoints();
}
