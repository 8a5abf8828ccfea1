using System.Security.Cryptography;
using Dealership.Faults;

namespace Dealership.Load;

/// <summary>
/// The processes of one topology under load: the embedded host (every service in one process, MassTransit's in-memory
/// bus), or one process per service on RabbitMQ with the gateway in front. Leads are posted to <see cref="Intake"/>.
/// </summary>
public sealed class Topology : IAsyncDisposable
{
    public static readonly string[] Services = ["identity", "lead-intake", "assignment", "invitation-workflow", "appointment", "notification"];

    private Topology(string name, IReadOnlyList<ServiceProcess> processes, Uri intake, string dataDirectory, Func<string, string> databaseOf)
    {
        Name = name;
        Processes = processes;
        Intake = intake;
        DataDirectory = dataDirectory;
        DatabaseOf = databaseOf;
    }

    public string Name { get; }
    public IReadOnlyList<ServiceProcess> Processes { get; }
    /// <summary>Where an integration client posts leads: the gateway, or the embedded host itself.</summary>
    public Uri Intake { get; }
    public string DataDirectory { get; }
    /// <summary>A service's SQLite file, wherever its process keeps it.</summary>
    public Func<string, string> DatabaseOf { get; }

    /// <param name="logLevel">The services' default log level: their shipped one (Information) unless the run asks otherwise.</param>
    public static Topology Embedded(string hostDll, string root, string logLevel)
    {
        var data = Path.Combine(root, "embedded");
        var host = new ServiceProcess("all", hostDll, ServiceProcess.FreePort(), data,
            [$"--Logging:LogLevel:Default={logLevel}", .. UnlimitedIntake], new Dictionary<string, string>());
        return new Topology("embedded", [host], host.Address, data, service => Path.Combine(data, service + ".db"));
    }

    public static Topology Distributed(string hostDll, string gatewayDll, string root, Broker broker, string logLevel)
    {
        // Each service has a data folder of its own, so none generates its own signing key: they and the gateway all take this one.
        using var rsa = RSA.Create(2048);
        var signing = new Dictionary<string, string> { ["Identity__SigningKey"] = rsa.ExportPkcs8PrivateKeyPem() };
        var identityPort = ServiceProcess.FreePort();
        var processes = new List<ServiceProcess>();
        foreach (var name in Services)
        {
            processes.Add(new ServiceProcess(name, hostDll, name == "identity" ? identityPort : ServiceProcess.FreePort(), Path.Combine(root, name),
            [
                $"--ConnectionStrings:RabbitMq={broker.Url}",
                $"--Identity:Url=http://127.0.0.1:{identityPort}",
                $"--Logging:LogLevel:Default={logLevel}",
                .. name == "lead-intake" ? UnlimitedIntake : [],
            ], signing));
        }
        var gateway = new ServiceProcess("gateway", gatewayDll, ServiceProcess.FreePort(), Path.Combine(root, "gateway"),
        [
            .. processes.Select(p => $"--ReverseProxy:Clusters:{p.Name}:Destinations:{p.Name}-1:Address={p.Address}"),
            $"--Identity:Url=http://127.0.0.1:{identityPort}",
            $"--Logging:LogLevel:Default={logLevel}",
            // No console process runs (leads do not need it): its health probe would only fill the log with refused connections.
            "--ReverseProxy:Clusters:web:HealthCheck:Active:Enabled=false",
            .. UnlimitedIntake,
        ], signing);
        processes.Add(gateway);
        return new Topology("distributed", processes, gateway.Address, root,
            service => processes.Single(p => p.Name == service).DatabaseFile);
    }

    // The intake limit (6,000 a minute per client) would answer 429 to the one demo key at 100 leads a second and more:
    // the run measures the pipeline, not the limit.
    private static readonly string[] UnlimitedIntake = ["--RateLimits:intake:PermitsPerMinute=6000000"];

    public async Task StartAsync(TimeSpan timeout)
    {
        foreach (var process in Processes)
            process.Start();
        await Task.WhenAll(Processes.Select(p => p.WaitUntilReadyAsync(timeout)));
    }

    public void KillIfRunning()
    {
        foreach (var process in Processes)
            process.KillIfRunning();
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(Processes.Select(p => p.DisposeAsync().AsTask()));
}
