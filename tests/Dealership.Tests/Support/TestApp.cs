using System.Collections.Concurrent;
using System.Net.Http.Json;
using Dealership.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Support;

/// <summary>
/// The real host, built in-process from its command line, on a free loopback port, with its SQLite
/// files in a folder of its own.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string DemoKey = "demo-oem-key";
    /// <summary>Every demo person's password (appsettings.json, Demo:Password).</summary>
    public const string DemoPassword = "Demo@2026";
    public static readonly Guid SecondDealershipId = Guid.Parse("0d3a0000-0000-4000-8000-000000000002");
    public static readonly Guid DemoDealershipId = Guid.Parse("0d3a0000-0000-4000-8000-000000000001");

    private TestApp(WebApplication app, HttpClient client, string dataDirectory)
    {
        App = app;
        Client = client;
        DataDirectory = dataDirectory;
    }

    public WebApplication App { get; }
    /// <summary>Signed in as the demo admin, who may do everything for every dealership.</summary>
    public HttpClient Client { get; }
    public string DataDirectory { get; }
    public IServiceProvider Services => App.Services;

    public static async Task<TestApp> StartAsync(
        string? dataDirectory = null, Action<WebApplicationBuilder>? configure = null, IEnumerable<string>? settings = null)
    {
        if (dataDirectory is null && configure is null)
            dataDirectory = await StartedDataDirectoryAsync(settings);
        dataDirectory ??= NewDataDirectory();
        string[] args =
        [
            $"--Database:DataDirectory={dataDirectory}",
            "--Urls=http://127.0.0.1:0",
            // Short pauses keep failing-message tests quick; the behaviour is the same as in production.
            "--Messaging:RetryLimit=2",
            "--Messaging:RetryMinInterval=00:00:00.050",
            "--Messaging:RetryMaxInterval=00:00:00.200",
            "--Logging:LogLevel:Default=Warning",
            .. settings ?? [],
        ];
        var app = DealershipApp.Build(args, configure);
        await app.StartAsync();
        await WaitUntilServicesKnowTheDemoDealershipsAsync(app.Services);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        // A host without the identity service cannot sign anyone in: its admin's token is signed here with the host's key.
        var client = app.Services.GetService<Dealership.Identity.People.TokenIssuer>() is null
            ? WithToken(new Uri(address), AdminToken(app.Services))
            : await SignInAsync(new Uri(address), "admin");
        return new TestApp(app, client, dataDirectory);
    }

    /// <summary>A client signed in as one of the demo people (appsettings.json, Demo:People).</summary>
    public Task<HttpClient> SignInAsync(string userName) => SignInAsync(Client.BaseAddress!, userName);

    /// <summary>A client that presents an integration client's API key (the demo OEM's by default).</summary>
    public HttpClient KeyClient(string key = DemoKey)
    {
        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public static async Task<HttpClient> SignInAsync(Uri address, string userName)
    {
        var client = new HttpClient { BaseAddress = address };
        var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password = DemoPassword });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{userName} could not sign in: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var token = (await response.Content.ReadFromJsonAsync<TokenAnswer>())!;
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.AccessToken);
        return client;
    }

    private static HttpClient WithToken(Uri address, string token)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    // The identity service's own issuer, with the host's key: the same token a network admin's sign-in gives.
    private static string AdminToken(IServiceProvider services) =>
        new Dealership.Identity.People.TokenIssuer(services.GetRequiredService<Dealership.Hosting.Security.SecurityKeyHolder>()).Issue(
            [new("sub", Guid.NewGuid().ToString()), new("name", "Test admin"), new("kind", "person"), new("role", "admin"), new("dealership", "*")],
            TimeSpan.FromHours(1)).Token;

    /// <summary>
    /// The services learn the dealerships from the identity service's DealershipChanged moments after they
    /// start; a test that posts a lead at once would otherwise race them.
    /// </summary>
    private static async Task WaitUntilServicesKnowTheDemoDealershipsAsync(IServiceProvider services)
    {
        if (services.GetService<Dealership.Identity.People.TokenIssuer>() is null)
            return;
        Guid[] demo = [DemoDealershipId, SecondDealershipId];
        await Eventually.Get(async () =>
        {
            using var scope = services.CreateScope();
            var sp = scope.ServiceProvider;
            var missing = new List<string>();
            async Task Check<TContext>(Func<TContext, Task<int>> count, string what) where TContext : class
            {
                if (sp.GetService<TContext>() is { } db && await count(db) < demo.Length)
                    missing.Add(what);
            }
            await Check<Dealership.LeadIntake.LeadIntakeDbContext>(db => db.Dealerships.CountAsync(d => demo.Contains(d.Id)), "lead intake");
            await Check<Dealership.Assignment.AssignmentDbContext>(db => db.Settings.CountAsync(s => demo.Contains(s.DealershipId)), "assignment");
            await Check<Dealership.InvitationWorkflow.InvitationWorkflowDbContext>(db => db.KnownDealerships.CountAsync(d => demo.Contains(d.Id)), "invitation workflow");
            await Check<Dealership.Appointment.AppointmentDbContext>(db => db.Calendars.CountAsync(c => demo.Contains(c.DealershipId)), "appointment");
            await Check<Dealership.Notification.NotificationDbContext>(db => db.Settings.CountAsync(s => demo.Contains(s.DealershipId)), "notification");
            return missing;
        }, missing => missing.Count == 0, TimeSpan.FromSeconds(60), because: "every service should learn the demo dealerships");
    }

    private static readonly ConcurrentDictionary<string, int> StartsBySettings = new();
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> TemplatesBySettings = new();

    /// <summary>
    /// A new data folder holding the databases as a host with these settings leaves them once it has started:
    /// migrated, seeded and each service knowing the demo dealerships. Migrating and seeding six databases is
    /// most of a host's start; doing it once per set of settings and copying the files is what a restart on
    /// the same files does, which the product supports. The first host with given settings starts from empty
    /// files as always, so settings seen once (a test's own clock file) never pay for a template.
    /// </summary>
    private static async Task<string?> StartedDataDirectoryAsync(IEnumerable<string>? settings)
    {
        var list = settings?.ToArray() ?? [];
        var key = string.Join('\n', list);
        if (StartsBySettings.AddOrUpdate(key, 1, (_, n) => n + 1) == 1)
            return null;
        var template = await TemplatesBySettings.GetOrAdd(key, _ => new Lazy<Task<string>>(() => MakeTemplateAsync(list))).Value;
        var directory = NewDataDirectory();
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(template))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        return directory;
    }

    private static async Task<string> MakeTemplateAsync(string[] settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "dealership-tests", "template-" + Guid.NewGuid().ToString("N"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(directory, recursive: true); } catch (IOException) { } };
        await using (var app = await StartAsync(directory, null, settings))
            await app.WaitForOutboxesToEmptyAsync();
        return directory;
    }

    /// <summary>Until every service has sent what its start wrote to its outbox, so a copy has nothing half-sent.</summary>
    private async Task WaitForOutboxesToEmptyAsync()
    {
        using var scope = Services.CreateScope();
        foreach (var context in Services.GetServices<Dealership.Hosting.Data.MigratedContext>())
        {
            var db = (Dealership.Hosting.Messaging.ServiceDbContext)scope.ServiceProvider.GetRequiredService(context.ContextType);
            await Eventually.Get(() => db.OutboxMessages.CountAsync(m => m.SentAt == null), unsent => unsent == 0,
                TimeSpan.FromSeconds(60), because: $"{context.ContextType.Name} should send what its start wrote");
        }
    }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "dealership-tests", Guid.NewGuid().ToString("N"));

    public T Scoped<T>(IServiceScope scope) where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>Posts a lead; without a phone number it gets one of its own, so leads of one test never merge by accident.</summary>
    public async Task<Guid> PostLeadAsync(string externalId, string? name = "陈先生", string? phone = null, string source = "oem")
    {
        phone ??= UniquePhone();
        var campaign = source == "marketing-event" ? "2026 车展" : null;
        var response = await Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", name, phone, source, campaign, externalId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SubmittedLead>())!.Id;
    }

    private static int _phones = Random.Shared.Next(1_000_000);

    /// <summary>A valid China mobile number not used before in this test run.</summary>
    public static string UniquePhone() => $"1391{Interlocked.Increment(ref _phones) % 10_000_000:D7}";

    /// <summary>The whole phone number of a lead, as its reader sees it.</summary>
    public async Task<string> PhoneOfAsync(Guid leadId) => (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!.Phone!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!Path.GetFileName(DataDirectory).StartsWith("template-", StringComparison.Ordinal))
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

public record SubmittedLead(Guid Id, string Stage, bool Duplicate);
public record TokenAnswer(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);
