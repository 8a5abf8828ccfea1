using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.Notification.Sms;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Dealership.Notification;

/// <summary>Sends SMS to consultants and customers.</summary>
public sealed class NotificationModule : ServiceModule
{
    public override string Name => "notification";

    public override void AddServices(WebApplicationBuilder builder) =>
        builder.AddServiceDatabase<NotificationDbContext, NotificationSqliteDbContext, NotificationSqlServerDbContext>(Name);

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        AddConsumer<SendSmsConsumer>(bus);
        AddConsumer<LeadAcceptedConsumer>(bus);
        AddConsumer<AppointmentBookedConsumer>(bus);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapSmsEndpoints();
}
