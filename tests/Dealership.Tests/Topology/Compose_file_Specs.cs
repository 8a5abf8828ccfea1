using System.Text.RegularExpressions;
using System.Xml.Linq;
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

    /// <summary>Every service but the console, which keeps no data of its own and reads everything through the APIs.</summary>
    public static TheoryData<string> ServicesWithData() => [.. ServiceCatalog.All().Where(m => m is not Dealership.Web.WebModule).Select(m => m.Name)];

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
    [MemberData(nameof(ServicesWithData))]
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
        var databases = ServiceCatalog.All().Where(m => m is not Dealership.Web.WebModule)
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
        // It checks callers as the services do: their signing key, API keys exchanged at the identity service.
        Assert.Equal(Environment(Service("identity"))["Identity__SigningKey"], environment["Identity__SigningKey"]);
        Assert.Equal("http://identity:8080", environment["Identity__Url"]);
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

    [Fact]
    public void Should_publish_rabbitmq_amqp_port_for_publishers_outside_compose()
    {
        Assert.Contains("5672:5672", Strings(Service("rabbitmq")["ports"]));
    }

    private static readonly string[] Dockerfile = File.ReadAllLines(Path.Combine(Repository.Root, "Dockerfile"));

    /// <summary>What the build stage copies from the checkout: every source of its COPY lines, without a trailing slash.</summary>
    private static HashSet<string> CopiedIntoTheBuild() =>
        Dockerfile.Select(l => l.Trim())
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .Select(source => source.TrimEnd('/'))
            .ToHashSet();

    public static TheoryData<string> PublishedProjects() =>
        [.. Dockerfile.SelectMany(l => Regex.Matches(l, @"dotnet publish (\S+)").Select(m => m.Groups[1].Value))];

    [Theory]
    [MemberData(nameof(PublishedProjects))]
    public void Should_copy_into_the_image_build_every_folder_a_published_project_needs(string project)
    {
        var copied = CopiedIntoTheBuild();
        var csproj = Directory.GetFiles(Path.Combine(Repository.Root, project), "*.csproj").Single();

        Assert.Contains("Directory.Build.props", copied);
        Assert.Contains("Directory.Packages.props", copied);
        foreach (var folder in FoldersNeededToBuild(csproj))
            Assert.True(copied.Contains(folder), $"The Dockerfile does not copy {folder}/, which {Path.GetFileName(csproj)} needs to build");
    }

    /// <summary>The top-level folders of the checkout holding the project, the projects it references, and the files they include.</summary>
    private static HashSet<string> FoldersNeededToBuild(string csproj)
    {
        var folders = new HashSet<string>();
        var pending = new Stack<string>([Path.GetFullPath(csproj)]);
        var seen = new HashSet<string>();
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project))
                continue;
            folders.Add(TopLevelFolder(project));
            var directory = Path.GetDirectoryName(project)!;
            foreach (var item in XDocument.Load(project).Descendants()
                         .Where(e => e.Name.LocalName is "ProjectReference" or "EmbeddedResource" or "Content" or "None" or "Compile"))
            {
                var include = item.Attribute("Include")?.Value.Replace('\\', '/');
                if (string.IsNullOrEmpty(include))
                    continue;
                var path = Path.GetFullPath(Path.Combine(directory, include));
                if (item.Name.LocalName == "ProjectReference")
                    pending.Push(path);
                else
                    folders.Add(TopLevelFolder(path));
            }
        }
        return folders;
    }

    private static string TopLevelFolder(string path) =>
        Path.GetRelativePath(Repository.Root, path).Replace('\\', '/').Split('/')[0];
}
