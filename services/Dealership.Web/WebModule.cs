using System.Globalization;
using Dealership.Hosting;
using Dealership.Hosting.Security;
using Dealership.Web.Components;
using MassTransit;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Dealership.Web;

/// <summary>
/// The console people work in: a Blazor app whose browser session is a cookie, behind which the
/// person's signed token calls the services' HTTP APIs like any other caller (ADR 0505).
/// </summary>
public sealed class WebModule : ServiceModule
{
    public override string Name => "web";

    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    public override void AddServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Run from a build (dotnet run, the tests) the static files sit in their packages and projects, found
        // through the build's manifest whatever the environment; a published app has them in wwwroot and no manifest.
        builder.WebHost.UseStaticWebAssets();
        services.AddRazorComponents().AddInteractiveServerComponents()
            // The designer hands the page a whole BPMN diagram on every edit (the default flows are about 60 KB each),
            // beyond the 32 KB a circuit's message may otherwise carry.
            .AddHubOptions(o => o.MaximumReceiveMessageSize = 1024 * 1024);
        services.AddMudServices();
        services.AddLocalization();
        services.AddCascadingAuthenticationState();

        // The cookie carries the person's token: it is encrypted with keys that must outlive a restart
        // (kept in the data folder, or a folder shared by the web instances in the distributed topology).
        services.AddDataProtection()
            .SetApplicationName("dealership-web")
            .PersistKeysToFileSystem(new DirectoryInfo(WebSignIn.KeysDirectory(builder.Configuration)));

        services.AddAuthentication()
            .AddCookie(WebSignIn.Scheme, o =>
            {
                o.LoginPath = WebSignIn.SignInPath;
                o.ReturnUrlParameter = "returnUrl";
                o.LogoutPath = WebSignIn.SignOutPath;
                o.AccessDeniedPath = WebSignIn.DeniedPath;
                o.Cookie.Name = "dealership.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // The session ends when the token inside it does (WebSignIn sets ExpiresUtc), never later.
                o.SlidingExpiration = false;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(WebSignIn.Policy, p => p.AddAuthenticationSchemes(WebSignIn.Scheme).RequireAuthenticatedUser())
            // Pages for the dealership's staff beyond the consultants (reception, supervisors, managers): the services
            // would show a consultant there only his or her own share, which is not what such a page is for.
            .AddPolicy(WebSignIn.DealershipStaffPolicy, p => p.AddAuthenticationSchemes(WebSignIn.Scheme).RequireRole(StaffRoles.DealershipWide))
            .AddPolicy(WebSignIn.ManagersPolicy, p => p.AddAuthenticationSchemes(WebSignIn.Scheme).RequireRole(StaffRoles.Managers))
            .AddPolicy(WebSignIn.BackOfficePolicy, p => p.AddAuthenticationSchemes(WebSignIn.Scheme).RequireRole([.. StaffRoles.Managers.Union(StaffRoles.Configurers)]))
            .AddPolicy(WebSignIn.DesignerPolicy, p => p.AddAuthenticationSchemes(WebSignIn.Scheme).RequireRole(StaffRoles.Configurers))
            .AddPolicy(WebSignIn.PeoplePolicy, p => p.AddAuthenticationSchemes(WebSignIn.Scheme).RequireRole(WebSignIn.PeopleManagers))
            .AddPolicy(WebSignIn.OperationsPolicy, p => p.AddAuthenticationSchemes(WebSignIn.Scheme).RequireRole(WebSignIn.Operators))
            .AddPolicy(WebSignIn.AdminPolicy, p => p.AddAuthenticationSchemes(WebSignIn.Scheme).RequireRole(StaffRoles.Admin));

        services.AddSingleton<ApiAddress>();
        services.AddHttpClient(DealershipApi.ClientName, (sp, client) => client.BaseAddress = sp.GetRequiredService<ApiAddress>().Uri);
        // A large CSV file streams through for as long as the service takes to import its rows.
        services.AddHttpClient(DealershipApi.UploadClientName, (sp, client) =>
        {
            client.BaseAddress = sp.GetRequiredService<ApiAddress>().Uri;
            client.Timeout = TimeSpan.FromHours(1);
        });
        // Sign-ins go to the identity service itself where it has an address of its own (Identity:Url): the
        // gateway would name this server, not the person's browser, as the caller it limits and audits.
        services.AddHttpClient(WebSignIn.ClientName, (sp, client) => client.BaseAddress =
            builder.Configuration["Identity:Url"] is { Length: > 0 } identity ? new Uri(identity) : sp.GetRequiredService<ApiAddress>().Uri);
        services.AddScoped<WebSignIn>();
        services.AddScoped<DealershipApi>();
        services.AddSingleton<LiveUpdates>();
    }

    public override void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<WorkChangedConsumer>().Endpoint(e =>
        {
            // One queue per process, deleted when it stops: every console instance refreshes its own pages.
            e.Name = $"{Name}-work-changed-{Guid.NewGuid():N}";
            e.Temporary = true;
        });
    }

    public override void UseMiddleware(WebApplication app)
    {
        // The pages speak the reader's language; the APIs keep answering in the invariant culture.
        app.UseWhen(http => !WebSignIn.IsServiceCall(http.Request.Path), web => web.UseRequestLocalization(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            o.SupportedCultures = o.SupportedUICultures = Cultures;
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider(),
                new CustomRequestCultureProvider(http => Task.FromResult(WebSignIn.PersonCulture(http.User))),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        }));
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        var app = (WebApplication)endpoints;
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(WebSignIn.Policy);
        WebSignIn.MapEndpoints(app);
    }
}
