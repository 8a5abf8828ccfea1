using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DotNet.Testcontainers.Builders;
using Testcontainers.RabbitMq;

namespace Dealership.IntegrationTests.Support;

/// <summary>
/// A real RabbitMQ for the tests: a throwaway container where a Docker engine runs, otherwise the
/// broker named by RABBITMQ_URL. Each fixture gets a virtual host of its own, so queues left by an
/// earlier run never leak into this one. Without either broker the tests fail, saying how to provide one.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    private RabbitMqContainer? _container;
    private HttpClient _management = null!;
    private string _vhost = "";

    /// <summary>The AMQP URI, virtual host included, as the host's ConnectionStrings:RabbitMq takes it.</summary>
    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Uri amqp;
        Uri management;
        try
        {
            _container = new RabbitMqBuilder("rabbitmq:3.13-management").WithPortBinding(15672, true).Build();
            await _container.StartAsync();
            amqp = new Uri(_container.GetConnectionString());
            management = new Uri($"http://{_container.Hostname}:{_container.GetMappedPublicPort(15672)}");
        }
        catch (DockerUnavailableException)
        {
            _container = null;
            var url = Environment.GetEnvironmentVariable("RABBITMQ_URL");
            if (string.IsNullOrWhiteSpace(url))
                throw new InvalidOperationException(
                    "These tests need a real RabbitMQ. Run a Docker engine (Testcontainers starts a broker), or start rabbitmq-server " +
                    "with the management plugin and set RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 (see .ci/run).");
            amqp = new Uri(url);
            management = new Uri(Environment.GetEnvironmentVariable("RABBITMQ_MANAGEMENT_URL") ?? $"http://{amqp.Host}:15672");
        }

        var userInfo = Uri.UnescapeDataString(amqp.UserInfo);
        _management = new HttpClient { BaseAddress = management };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));

        _vhost = "test-" + Guid.NewGuid().ToString("N")[..12];
        var user = userInfo.Split(':')[0];
        (await _management.PutAsync($"/api/vhosts/{_vhost}", null)).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"/api/permissions/{_vhost}/{user}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        Url = new UriBuilder(amqp) { Path = "/" + _vhost }.Uri.ToString();
    }

    /// <summary>Takes up to <paramref name="count"/> messages off a queue, as the management UI's "get messages" does.</summary>
    public async Task<IReadOnlyList<JsonElement>> PeekAsync(string queue, int count = 10)
    {
        var response = await _management.PostAsJsonAsync($"/api/queues/{_vhost}/{queue}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
    }

    /// <summary>The names of the client connections open on this fixture's virtual host.</summary>
    public async Task<IReadOnlyList<string>> ConnectionsAsync()
    {
        var connections = await _management.GetFromJsonAsync<List<JsonElement>>($"/api/vhosts/{_vhost}/connections?columns=name");
        return connections!.Select(c => c.GetProperty("name").GetString()!).ToList();
    }

    /// <summary>Closes every client connection on this fixture's virtual host, as a network blip would; returns how many.</summary>
    public async Task<int> CloseConnectionsAsync()
    {
        var names = await ConnectionsAsync();
        foreach (var name in names)
        {
            using var response = await _management.DeleteAsync($"/api/connections/{Uri.EscapeDataString(name)}");
            // Already gone is as good as closed.
            if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
                response.EnsureSuccessStatusCode();
        }
        return names.Count;
    }

    public async Task DisposeAsync()
    {
        if (_vhost.Length > 0)
            await _management.DeleteAsync($"/api/vhosts/{_vhost}");
        _management?.Dispose();
        if (_container is not null)
            await _container.DisposeAsync();
    }
}
