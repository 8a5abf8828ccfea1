using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dealership.Tests.Support;

/// <summary>One of the product's executables started as its own OS process, its output kept for the failure message.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string name, int port, Process process)
    {
        Name = name;
        Address = new Uri($"http://127.0.0.1:{port}");
        _process = process;
    }

    public string Name { get; }
    public Uri Address { get; }

    /// <summary>
    /// Starts <c>dotnet &lt;project&gt;.dll</c> from the project's build output with the given settings on a free port, or on
    /// <paramref name="port"/> (from <see cref="FreePort"/>) when another process must be told the address first.
    /// </summary>
    public static ServiceProcess Start(string name, string projectFolder, IEnumerable<string> settings, int? port = null)
    {
        var assembly = Path.GetFileName(projectFolder) + ".dll";
        var dll = Path.Combine(Repository.Root, projectFolder, "bin", BuildConfiguration, "net10.0", assembly);
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing: build the solution first (dotnet build Dealership.sln -c {BuildConfiguration}).");

        port ??= FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--Urls=http://127.0.0.1:{port}");
        foreach (var setting in settings)
            start.ArgumentList.Add(setting);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        var service = new ServiceProcess(name, port.Value, process);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > 200)
            _output.TryDequeue(out _);
    }

    public string Output => $"--- {Name} (exited: {_process.HasExited}) ---{Environment.NewLine}{string.Join(Environment.NewLine, _output)}";

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int _nextPort = Random.Shared.Next(12_000);

    /// <summary>
    /// A free port below Linux's ephemeral range (32768 and up). A port the system picks (port 0) comes from that
    /// range, where any outgoing connection of the machine may take it between this check and the process binding
    /// it: the process then fails to start with "address already in use".
    /// </summary>
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

    private const string BuildConfiguration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif
}
