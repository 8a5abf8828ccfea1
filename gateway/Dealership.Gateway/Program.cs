using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Authorization;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks();

// Callers are checked here as every service checks them, so an anonymous or forged call stops at the
// door; what a caller may do is for the service behind to say, and it checks the forwarded token again.
builder.AddDealershipCallers();
var signedIn = new AuthorizationPolicyBuilder(Authentication.Scheme).RequireAuthenticatedUser().Build();
// A route that names no policy is closed as well: only the routes marked Anonymous are open.
builder.Services.AddAuthorizationBuilder().SetDefaultPolicy(signedIn).SetFallbackPolicy(signedIn);
builder.AddDealershipRateLimits();
builder.AddRequestBodyLimits();

// The gateway starts the trace that follows a request into every service behind it.
var otel = builder.Services.AddOpenTelemetry()
    .ConfigureResource(r => r.AddService("gateway"))
    .WithTracing(t => t
        .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
        .AddHttpClientInstrumentation());
if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
    otel.UseOtlpExporter();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseRequestBodyLimits();
app.MapHealthChecks("/health/live").AllowAnonymous();
app.MapHealthChecks("/health/ready").AllowAnonymous();
// A route names its body limit in its Metadata; the numbers are the Limits section's, as in the services.
app.MapReverseProxy().ConfigureEndpoints((endpoint, route) =>
{
    if (route.Metadata?.TryGetValue(RequestBodyLimits.RouteMetadataKey, out var limit) == true)
        endpoint.WithRequestBodyLimit(limit);
});
app.Run();

/// <summary>Visible to the tests.</summary>
public partial class Program;
