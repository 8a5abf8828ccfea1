using Dealership.Appointment.Bookings;
using Dealership.Appointment.Calendars;
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

namespace Dealership.Appointment;

/// <summary>Showroom calendars and booked visits: booking, moving, confirming, arrival and no-shows.</summary>
public sealed class AppointmentModule : ServiceModule
{
    public override string Name => "appointment";

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<AppointmentDbContext, AppointmentSqliteDbContext, AppointmentSqlServerDbContext>(Name);
        builder.Services.AddOptions<NoShowOptions>().Bind(builder.Configuration.GetSection("Appointment:NoShow"));
        builder.Services.AddPollingWorker<NoShowCheck>();
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        // A lead's LeadAccepted and its assignment may come at once, and either may be first to write the lead's row:
        // one lead's messages are taken one at a time, so neither has to redo its work on the other's key.
        var byLead = Partitioning.NewPartitioner();
        AddConsumer<LeadAcceptedConsumer>(bus, configure: c => c.PartitionBy(byLead, "LeadId"));
        AddConsumer<LeadConsultantConsumer>(bus, configure: c => c.PartitionBy(byLead, "LeadId"));
        AddConsumer<ScheduleAppointmentConsumer>(bus);
        AddConsumer<SmsReplyReceivedConsumer>(bus);
        FollowDealerships<DealershipChangedConsumer>(bus);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapBookingEndpoints();
        endpoints.MapCalendarEndpoints();
    }

    public override Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        RequestDealershipsAsync(services.GetRequiredService<AppointmentDbContext>(), services, cancellationToken);
}
