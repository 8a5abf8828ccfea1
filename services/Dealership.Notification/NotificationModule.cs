using Dealership.Hosting;
using Dealership.Hosting.Data;
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
        services.AddHostedService<SmsSender>();
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
        AddConsumer<ConsentChangedConsumer>(bus);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapSmsEndpoints();
        endpoints.MapSmsSettingsEndpoints();
    }

    /// <summary>The demo dealership gets its signature and its own copy of every default template, to edit.</summary>
    public override async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<NotificationDbContext>();
        var demo = services.GetRequiredService<IConfiguration>().GetSection("Demo:Dealership");
        if (!Guid.TryParse(demo["Id"], out var dealershipId) || demo["Code"] is not { } code)
            return;
        if (!await db.Settings.AnyAsync(s => s.DealershipId == dealershipId, cancellationToken))
            db.Settings.Add(new DealershipSmsSettings { DealershipId = dealershipId, DealershipCode = code, Signature = "【Demo Motors】" });
        if (!await db.Templates.AnyAsync(t => t.DealershipId == dealershipId, cancellationToken))
        {
            foreach (var purpose in SmsTemplates.Purposes.Values)
            foreach (var language in SmsLanguages.All)
                db.Templates.Add(new SmsTemplate
                {
                    Id = NewId.NextGuid(), DealershipId = dealershipId, Purpose = purpose.Name, Language = language,
                    Body = SmsTemplates.DefaultBody(purpose, language), UpdatedAt = DateTimeOffset.UtcNow,
                });
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
