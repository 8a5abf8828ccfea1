using System.Text.Json;
using System.Xml.Linq;
using Dealership.Tests.Support;
using Microsoft.Playwright;

namespace Dealership.Tests.Web;

/// <summary>
/// The default diagrams drawn by the bpmn-js viewer the console serves (wwwroot/lib, no Node.js at run time) in Chromium, as
/// operations staff will see them in the designer: drawn without a warning, every element's Chinese name on the picture.
/// The pictures are kept in TestResults/screenshots (diagram-*.png); docs/diagrams keeps a copy.
/// </summary>
public sealed class Default_diagram_pictures_Specs(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    // The console is a module of the host: its wwwroot is served under _content/Dealership.Web.
    private const string Viewer = "_content/Dealership.Web/lib/bpmn-js@18.31.1";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record Drawn(List<string> Warnings, List<string> Texts);

    [Theory]
    [InlineData("inbound-call")]
    [InlineData("active-invitation")]
    public async Task Should_draw_the_diagram_with_every_element_named_in_chinese(string key)
    {
        var path = Path.Combine(Repository.Root, "workflows", $"{key}.bpmn");
        var names = XDocument.Load(path).Root!.Element(XName.Get("process", "http://www.omg.org/spec/BPMN/20100524/MODEL"))!
            .Elements().Select(e => (string?)e.Attribute("name")).OfType<string>().Select(n => string.Concat(n.Where(c => !char.IsWhiteSpace(c)))).ToList();
        var page = await browser.NewPageAsync(_app.Client.BaseAddress!, viewport: new() { Width = 2300, Height = 1100 });
        var lib = new Uri(_app.Client.BaseAddress!, Viewer + "/");
        await page.SetContentAsync($$"""
            <!doctype html><html><head><meta charset="utf-8">
            <link rel="stylesheet" href="{{lib}}diagram-js.css"><link rel="stylesheet" href="{{lib}}bpmn-js.css">
            <style>html, body, #canvas { margin: 0; width: 100%; height: 100%; background: #fff; }</style></head>
            <body><div id="canvas"></div><script src="{{lib}}bpmn-viewer.production.min.js"></script></body></html>
            """);

        var json = await page.EvaluateAsync<string>("""
            async xml => {
                const viewer = new BpmnJS({ container: '#canvas' });
                const { warnings } = await viewer.importXML(xml);
                viewer.get('canvas').zoom('fit-viewport', 'auto');
                const texts = [...document.querySelectorAll('#canvas text')].map(t => t.textContent.replace(/\s/g, ''));
                return JSON.stringify({ warnings: warnings.map(w => w.message), texts });
            }
            """, await File.ReadAllTextAsync(path));
        var drawn = JsonSerializer.Deserialize<Drawn>(json, JsonSerializerOptions.Web)!;
        await Browser.ScreenshotAsync(page, $"diagram-{key}");

        Assert.Empty(drawn.Warnings);
        Assert.All(names, name => Assert.Contains(name, drawn.Texts));
        Assert.Contains(key == "inbound-call" ? "接听电话，确认客户来电目的" : "24小时内进行第一次跟进", drawn.Texts);
    }
}
