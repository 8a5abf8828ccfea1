using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dealership.Host;
using Dealership.Tests.Support;

namespace Dealership.Tests.Api;

/// <summary>
/// The OpenAPI document of each service, as Scalar and an integrator's generator read it: it says how to
/// sign in, and what it says about each operation is what the operation does.
/// </summary>
public sealed partial class Api_document_Specs
{
    private sealed record Operation(string Method, string Path, JsonObject Node)
    {
        public IEnumerable<JsonObject> Requirements => Node["security"]?.AsArray().OfType<JsonObject>() ?? [];
        public bool Takes(string scheme) => Requirements.Any(r => r.ContainsKey(scheme));
        public IEnumerable<string> ScopesOf(string scheme) => Requirements.Where(r => r.ContainsKey(scheme)).SelectMany(r => r[scheme]!.AsArray().Select(s => s!.GetValue<string>()));
        public override string ToString() => $"{Method} {Path}";
    }

    /// <summary>The services with an API: the console serves pages and describes no operation.</summary>
    public static TheoryData<string> ServiceNames() => [.. ServiceCatalog.All().Where(m => m is not Dealership.Web.WebModule).Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public async Task Should_declare_both_ways_to_sign_in(string service)
    {
        await using var app = await TestApp.StartAsync(settings: [$"--services={service}"]);
        var schemes = (await DocumentAsync(app))["components"]!["securitySchemes"]!;

        Assert.Equal(("http", "bearer"), (schemes["Bearer"]!["type"]!.GetValue<string>(), schemes["Bearer"]!["scheme"]!.GetValue<string>()));
        Assert.Equal(("apiKey", "header", "X-Api-Key"),
            (schemes["ApiKey"]!["type"]!.GetValue<string>(), schemes["ApiKey"]!["in"]!.GetValue<string>(), schemes["ApiKey"]!["name"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public async Task Should_give_every_operation_a_summary_and_every_request_body_an_example(string service)
    {
        await using var app = await TestApp.StartAsync(settings: [$"--services={service}"]);
        var missing = new List<string>();
        foreach (var operation in Operations(await DocumentAsync(app)))
        {
            if (string.IsNullOrWhiteSpace(operation.Node["summary"]?.GetValue<string>()))
                missing.Add($"{operation}: no summary");
            foreach (var (contentType, media) in operation.Node["requestBody"]?["content"]?.AsObject() ?? [])
            {
                if (media?["example"] is null)
                    missing.Add($"{operation}: no example of its {contentType} body");
            }
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public async Task Should_ask_for_a_token_exactly_where_an_operation_asks_for_credentials(string service)
    {
        await using var app = await TestApp.StartAsync(settings: [$"--services={service}"]);
        using var anonymous = new HttpClient { BaseAddress = app.Client.BaseAddress };
        var wrong = new List<string>();
        foreach (var operation in Operations(await DocumentAsync(app)))
        {
            using var response = await anonymous.SendAsync(Request(operation));
            // The sign-in and the carrier's callbacks answer 401 themselves; only authentication challenges.
            var challenged = response.StatusCode == HttpStatusCode.Unauthorized && response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer");
            if (challenged != operation.Takes("Bearer"))
                wrong.Add($"{operation}: {(challenged ? "asks for credentials but declares no bearer token" : "declares a bearer token but answers " + (int)response.StatusCode + " without one")}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Should_let_an_integration_key_call_exactly_the_operations_that_declare_its_scope()
    {
        // The demo OEM's key: scope leads:submit, dealership DEMO01.
        await using var app = await TestApp.StartAsync();
        using var key = app.KeyClient();
        var wrong = new List<string>();
        // Anonymous operations (the sign-in, the carrier's callbacks) decide for themselves whom to let in.
        var guarded = Operations(await DocumentAsync(app)).Where(o => o.Takes("Bearer")).ToList();
        Assert.Contains(guarded, o => o.ScopesOf("ApiKey").Contains("leads:submit"));
        foreach (var operation in guarded)
        {
            using var response = await key.SendAsync(Request(operation));
            var declared = operation.ScopesOf("ApiKey").Contains("leads:submit");
            var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
            if (declared == refused || response.StatusCode == HttpStatusCode.InternalServerError)
                wrong.Add($"{operation}: {(declared ? "declares the key's scope" : "does not declare the key's scope")} but answers {(int)response.StatusCode}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static async Task<JsonNode> DocumentAsync(TestApp app)
    {
        using var anonymous = new HttpClient { BaseAddress = app.Client.BaseAddress };
        return JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
    }

    private static List<Operation> Operations(JsonNode document)
    {
        var operations = (from path in document["paths"]!.AsObject()
                          from method in path.Value!.AsObject()
                          where method.Key != "parameters"
                          select new Operation(method.Key.ToUpperInvariant(), path.Key, method.Value!.AsObject())).ToList();
        Assert.NotEmpty(operations);
        return operations;
    }

    // No query and no body: what matters here is who is let in, which is decided before either is read.
    private static HttpRequestMessage Request(Operation operation) =>
        new(new HttpMethod(operation.Method), PathParameter().Replace(operation.Path, m => m.Groups[1].Value switch
        {
            "code" or "dealershipCode" => "DEMO01",
            "key" => "1",
            "processKey" => "active-invitation",
            "purpose" => "care",
            "language" => "zh-CN",
            _ => Guid.NewGuid().ToString(),
        }));

    [GeneratedRegex(@"\{([^}:]+)(:[^}]*)?\}")]
    private static partial Regex PathParameter();
}
