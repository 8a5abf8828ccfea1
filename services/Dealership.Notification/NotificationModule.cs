using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.Hosting.Polling;
using Dealership.Notification.Carriers;
using Dealership.Notification.Sms;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dealership.Notification;

/// <summary>Sends SMS to consultants and customers, under the rules that keep customers from being harassed.</summary>
public sealed class NotificationModule : ServiceModule
{
    public const string HttpGatewayCarrier = "http-gateway";

    public override string Name => "notification";

    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<NotificationDbContext, NotificationSqliteDbContext, NotificationSqlServerDbContext>(Name);
        var services = builder.Services;
        services.AddOptions<SmsSenderOptions>().Bind(builder.Configuration.GetSection("Sms:Sender"));
        services.AddOptions<HttpSmsGatewayOptions>().Bind(builder.Configuration.GetSection("Sms:Gateway"));
        services.AddSingleton<SmsSenderSignal>();
        services.AddPollingWorker<SmsSender>();
        // Sms:Carrier picks where messages leave: the development sink (default) or the carrier's HTTP gateway.
        if (string.Equals(builder.Configuration["Sms:Carrier"], HttpGatewayCarrier, StringComparison.OrdinalIgnoreCase))
        {
            services.AddHttpClient<ISmsCarrier, HttpSmsGateway>((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<HttpSmsGatewayOptions>>().Value;
                http.BaseAddress = options.BaseUrl ?? throw new InvalidOperationException("Sms:Carrier is http-gateway but Sms:Gateway:BaseUrl is not set.");
                // The gateway applies its own timeout per send, so that a timeout is a retryable carrier fault.
                http.Timeout = Timeout.InfiniteTimeSpan;
            });
        }
        else
        {
            services.AddSingleton<ISmsCarrier, DevelopmentSmsSink>();
        }
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        AddConsumer<SendSmsConsumer>(bus);
        AddConsumer<LeadAcceptedConsumer>(bus);
        AddConsumer<AppointmentBookedConsumer>(bus);
        AddConsumer<VisitChangesConsumer>(bus);
        AddConsumer<ConsentChangedConsumer>(bus);
        FollowDealerships<DealershipChangedConsumer>(bus);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapSmsEndpoints();
        endpoints.MapSmsSettingsEndpoints();
    }

    public override Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        RequestDealershipsAsync(services.GetRequiredService<NotificationDbContext>(), services, cancellationToken);

    /// <summary>
    /// SMS that reached an end; those still queued or held wait for their time whatever their age. Visits long past, which
    /// no SMS still waiting can speak of.
    /// </summary>
    public override async Task<IReadOnlyDictionary<string, int>> PruneAsync(IServiceProvider services, DateTimeOffset now, RetentionOptions retention, CancellationToken cancellationToken)
    {
        var before = now - retention.Sms;
        var db = services.GetRequiredService<NotificationDbContext>();
        var deleted = await db.Messages
            .Where(m => m.Status != SmsStatus.Queued && m.Status != SmsStatus.Held && m.CreatedAt < before)
            .ExecuteDeleteAsync(cancellationToken);
        var visits = await db.Visits
            .Where(v => v.StartsAt < before && !db.Messages.Any(m => m.AppointmentId == v.AppointmentId && (m.Status == SmsStatus.Queued || m.Status == SmsStatus.Held)))
            .ExecuteDeleteAsync(cancellationToken);
        return new Dictionary<string, int> { ["Notification.Messages"] = deleted, ["Notification.Visits"] = visits };
    }
}
