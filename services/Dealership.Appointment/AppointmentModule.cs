using Dealership.Appointment.Bookings;
using Dealership.Appointment.Calendars;
using Dealership.Hosting;
using Dealership.Hosting.Data;
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
        builder.Services.AddHostedService<NoShowCheck>();
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        AddConsumer<LeadAcceptedConsumer>(bus);
        AddConsumer<LeadConsultantConsumer>(bus);
        AddConsumer<ScheduleAppointmentConsumer>(bus);
        AddConsumer<SmsReplyReceivedConsumer>(bus);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapBookingEndpoints();
        endpoints.MapCalendarEndpoints();
    }

    public override async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AppointmentDbContext>();
        var demo = services.GetRequiredService<IConfiguration>().GetSection("Demo:Dealership");
        if (Guid.TryParse(demo["Id"], out var dealershipId) && demo["Code"] is { } code && !await db.Calendars.AnyAsync(c => c.DealershipId == dealershipId, cancellationToken))
        {
            db.Calendars.Add(new ShowroomCalendar { DealershipId = dealershipId, DealershipCode = code });
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
