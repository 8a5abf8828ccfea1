using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;

namespace Dealership.Tests.InvitationFlows;

/// <summary>The diagrams as operations staff meet them: loaded on the first start, checked, and laid out for the designer.</summary>
public sealed class Default_flows_Specs : IAsyncLifetime
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace Di = "http://www.omg.org/spec/BPMN/20100524/DI";
    private static readonly XNamespace Dc = "http://www.omg.org/spec/DD/20100524/DC";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(settings: WorkflowApi.Settings);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string> Flows => new() { "inbound-call", "active-invitation" };

    [Theory]
    [MemberData(nameof(Flows))]
    public async Task Should_load_the_flow_as_the_network_wide_published_version_1_byte_for_byte(string key)
    {
        var ops = _app.Operations();
        var file = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "workflows", $"{key}.bpmn"));

        var version = Assert.Single((await ops.GetFromJsonAsync<JsonArray>($"/api/workflows/{key}/versions"))!)!;
        Assert.Equal(1, version["version"]!.GetValue<int>());
        Assert.Equal("published", version["status"]!.GetValue<string>());
        Assert.Null(version["dealershipId"]);
        Assert.Equal(file, await ops.GetStringAsync($"/api/workflows/{key}/xml"));
        var check = await ops.PostAsync("/api/workflows/check", new StringContent(file, System.Text.Encoding.UTF8, "application/xml"));
        Assert.True((await check.Content.ReadFromJsonAsync<JsonObject>())!["publishable"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Should_carry_a_shape_for_every_element_and_an_edge_for_every_flow_laid_out_left_to_right(string key)
    {
        var xml = XDocument.Load(Path.Combine(Repository.Root, "workflows", $"{key}.bpmn"));
        var process = xml.Root!.Element(Bpmn + "process")!;
        var shapes = xml.Descendants(Di + "BPMNShape").ToDictionary(s => (string)s.Attribute("bpmnElement")!, s => s.Element(Dc + "Bounds")!);
        var edges = xml.Descendants(Di + "BPMNEdge").Select(e => (string)e.Attribute("bpmnElement")!).ToHashSet();

        var nodes = process.Elements().Where(e => e.Name.LocalName != "sequenceFlow").Select(e => (string)e.Attribute("id")!).ToList();
        Assert.All(nodes, id => Assert.True(shapes.ContainsKey(id), $"{id} has no shape"));
        Assert.All(process.Elements(Bpmn + "sequenceFlow"), f => Assert.Contains((string)f.Attribute("id")!, edges));

        double X(string id) => (double)shapes[id].Attribute("x")!;
        Assert.True(X("Start") < X("Task_FirstContact") && X("Task_FirstContact") < X("Task_Book") && X("Task_Book") < X("End_Arrived"));
        // No two shapes on top of each other (a boundary event sits on its task's edge by design).
        var boxes = nodes.Where(id => process.Elements(Bpmn + "boundaryEvent").All(b => (string)b.Attribute("id")! != id))
            .Select(id => (id, x: X(id), y: (double)shapes[id].Attribute("y")!, w: (double)shapes[id].Attribute("width")!, h: (double)shapes[id].Attribute("height")!)).ToList();
        foreach (var a in boxes)
            foreach (var b in boxes.Where(b => string.CompareOrdinal(a.id, b.id) < 0))
                Assert.False(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h, $"{a.id} overlaps {b.id}");
    }
}
