using System.Xml.Linq;
using Dealership.Tests.Support;

namespace Dealership.Tests.InvitationFlows;

/// <summary>
/// The default diagrams as a person reads them in the designer: every path can be followed by eye (no two sequence flows drawn
/// over each other, none drawn through a shape it does not join, each starting and ending on its own shapes), and every
/// element named in the staff's Chinese with its English in the documentation.
/// </summary>
public sealed class Default_diagram_layout_Specs
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace BpmnDi = "http://www.omg.org/spec/BPMN/20100524/DI";
    private static readonly XNamespace Di = "http://www.omg.org/spec/DD/20100524/DI";
    private static readonly XNamespace Dc = "http://www.omg.org/spec/DD/20100524/DC";
    private static readonly XNamespace Zeebe = "http://camunda.org/schema/zeebe/1.0";

    public static TheoryData<string> Flows => new() { "inbound-call", "active-invitation" };

    private sealed record Box(double X, double Y, double W, double H)
    {
        public bool Holds((double X, double Y) p, double margin = 0) =>
            p.X >= X - margin && p.X <= X + W + margin && p.Y >= Y - margin && p.Y <= Y + H + margin;

        public bool HoldsInside((double X, double Y) p) => p.X > X + 1 && p.X < X + W - 1 && p.Y > Y + 1 && p.Y < Y + H - 1;
    }

    private sealed record Segment(string Flow, (double X, double Y) A, (double X, double Y) B);

    private sealed record Diagram(XElement Process, Dictionary<string, Box> Shapes, Dictionary<string, List<(double X, double Y)>> Edges)
    {
        public static Diagram Load(string key)
        {
            var xml = XDocument.Load(Path.Combine(Repository.Root, "workflows", $"{key}.bpmn"));
            var shapes = xml.Descendants(BpmnDi + "BPMNShape").ToDictionary(s => (string)s.Attribute("bpmnElement")!, s =>
            {
                var b = s.Element(Dc + "Bounds")!;
                return new Box((double)b.Attribute("x")!, (double)b.Attribute("y")!, (double)b.Attribute("width")!, (double)b.Attribute("height")!);
            });
            var edges = xml.Descendants(BpmnDi + "BPMNEdge").ToDictionary(e => (string)e.Attribute("bpmnElement")!,
                e => e.Elements(Di + "waypoint").Select(w => ((double)w.Attribute("x")!, (double)w.Attribute("y")!)).ToList());
            return new Diagram(xml.Root!.Element(Bpmn + "process")!, shapes, edges);
        }

        public IEnumerable<Segment> Segments => Edges.SelectMany(e => e.Value.Zip(e.Value.Skip(1), (a, b) => new Segment(e.Key, a, b)));

        public IEnumerable<XElement> SequenceFlows => Process.Elements(Bpmn + "sequenceFlow");
    }

    /// <summary>The length two segments have in common when they lie on one line; 0 when they only cross or touch.</summary>
    private static double SharedLength(Segment s, Segment t)
    {
        static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        if (Math.Abs(Cross(s.A, s.B, t.A)) > 1e-6 || Math.Abs(Cross(s.A, s.B, t.B)) > 1e-6)
            return 0;
        var (dx, dy) = (s.B.X - s.A.X, s.B.Y - s.A.Y);
        var length = Math.Sqrt(dx * dx + dy * dy);
        if (length == 0)
            return 0;
        double Along((double X, double Y) p) => ((p.X - s.A.X) * dx + (p.Y - s.A.Y) * dy) / length;
        var (from, to) = (Math.Max(0, Math.Min(Along(t.A), Along(t.B))), Math.Min(length, Math.Max(Along(t.A), Along(t.B))));
        return Math.Max(0, to - from);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Should_draw_no_two_sequence_flows_over_each_other(string key)
    {
        var diagram = Diagram.Load(key);
        var segments = diagram.Segments.ToList();

        var shared = from s in segments
                     from t in segments
                     where string.CompareOrdinal(s.Flow, t.Flow) < 0 && SharedLength(s, t) > 0.5
                     select $"{s.Flow} and {t.Flow} share {SharedLength(s, t):0} px from {t.A} to {t.B}";
        Assert.Empty(shared);
    }

    [Fact]
    public void Should_tell_two_flows_drawn_over_each_other_from_two_that_cross_or_meet()
    {
        Segment S(string flow, double x1, double y1, double x2, double y2) => new(flow, (x1, y1), (x2, y2));

        Assert.Equal(40, SharedLength(S("a", 510, 80, 510, 215), S("b", 510, 175, 510, 300)));
        Assert.Equal(50, SharedLength(S("a", 100, 240, 200, 240), S("b", 250, 240, 150, 240)));
        Assert.Equal(0, SharedLength(S("a", 100, 240, 200, 240), S("b", 150, 100, 150, 300)));
        Assert.Equal(0, SharedLength(S("a", 100, 240, 200, 240), S("b", 200, 240, 300, 240)));
        Assert.Equal(0, SharedLength(S("a", 100, 240, 200, 240), S("b", 100, 252, 200, 252)));
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Should_draw_every_flow_from_its_source_to_its_target_through_no_other_shape(string key)
    {
        var diagram = Diagram.Load(key);
        var attachedTo = diagram.Process.Elements(Bpmn + "boundaryEvent").ToDictionary(b => (string)b.Attribute("id")!, b => (string)b.Attribute("attachedToRef")!);

        foreach (var flow in diagram.SequenceFlows)
        {
            var (id, source, target) = ((string)flow.Attribute("id")!, (string)flow.Attribute("sourceRef")!, (string)flow.Attribute("targetRef")!);
            var points = diagram.Edges[id];
            Assert.True(diagram.Shapes[source].Holds(points[0], 0.5), $"{id} does not start on {source}");
            Assert.True(diagram.Shapes[target].Holds(points[^1], 0.5), $"{id} does not end on {target}");
            var own = new HashSet<string> { source, target, attachedTo.GetValueOrDefault(source) ?? source };
            foreach (var (a, b) in points.Zip(points.Skip(1)))
                foreach (var (shape, box) in diagram.Shapes.Where(s => !own.Contains(s.Key)))
                    Assert.False(Enumerable.Range(1, 49).Any(i => box.HoldsInside((a.X + (b.X - a.X) * i / 50, a.Y + (b.Y - a.Y) * i / 50))),
                        $"{id} is drawn through {shape}");
        }
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Should_name_every_element_in_chinese_with_its_english_in_the_documentation(string key)
    {
        var diagram = Diagram.Load(key);
        static bool Chinese(string? text) => text?.Any(c => c >= '\u4e00' && c <= '\u9fff') == true;

        Assert.True(Chinese((string?)diagram.Process.Attribute("name")), $"{key} has no Chinese name");
        foreach (var element in diagram.Process.Elements().Where(e => e.Name != Bpmn + "sequenceFlow" && e.Name != Bpmn + "documentation"))
        {
            var id = (string)element.Attribute("id")!;
            var documentation = (string?)element.Element(Bpmn + "documentation");
            Assert.False(string.IsNullOrWhiteSpace(documentation) || Chinese(documentation), $"{id} has no English documentation");
            // A gateway that only merges paths is left unnamed, as BPMN draws it.
            var merges = element.Name == Bpmn + "exclusiveGateway" && element.Elements(Bpmn + "outgoing").Count() == 1;
            Assert.True(merges || Chinese((string?)element.Attribute("name")), $"{id} is not named in Chinese");
            if (element.Name == Bpmn + "userTask")
                Assert.Contains(element.Descendants(Zeebe + "header"), h => (string)h.Attribute("key")! == "name-en");
        }
        // A flow that leaves a decision says which answer it is.
        var decisions = diagram.Process.Elements(Bpmn + "exclusiveGateway").Where(g => g.Elements(Bpmn + "outgoing").Count() > 1)
            .Select(g => (string)g.Attribute("id")!).ToHashSet();
        Assert.All(diagram.SequenceFlows.Where(f => decisions.Contains((string)f.Attribute("sourceRef")!)),
            f => Assert.True(Chinese((string?)f.Attribute("name")), $"{(string)f.Attribute("id")!} leaves a decision unnamed"));
    }
}
