using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;

namespace Dealership.Tests.Workflows;

/// <summary>
/// Operations staff upload what other tools wrote (Workflows/Foreign): Camunda 7, Flowable, Signavio, bpmn.io,
/// and files that are not BPMN at all. Every one is answered with findings or a problem that names what is wrong,
/// never a server error, and nothing the engine would run differently from the drawing is ever published.
/// </summary>
public sealed class Files_from_other_modellers_Specs(Files_from_other_modellers_Specs.Host host)
    : IClassFixture<Files_from_other_modellers_Specs.Host>
{
    private const string Dealership = "DEMO01";

    /// <summary>One app for every file: each spec works on a workflow key of its own.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public TestApp App { get; private set; } = null!;
        public HttpClient Ops { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            App = await TestApp.StartAsync();
            Ops = await App.SignInAsync("ops");
        }

        public async Task DisposeAsync()
        {
            Ops.Dispose();
            await App.DisposeAsync();
        }
    }

    private HttpClient Ops => host.Ops;

    private static string File(string name) => System.IO.File.ReadAllText(Path.Combine(Repository.Root, "tests", "Dealership.Tests", "Workflows", "Foreign", name));

    private static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "application/xml");

    private Task<HttpResponseMessage> CheckAsync(string xml) => Ops.PostAsync("/api/workflows/check", Xml(xml));

    private Task<HttpResponseMessage> SaveDraftAsync(string key, string xml) => Ops.PutAsync($"/api/workflows/{key}/draft?dealershipCode={Dealership}", Xml(xml));

    private Task<HttpResponseMessage> PublishAsync(string key) => Ops.PostAsync($"/api/workflows/{key}/draft/publish?dealershipCode={Dealership}", null);

    /// <summary>Every text of an answer, as a person would read it (JSON escapes quotes and angle brackets).</summary>
    private static async Task<string> SaidAsync(HttpResponseMessage response)
    {
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        var texts = new List<string>();
        void Collect(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o: foreach (var (_, v) in o) Collect(v); break;
                case JsonArray a: foreach (var v in a) Collect(v); break;
                case JsonValue v when v.TryGetValue<string>(out var s): texts.Add(s); break;
            }
        }
        Collect(node);
        return string.Join("\n", texts);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string said)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(said, await SaidAsync(response));
    }

    public static TheoryData<string, string, HttpStatusCode, string> Files => new()
    {
        { "camunda7-follow-up.bpmn", "c7-follow-up", HttpStatusCode.OK, "It is a parallel multi-instance" },
        { "zeebe-multi-instance.bpmn", "call-each-contact", HttpStatusCode.OK, "It is a parallel multi-instance" },
        { "zeebe-loop.bpmn", "resend-until-read", HttpStatusCode.OK, "It has a loop marker" },
        { "zeebe-duplicate-id.bpmn", "merged-greeting", HttpStatusCode.OK, "2 elements carry the id 'call'" },
        { "flowable-approval.bpmn20.xml", "discountApproval", HttpStatusCode.OK, "belongs to Flowable's dialect" },
        { "signavio-collaboration.bpmn", "sid-process-dealer", HttpStatusCode.OK, "The element type sendTask is not supported." },
        { "no-executable-process.bpmn", "showroom-tour", HttpStatusCode.OK, "No process is marked executable" },
        { "not-bpmn.svg", "not-bpmn", HttpStatusCode.BadRequest, "The root element is svg, not bpmn:definitions of BPMN 2.0." },
        { "not-xml.json", "not-xml", HttpStatusCode.BadRequest, "The file is not well-formed XML" },
        { "billion-laughs.bpmn", "laughs", HttpStatusCode.BadRequest, "The file declares a document type (<!DOCTYPE>)" },
        { "external-entity.bpmn", "leak", HttpStatusCode.BadRequest, "The file declares a document type (<!DOCTYPE>)" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Should_answer_a_file_from_another_tool_with_what_is_wrong_never_a_server_error(string file, string key, HttpStatusCode draft, string said)
    {
        var xml = File(file);

        var check = await CheckAsync(xml);
        var saved = await SaveDraftAsync(key, xml);

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.False((await check.Content.ReadFromJsonAsync<JsonObject>())!["publishable"]!.GetValue<bool>());
        Assert.Contains(said, await SaidAsync(check));
        if (draft == HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var body = (await saved.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.False(body["check"]!["publishable"]!.GetValue<bool>());
            Assert.Contains(said, await SaidAsync(saved));
        }
        else
        {
            await AssertProblemAsync(saved, draft, said);
        }
        Assert.DoesNotContain("root:", await saved.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("zeebe-multi-instance.bpmn", "call-each-contact", "call-contact", "It is a parallel multi-instance")]
    [InlineData("zeebe-loop.bpmn", "resend-until-read", "send-reminder", "It has a loop marker")]
    [InlineData("zeebe-duplicate-id.bpmn", "merged-greeting", "call", "2 elements carry the id 'call'")]
    [InlineData("camunda7-follow-up.bpmn", "c7-follow-up", "Activity_CallContacts", "It is a parallel multi-instance")]
    public async Task Should_never_publish_a_multi_instance_a_loop_or_a_duplicate_id(string file, string key, string elementId, string reason)
    {
        Assert.Equal(HttpStatusCode.OK, (await SaveDraftAsync(key, File(file))).StatusCode);

        var refused = await PublishAsync(key);

        await AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, reason);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Contains(errors[elementId]!.AsArray(), r => r!.GetValue<string>().StartsWith(reason, StringComparison.Ordinal));
        var versions = (await Ops.GetFromJsonAsync<JsonArray>($"/api/workflows/{key}/versions?dealershipCode={Dealership}"))!;
        Assert.Equal("draft", Assert.Single(versions)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_publish_a_bpmn_io_file_whose_data_store_annotation_and_colours_change_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await SaveDraftAsync("note-the-visit", File("bpmnio-data-store.bpmn"))).StatusCode);

        var published = await PublishAsync("note-the-visit");

        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_answer_an_empty_file_with_a_problem()
    {
        var check = await CheckAsync("");

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Contains("The file is not well-formed XML", await SaidAsync(check));
        await AssertProblemAsync(await SaveDraftAsync("empty", ""), HttpStatusCode.BadRequest, "Send the BPMN XML as the request body.");
    }

    [Fact]
    public async Task Should_answer_a_huge_attribute_with_a_problem_and_a_body_over_the_limit_with_413()
    {
        var huge = WorkflowApi.CallFlow("huge-name", name: new string('长', 300_000));
        var tooLarge = WorkflowApi.CallFlow("too-large", name: new string('x', 1_100_000));

        var check = await CheckAsync(huge);
        var saved = await SaveDraftAsync("huge-name", huge);

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        await AssertProblemAsync(saved, HttpStatusCode.BadRequest, "The process name is longer than 300 characters.");
        await AssertProblemAsync(await CheckAsync(tooLarge), HttpStatusCode.RequestEntityTooLarge, "This endpoint takes at most 1 MiB.");
    }
}
