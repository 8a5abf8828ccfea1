using System.Diagnostics;

namespace Dealership.Faults;

/// <summary>
/// A RabbitMQ node of this program's own (Debian's rabbitmq-server), on loopback ports of its own with its data in a temp
/// folder, so that it may be restarted without touching the broker anyone else uses. Only such a broker is restarted.
/// </summary>
public sealed class BrokerNode : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Dictionary<string, string> _environment;

    private BrokerNode(string folder, string node, int amqpPort, int managementPort, Dictionary<string, string> environment)
    {
        _folder = folder;
        Node = node;
        AmqpUrl = $"amqp://guest:guest@127.0.0.1:{amqpPort}";
        ManagementUrl = $"http://127.0.0.1:{managementPort}";
        _environment = environment;
    }

    public string Node { get; }
    public string AmqpUrl { get; }
    public string ManagementUrl { get; }

    public static async Task<BrokerNode> StartAsync(string run)
    {
        var folder = Path.Combine(Path.GetTempPath(), "dealership-faults-broker-" + run);
        Directory.CreateDirectory(folder);
        var (amqp, management, distribution) = (ServiceProcess.FreePort(), ServiceProcess.FreePort(), ServiceProcess.FreePort());
        File.WriteAllText(Path.Combine(folder, "rabbitmq.conf"),
            $"listeners.tcp.default = 127.0.0.1:{amqp}\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {management}\nloopback_users = none\n");
        File.WriteAllText(Path.Combine(folder, "enabled_plugins"), "[rabbitmq_management].\n");
        var node = $"faults-{run}@localhost";
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = node,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_DIST_PORT"] = distribution.ToString(),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder, "rabbitmq.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins"),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid"),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };
        // Debian's scripts run the broker as the rabbitmq user, which must be able to write there.
        await Commands.RunAsync("chown", ["-R", "rabbitmq:rabbitmq", folder], environment, TimeSpan.FromSeconds(10));
        var broker = new BrokerNode(folder, node, amqp, management, environment);
        await broker.StartNodeAsync();
        return broker;
    }

    private async Task StartNodeAsync()
    {
        await Commands.RunAsync("rabbitmq-server", ["-detached"], _environment, TimeSpan.FromSeconds(30));
        // await_startup right after -detached can fail at once: retried until the node answers.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (await Commands.RunAsync("rabbitmqctl", ["-n", Node, "-q", "await_startup"], _environment, TimeSpan.FromSeconds(60), check: false) != 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The broker node {Node} did not start within 2 minutes (logs in {_folder}/log).");
            await Task.Delay(1000);
        }
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        while (true)
        {
            try
            {
                if ((await http.GetAsync(ManagementUrl + "/api/overview")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The broker node {Node}'s management API did not answer within 2 minutes.");
            await Task.Delay(500);
        }
    }

    /// <summary>Stops the node as an operator would (its durable queues and persistent messages stay on disk) and starts it again.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await Commands.RunAsync("rabbitmqctl", ["-n", Node, "shutdown"], _environment, TimeSpan.FromSeconds(60));
        await Task.Delay(down);
        await StartNodeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Commands.RunAsync("rabbitmqctl", ["-n", Node, "shutdown"], _environment, TimeSpan.FromSeconds(60), check: false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
        }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
