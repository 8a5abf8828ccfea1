using System.Diagnostics;
using System.Text.Json.Serialization;
using Dealership.Hosting.Api;
using Dealership.Hosting.Data;
using Dealership.Hosting.Lag;
using Dealership.Hosting.Messaging;
using Dealership.Hosting.Polling;
using Dealership.Hosting.Security;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace Dealership.Hosting;

public class MessagingOptions
{
    public int RetryLimit { get; set; } = 5;
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Composes a set of service modules into one process: one bus, one web server, shared policies.</summary>
public static class DealershipHost
{
    public const string RabbitMqConnectionName = "RabbitMq";

    public static WebApplicationBuilder AddDealershipModules(this WebApplicationBuilder builder, IReadOnlyList<ServiceModule> modules)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(modules);
        // Business time (timers, deadlines, stamps) is read from this one TimeProvider; a fault program may move it
        // from outside through a file (OffsetFileClock). Without the setting it is the system clock, as always.
        if (configuration["Clock:OffsetFile"] is { Length: > 0 } offsetFile)
            services.TryAddSingleton<TimeProvider>(sp => new OffsetFileClock(offsetFile, sp.GetRequiredService<ILoggerFactory>().CreateLogger<OffsetFileClock>()));
        else
            services.TryAddSingleton(TimeProvider.System);

        // Registered before the bus and the outbox dispatchers so databases exist before either starts.
        services.AddHostedService<ModuleInitializer>();

        services.AddProblemDetails();
        // The framework's own refusals (a required parameter missing, a value that does not parse) reach
        // BadRequestProblems as exceptions, which name the parameter, instead of as a bare 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddOpenApi(ApiDocument.Configure);
        services.AddHealthChecks();

        // Behind the gateway every caller would seem to be the gateway: the client's address is taken from
        // X-Forwarded-For when the gateway (loopback, or a network named in Gateway:TrustedNetworks) sent it.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var network in configuration.GetSection("Gateway:TrustedNetworks").Get<string[]>() ?? [])
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        builder.AddDealershipAuthentication();
        builder.AddDealershipRateLimits();
        builder.AddRequestBodyLimits();

        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection("Outbox"));
        services.AddOptions<LagOptions>().Bind(configuration.GetSection("Lag"));
        services.AddSingleton<LagMonitor>();
        services.AddPollingWorker<LagSampler>();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection("Retention"));
        services.AddSingleton<RetentionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionWorker>());
        var messaging = configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions();

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        AddTelemetry(builder, modules);

        foreach (var module in modules)
            module.AddServices(builder);

        var rabbitMq = configuration.GetConnectionString(RabbitMqConnectionName);
        services.AddMassTransit(bus =>
        {
            // MassTransit would post a description of the bus to its makers' server after each start: a dealership's
            // system talks to no third party unasked (and with no route out, each process logged a SocketException).
            bus.DisableUsageTelemetry();
            foreach (var module in modules)
                module.AddConsumers(bus);

            bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                // How long each message waited between its sending and its consume (first attempts only, see the filter).
                endpoint.UseFilter(new ConsumeLagFilter(context.GetRequiredService<LagMonitor>(), ConsumeLagFilter.ServiceOf(name, modules)));
                // Immediate retries with back-off; what still fails goes to the queue's _error queue with the exception.
                endpoint.UseMessageRetry(r => r.Exponential(messaging.RetryLimit, messaging.RetryMinInterval, messaging.RetryMaxInterval, messaging.RetryMinInterval));
                endpoint.UseConsumeFilter(typeof(LeadLogScopeFilter<>), context);
            });

            if (string.IsNullOrWhiteSpace(rabbitMq))
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
            else
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(rabbitMq));
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        services.Configure<MassTransitHostOptions>(o =>
        {
            // Without a broker the bus would retry for ever; fail the start instead so the operator sees why.
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(15);
        });
        return builder;
    }

    public static WebApplication MapDealershipModules(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        var modules = app.Services.GetRequiredService<IReadOnlyList<ServiceModule>>();
        foreach (var module in modules)
            module.UseMiddleware(app);
        // Only the console's forms carry antiforgery tokens; the APIs take no form posts.
        if (app.Services.GetService<IAntiforgery>() is not null)
            app.UseAntiforgery();
        app.UseRateLimiter();
        app.UseRequestBodyLimits();
        app.UseMiddleware<EnumSpelling>();
        app.UseMiddleware<AuditTrail>();

        // The only endpoints open to anonymous callers besides the sign-in: a probe and the API's description.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready) }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.AddPreferredSecuritySchemes([ApiDocument.Bearer, ApiDocument.ApiKey])).AllowAnonymous();
        app.MapLagEndpoints(modules);

        foreach (var module in modules)
            module.MapEndpoints(app);
        return app;
    }

    private static void AddTelemetry(WebApplicationBuilder builder, IReadOnlyList<ServiceModule> modules)
    {
        var serviceName = modules.Count == 1 ? modules[0].Name : "dealership";
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter(LagMonitor.MeterName));
        // Spans are recorded only where they go: with no exporter the SDK still sampled every request, message and
        // SQL command (EF Core's instrumentation alone took 3 % of the embedded host's CPU under load) for nobody (ADR 0533).
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            return;
        otel.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                .AddSource("MassTransit")
                .AddSource("Dealership.Outbox"))
            .UseOtlpExporter();
        builder.Logging.AddOpenTelemetry(o => o.IncludeScopes = true);
    }
}

/// <summary>Migrates every service database, then seeds each module, before the bus and the outbox start.</summary>
/// <remarks>Each step is logged with its time: a service that does not come up says how far it got.</remarks>
internal sealed class ModuleInitializer(
    IReadOnlyList<ServiceModule> modules, IEnumerable<MigratedContext> contexts, IServiceScopeFactory scopes, ILogger<ModuleInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var context in contexts)
        {
            var began = Stopwatch.GetTimestamp();
            using var scope = scopes.CreateScope();
            await ServiceDatabase.MigrateAsync((DbContext)scope.ServiceProvider.GetRequiredService(context.ContextType), cancellationToken);
            logger.LogInformation("{Service}'s database is migrated ({Elapsed} ms)", context.Service, (int)Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        }
        foreach (var module in modules)
        {
            var began = Stopwatch.GetTimestamp();
            using var scope = scopes.CreateScope();
            await module.SeedAsync(scope.ServiceProvider, cancellationToken);
            logger.LogInformation("{Service}'s reference data is seeded ({Elapsed} ms)", module.Name, (int)Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
