using Dealership.Host;
using Dealership.Tests.Support;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Dealership.Tests.Topology;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so it is kept correct by construction:
/// every service of the solution has its container, health check and settings.
/// </summary>
public class Compose_file_Specs
{
    private static readonly Dictionary<string, object> Compose = Load();

    private static Dictionary<string, object> Load()
    {
        using var reader = new StreamReader(Path.Combine(Repository.Root, "docker-compose.yml"));
        // Compose files use YAML merge keys (<<: *anchor) for what the services share.
        var yaml = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
        return ToDictionary(yaml["services"]);
    }

    private static Dictionary<string, object> ToDictionary(object node) =>
        ((Dictionary<object, object>)node).ToDictionary(kv => (string)kv.Key, kv => kv.Value);

    private static Dictionary<string, object> Service(string name)
    {
        Assert.True(Compose.ContainsKey(name), $"docker-compose.yml has no service '{name}'");
        return ToDictionary(Compose[name]);
    }

    private static Dictionary<string, string> Environment(Dictionary<string, object> service) =>
        ToDictionary(service["environment"]).ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "");

    private static List<string> Strings(object node) => ((List<object>)node).Select(o => o.ToString()!).ToList();

    private static Dictionary<string, string> DependsOn(Dictionary<string, object> service) =>
        ToDictionary(service["depends_on"]).ToDictionary(kv => kv.Key, kv => ToDictionary(kv.Value)["condition"].ToString()!);

    public static TheoryData<string> ServiceNames() => [.. ServiceCatalog.All().Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Should_run_each_service_in_its_own_container_of_the_one_image(string name)
    {
        var service = Service(name);

        Assert.Equal("dealership:latest", service["image"]);
        Assert.Equal(["Dealership.Host.dll", $"--services={name}"], Strings(service["command"]));
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Should_check_each_service_is_ready(string name)
    {
        var healthcheck = ToDictionary(Service(name)["healthcheck"]);

        Assert.Contains(Strings(healthcheck["test"]), part => part.EndsWith("/health/ready"));
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Should_give_each_service_sql_server_rabbitmq_and_its_own_database(string name)
    {
        var service = Service(name);
        var environment = Environment(service);

        Assert.Equal("SqlServer", environment["Database__Provider"]);
        Assert.StartsWith("amqp://", environment["ConnectionStrings__RabbitMq"]);
        Assert.Contains("@rabbitmq:5672", environment["ConnectionStrings__RabbitMq"]);
        Assert.Contains("Server=sqlserver;", environment[$"ConnectionStrings__{name}"]);
        Assert.Equal("service_healthy", DependsOn(service)["rabbitmq"]);
        Assert.Equal("service_healthy", DependsOn(service)["sqlserver"]);
    }

    [Fact]
    public void Should_give_every_service_a_database_of_its_own()
    {
        var databases = ServiceCatalog.All()
            .Select(m => Environment(Service(m.Name))[$"ConnectionStrings__{m.Name}"].Split(';').Single(p => p.StartsWith("Database=")))
            .ToList();

        Assert.Equal(databases.Count, databases.Distinct().Count());
    }

    [Fact]
    public void Should_build_the_image_once()
    {
        var building = Compose.Where(kv => ToDictionary(kv.Value).ContainsKey("build")).Select(kv => kv.Key).ToList();

        Assert.Single(building);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "Dockerfile")));
    }

    [Fact]
    public void Should_route_the_gateway_to_every_service_once_they_are_healthy()
    {
        var gateway = Service("gateway");
        var environment = Environment(gateway);

        Assert.Contains("5080:8080", Strings(gateway["ports"]));
        foreach (var name in ServiceCatalog.All().Select(m => m.Name))
        {
            Assert.Equal($"http://{name}:8080", environment[$"ReverseProxy__Clusters__{name}__Destinations__{name}-1__Address"]);
            Assert.Equal("service_healthy", DependsOn(gateway)[name]);
        }
    }

    [Fact]
    public void Should_offer_rabbitmq_with_its_management_ui_and_sql_server()
    {
        Assert.Contains("management", Service("rabbitmq")["image"].ToString());
        Assert.Contains("15672:15672", Strings(Service("rabbitmq")["ports"]));
        Assert.StartsWith("mcr.microsoft.com/mssql/server", Service("sqlserver")["image"].ToString());
    }
}
