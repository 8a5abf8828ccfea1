using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;

namespace Dealership.Tests.Api;

/// <summary>
/// A request the API cannot use is answered the same way by every service: a ProblemDetails that says
/// what is wrong with it, in the words and spellings the API's own answers use.
/// </summary>
public sealed class Request_problems_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        return problem;
    }

    [Theory]
    [InlineData("/api/appointments", "leadId")]
    [InlineData("/api/leads", "dealershipCode")]
    [InlineData("/api/leads?stage=new", "dealershipCode")]
    [InlineData("/api/appointments/reports/DEMO01?from=2030-01-01", "to")]
    [InlineData("/api/sms/consents", "phone")]
    public async Task Should_name_a_required_query_parameter_that_is_missing(string url, string parameter)
    {
        var problem = await ProblemAsync(await _app.Client.GetAsync(url), HttpStatusCode.BadRequest);

        Assert.Contains($"'{parameter}' is required", problem["detail"]!.GetValue<string>());
        Assert.Contains($"'{parameter}' is required", problem["errors"]![parameter]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_name_a_query_value_that_is_not_of_its_kind()
    {
        var problem = await ProblemAsync(await _app.Client.GetAsync("/api/appointments?leadId=L-1"), HttpStatusCode.BadRequest);

        Assert.Equal("'L-1' is not a valid leadId.", problem["errors"]!["leadId"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_name_the_field_of_a_body_that_is_not_json()
    {
        var response = await _app.Client.PutAsync("/api/dealerships/DEMO01/intake-settings",
            new StringContent("""{"mergeOnPhone": true, "mergeWindowDays": "ninety"}""", System.Text.Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["mergeWindowDays"]);
    }

    [Fact]
    public async Task Should_take_an_enum_value_in_the_spelling_the_answers_use()
    {
        var leadId = await _app.PostLeadAsync("SPELL-" + Guid.NewGuid().ToString("N")[..8]);
        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<JsonObject>($"/api/leads/{leadId}")!, l => l!["stage"]!.GetValue<string>() == "assigned");
        var rejected = await _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", source = "oem", externalId = "SPELL-R", name = "退回", phone = "12345" });
        var rejectionId = (await rejected.Content.ReadFromJsonAsync<JsonObject>())!["rejectionId"]!.GetValue<Guid>();
        (await _app.Client.PostAsync($"/api/leads/rejected/{rejectionId}/dismiss", null)).EnsureSuccessStatusCode();
        var dismissed = (await _app.Client.GetFromJsonAsync<JsonObject>($"/api/leads/rejected/{rejectionId}"))!["status"]!.GetValue<string>();

        // What an answer said, sent back as it was said.
        var stage = lead!["stage"]!.GetValue<string>();
        var leads = await _app.Client.GetFromJsonAsync<JsonObject>($"/api/leads?dealershipCode=DEMO01&stage={stage}");
        var rejections = await _app.Client.GetFromJsonAsync<JsonArray>($"/api/leads/rejected?dealershipCode=DEMO01&status={dismissed}");

        Assert.Equal(("assigned", "dismissed"), (stage, dismissed));
        Assert.Contains(leads!["items"]!.AsArray(), l => l!["id"]!.GetValue<Guid>() == leadId);
        Assert.Contains(rejections!, r => r!["id"]!.GetValue<Guid>() == rejectionId);
    }

    [Theory]
    [InlineData("/api/leads/rejected?dealershipCode=DEMO01&status=closed", "status", "open, resubmitted, dismissed")]
    [InlineData("/api/leads/rejected?dealershipCode=DEMO01&status=2", "status", "open, resubmitted, dismissed")]
    [InlineData("/api/assignments?dealershipCode=DEMO01&state=queued", "state", "assigned, pooled, supervisorQueue, waiting, closed")]
    [InlineData("/api/appointments/reports/DEMO01?from=2030-01-01&to=2030-01-31&by=week", "by", "day, consultant, source")]
    public async Task Should_refuse_an_enum_value_it_does_not_know_listing_the_ones_it_takes(string url, string parameter, string values)
    {
        var problem = await ProblemAsync(await _app.Client.GetAsync(url), HttpStatusCode.BadRequest);

        Assert.EndsWith($"is not one of: {values}.", problem["errors"]![parameter]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_answer_a_task_that_does_not_exist_with_a_problem_naming_it()
    {
        var id = Guid.NewGuid();

        var read = await ProblemAsync(await _app.Client.GetAsync($"/api/tasks/{id}"), HttpStatusCode.NotFound);
        var completed = await ProblemAsync(await _app.Client.PostAsJsonAsync($"/api/tasks/{id}/complete", new { contact = "no-answer" }), HttpStatusCode.NotFound);

        Assert.Equal("No such task", read["title"]!.GetValue<string>());
        Assert.Contains(id.ToString(), read["detail"]!.GetValue<string>());
        Assert.Equal(read["title"]!.GetValue<string>(), completed["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_answer_every_missing_object_the_same_way()
    {
        var id = Guid.NewGuid();
        var answers = new List<JsonObject>();
        foreach (var url in new[] { $"/api/leads/{id}", $"/api/tasks/{id}", $"/api/appointments/{id}", $"/api/consultants/{id}", $"/api/leads/rejected/{id}",
                     $"/api/workflow-instances/{id}", $"/api/assignments/{id}", "/api/sms/settings/NOPE99", "/api/consultants?dealershipCode=NOPE99" })
            answers.Add(await ProblemAsync(await _app.Client.GetAsync(url), HttpStatusCode.NotFound));

        Assert.All(answers, a => Assert.StartsWith("No such ", a["title"]!.GetValue<string>()));
        Assert.All(answers, a => Assert.NotNull(a["traceId"]));
    }
}
