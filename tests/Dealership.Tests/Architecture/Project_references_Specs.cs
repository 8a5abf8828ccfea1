using System.Text.RegularExpressions;
using System.Xml.Linq;
using Dealership.Tests.Support;

namespace Dealership.Tests.Architecture;

/// <summary>Services share nothing but the contracts and the common hosting code.</summary>
public class Project_references_Specs
{
    private static readonly string[] Shared = ["Dealership.Contracts", "Dealership.Hosting"];

    public static TheoryData<string> ServiceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(Repository.Root, "services")).Order())
        {
            var name = Path.GetFileName(dir);
            // The host composes every service; it is the only project allowed to.
            if (!Shared.Contains(name) && name != "Dealership.Host")
                data.Add(name);
        }
        return data;
    }

    private static IReadOnlyList<string> ProjectReferences(string csproj) =>
        XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

    private static string Csproj(string folder, string name) => Path.Combine(Repository.Root, folder, name, name + ".csproj");

    [Fact]
    public void Should_find_the_six_services_and_the_console()
    {
        Assert.Equal(
            ["Dealership.Appointment", "Dealership.Assignment", "Dealership.Identity", "Dealership.InvitationWorkflow", "Dealership.LeadIntake", "Dealership.Notification", "Dealership.Web"],
            ServiceProjects().Cast<object[]>().Select(row => (string)row[0]));
    }

    // The workflow engine belongs to invitation-workflow alone: it is not shared between services.
    private static readonly Dictionary<string, string[]> OwnLibraries = new()
    {
        ["Dealership.InvitationWorkflow"] = ["Dealership.Workflows"],
    };

    [Theory]
    [MemberData(nameof(ServiceProjects))]
    public void Should_reference_only_the_contracts_and_the_hosting_code(string service)
    {
        var references = ProjectReferences(Csproj("services", service));
        var allowed = Shared.Concat(OwnLibraries.GetValueOrDefault(service, [])).ToList();

        Assert.All(references, r => Assert.Contains(r, allowed));
    }

    [Fact]
    public void Should_keep_the_workflow_engine_free_of_services_and_dealership_concepts()
    {
        Assert.Empty(ProjectReferences(Csproj("workflows", "Dealership.Workflows")));
        var servicesUsingIt = Directory.GetDirectories(Path.Combine(Repository.Root, "services"))
            .Select(Path.GetFileName)
            .Where(name => File.Exists(Csproj("services", name!)) && ProjectReferences(Csproj("services", name!)).Contains("Dealership.Workflows"))
            .ToList();
        Assert.Equal(["Dealership.InvitationWorkflow"], servicesUsingIt);
    }

    [Fact]
    public void Should_keep_the_engine_hosting_in_invitation_workflow_free_of_the_dealership_flows()
    {
        // Engine/ hosts the engine (definitions, instances, timers, the HTTP surface); InvitationFlows/ holds the
        // dealership's flows, which plug in through the runtime's calls (activities, step observers, engine calls).
        var service = Path.Combine(Repository.Root, "services", "Dealership.InvitationWorkflow");
        var flowTypes = Directory.GetFiles(Path.Combine(service, "InvitationFlows"), "*.cs")
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\b(?:class|record|interface|enum|struct)\s+(\w+)").Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.Contains("ConsultantTaskMirror", flowTypes);

        var uses = Directory.GetFiles(Path.Combine(service, "Engine"), "*.cs")
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\b\w+\b").Select(m => m.Value)
                .Where(word => flowTypes.Contains(word) || word == "InvitationFlows").Distinct().Select(word => $"{Path.GetFileName(f)}: {word}"))
            .ToList();
        Assert.Empty(uses);
    }

    [Fact]
    public void Should_keep_the_contracts_free_of_any_reference()
    {
        var project = XDocument.Load(Csproj("services", "Dealership.Contracts"));

        Assert.Empty(project.Descendants("ProjectReference"));
        Assert.Empty(project.Descendants("PackageReference"));
    }

    [Fact]
    public void Should_let_the_hosting_code_depend_on_the_contracts_only()
    {
        Assert.Equal(["Dealership.Contracts"], ProjectReferences(Csproj("services", "Dealership.Hosting")));
    }

    // The gateway checks and limits callers with the services' own code, and knows no service.
    [Fact]
    public void Should_keep_the_gateway_apart_from_every_service()
    {
        Assert.Equal(["Dealership.Hosting"], ProjectReferences(Csproj("gateway", "Dealership.Gateway")));
    }
}
