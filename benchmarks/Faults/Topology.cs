using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Dealership.Faults;

/// <summary>The broker named by RABBITMQ_URL, seen through a virtual host of this run's own (made and removed here).</summary>
public sealed class Broker : IAsyncDisposable
{
    private readonly HttpClient _management;

    private Broker(HttpClient management, string vhost, string url)
    {
        _management = management;
        VirtualHost = vhost;
        Url = url;
    }

    public string VirtualHost { get; }
    /// <summary>The AMQP URI, virtual host included, as the host's ConnectionStrings:RabbitMq takes it.</summary>
    public string Url { get; }

    /// <param name="prefix">Names the program in the virtual host's name, for whoever looks at the broker meanwhile.</param>
    public static async Task<Broker> CreateAsync(string amqpUrl, string? managementUrl, string prefix = "faults")
    {
        var amqp = new Uri(amqpUrl);
        var userInfo = Uri.UnescapeDataString(amqp.UserInfo);
        var management = new HttpClient { BaseAddress = new Uri(managementUrl ?? $"http://{amqp.Host}:15672"), Timeout = TimeSpan.FromSeconds(30) };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        var vhost = prefix + "-" + Guid.NewGuid().ToString("N")[..12];
        (await management.PutAsync($"/api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"/api/permissions/{vhost}/{userInfo.Split(':')[0]}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new Broker(management, vhost, new UriBuilder(amqp) { Path = "/" + vhost }.Uri.ToString());
    }

    /// <summary>The operating-system process ids of the broker's nodes, for reading their CPU time.</summary>
    public async Task<IReadOnlyList<int>> NodeProcessIdsAsync()
    {
        var nodes = await _management.GetFromJsonAsync<List<JsonElement>>("/api/nodes?columns=name,os_pid");
        return nodes!.Where(n => n.TryGetProperty("os_pid", out _)).Select(n => int.Parse(n.GetProperty("os_pid").ToString().Trim('"'))).ToList();
    }

    public async Task<IReadOnlyList<(string Name, int Messages)>> QueuesAsync()
    {
        var queues = await _management.GetFromJsonAsync<List<JsonElement>>($"/api/queues/{VirtualHost}?columns=name,messages");
        return queues!.Select(q => (q.GetProperty("name").GetString()!, q.TryGetProperty("messages", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 0)).ToList();
    }

    /// <summary>Reads up to <paramref name="count"/> messages of a queue and puts them back, as the management UI's "get messages" does.</summary>
    public async Task<IReadOnlyList<JsonElement>> PeekAsync(string queue, int count)
    {
        var response = await _management.PostAsJsonAsync($"/api/queues/{VirtualHost}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        if (response.StatusCode == HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
    }

    /// <summary>Names of the client connections of one OS process (MassTransit names its process id among the client properties).</summary>
    public async Task<IReadOnlyList<string>> ConnectionsOfAsync(int processId)
    {
        var connections = await _management.GetFromJsonAsync<List<JsonElement>>($"/api/vhosts/{VirtualHost}/connections?columns=name,client_properties");
        return connections!
            .Where(c => c.TryGetProperty("client_properties", out var p) && p.TryGetProperty("process_id", out var id) && id.ToString() == processId.ToString())
            .Select(c => c.GetProperty("name").GetString()!)
            .ToList();
    }

    /// <summary>Closes connections as the broker would on a network blip (the management API's DELETE); already gone counts as closed.</summary>
    public async Task CloseConnectionsAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            using var response = await _management.DeleteAsync($"/api/connections/{Uri.EscapeDataString(name)}");
            if (response.StatusCode != HttpStatusCode.NotFound)
                response.EnsureSuccessStatusCode();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _management.DeleteAsync($"/api/vhosts/{VirtualHost}"); } catch (HttpRequestException) { }
        _management.Dispose();
    }
}

/// <summary>One service as its own OS process of the host executable, on its own port and data folder; it can be killed and started again as it was.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _dll;
    private readonly IReadOnlyList<string> _settings;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _output = new();
    private Process _process = null!;

    public ServiceProcess(string name, string dll, int port, string dataDirectory, IReadOnlyList<string> settings, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        _dll = dll;
        Port = port;
        DataDirectory = dataDirectory;
        _settings = settings;
        _environment = environment;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public string Name { get; }
    public int Port { get; }
    public Uri Address { get; }
    public string DataDirectory { get; }
    public string DatabaseFile => Path.Combine(DataDirectory, Name + ".db");
    public int ProcessId => _process.Id;
    /// <summary>
    /// Called with every line the process writes, on the reader's thread, before the line joins the last 300 kept:
    /// a program that counts what the services log (retries, conflicts) sees all of it.
    /// </summary>
    public Action<string>? OnLine { get; set; }
    public bool HasExited => _process.HasExited;

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(_dll)! };
        start.ArgumentList.Add(_dll);
        start.ArgumentList.Add($"--services={Name}");
        start.ArgumentList.Add($"--Urls=http://127.0.0.1:{Port}");
        start.ArgumentList.Add($"--Database:DataDirectory={DataDirectory}");
        foreach (var setting in _settings)
            start.ArgumentList.Add(setting);
        foreach (var (key, value) in _environment)
            start.Environment[key] = value;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        OnLine?.Invoke(line);
        _output.Enqueue(line);
        while (_output.Count > 300)
            _output.TryDequeue(out _);
    }

    public string Output => $"--- {Name} (pid {_process.Id}, exited: {_process.HasExited}) ---{Environment.NewLine}{string.Join(Environment.NewLine, _output)}";

    /// <summary>SIGKILL: no shutdown, no flush, nothing the process can do about it.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
        Keep($"=== killed (SIGKILL) at {DateTimeOffset.UtcNow:HH:mm:ss.fff} ===");
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}.{Environment.NewLine}{Output}");
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} was not ready within {timeout}.{Environment.NewLine}{Output}");
    }

    public void KillIfRunning()
    {
        try
        {
            if (_process is { HasExited: false })
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }

    private static int _nextPort = Random.Shared.Next(12_000);

    /// <summary>A free port below Linux's ephemeral range, where no outgoing connection takes it before the process binds it.</summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = 20_000 + Interlocked.Increment(ref _nextPort) % 12_000;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("No free port between 20000 and 32000.");
    }
}

/// <summary>Where this checkout's build output is: the programs run the host and the gateway as built beside them.</summary>
public static class BuildOutput
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>The folder holding Dealership.sln, above this program's own build output.</summary>
    public static readonly string Repository = FindRepository();

    /// <summary>An assembly of a project of the repository, in this program's configuration, e.g. ("services/Dealership.Host", "Dealership.Host").</summary>
    public static string Assembly(string projectFolder, string name) =>
        Path.Combine(Repository, projectFolder, "bin", Configuration, "net10.0", name + ".dll");

    /// <summary>
    /// The project published as it ships (the Dockerfile's way: ReadyToRun, for this machine's runtime identifier) into
    /// its own bin folder, and the assembly's path there. Publishing again is incremental: only what changed is compiled.
    /// </summary>
    public static async Task<string> ReadyToRunAsync(string projectFolder, string name)
    {
        var output = Path.Combine(Repository, projectFolder, "bin", "ready-to-run");
        // The first publish of the host compiles every assembly ahead: about three minutes on two cores.
        await Commands.RunAsync("dotnet", ["publish", Path.Combine(Repository, projectFolder), "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output, "-v", "q", "--nologo"], null, TimeSpan.FromMinutes(15));
        return Path.Combine(output, name + ".dll");
    }

    private static string FindRepository()
    {
        var folder = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(folder, "Dealership.sln")))
            folder = Path.GetDirectoryName(folder.TrimEnd(Path.DirectorySeparatorChar))
                ?? throw new InvalidOperationException("Dealership.sln not found above " + AppContext.BaseDirectory);
        return folder;
    }
}

/// <summary>Runs a command line tool to its end; its output and errors are in the exception when it fails.</summary>
public static class Commands
{
    public static async Task<int> RunAsync(string command, string[] arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan limit,
        bool check = true)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within {limit}.");
        }
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        return process.ExitCode;
    }
}
