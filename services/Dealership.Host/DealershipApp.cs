using Dealership.Hosting;

namespace Dealership.Host;

public static class DealershipApp
{
    /// <summary>
    /// Builds the process from its command line: <c>--services</c> picks the modules, any other
    /// setting may be given as <c>--Section:Key=value</c>. Tests build the same app in-process and
    /// may adjust the services before it is built.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the executable, wherever it is started from.
            ContentRootPath = AppContext.BaseDirectory,
            // The console's static files are listed in this application's manifest, whoever starts it (tests included).
            ApplicationName = typeof(DealershipApp).Assembly.GetName().Name,
        });
        builder.AddDealershipModules(ServiceCatalog.Select(builder.Configuration["services"]));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDealershipModules();
        // A process without the console shows its API reference at its root.
        if (!app.Services.GetRequiredService<IReadOnlyList<ServiceModule>>().Any(m => m is Dealership.Web.WebModule))
            app.MapGet("/", () => Results.Redirect("/scalar")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
