using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow;
using Dealership.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Workflows;

/// <summary>
/// Play mode over the API: one instance of a version stepped by hand in memory (the designer's "play"), its state sent back with each
/// step; it answers each task with the outcomes the step offers, advances the clock to the next timer, delivers what the flow waits for,
/// and writes nothing. Who may play a version is who may simulate it.
/// </summary>
public sealed class Simulation_play_Specs : IAsyncLifetime
{
    private TestApp _app = null!;
    private HttpClient _ops = null!;
    private const string Plays = "/api/workflows/active-invitation/plays";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _ops = await _app.SignInAsync("ops");
    }

    public async Task DisposeAsync()
    {
        _ops.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<string> PublishedAsync()
    {
        var workflows = (await _ops.GetFromJsonAsync<JsonArray>("/api/workflows?dealershipCode=DEMO01"))!;
        // DEMO01 runs the network's version until it publishes its own: the one row of the flow with a published version.
        return workflows.Single(w => w!["processKey"]!.GetValue<string>() == "active-invitation" && w["publishedLabel"] is not null)!["publishedLabel"]!.GetValue<string>();
    }

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private Task<HttpResponseMessage> StepAsync(HttpClient client, string version, JsonObject play, string step, long? key = null, string? outcome = null) =>
        client.PostAsJsonAsync(Plays + "/steps", new { version, dealershipCode = "DEMO01", state = play["state"]!.GetValue<string>(), step, key, outcome });

    private static List<string> Ids(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    private static long KeyOf(JsonObject play, string list, string elementId) =>
        play[list]!.AsArray().Single(w => w!["elementId"]!.GetValue<string>() == elementId)!["key"]!.GetValue<long>();

    private static List<string> Did(JsonObject play) =>
        play["events"]!.AsArray().Select(e => e!["what"]!.GetValue<string>() + (e["detail"] is { } d ? ":" + d.GetValue<string>() : "")).ToList();

    [Fact]
    public async Task Should_step_the_published_flow_from_the_first_call_to_the_visit_and_write_nothing()
    {
        var version = await PublishedAsync();
        var before = await RowsAsync();

        var play = await OkAsync(await _ops.PostAsJsonAsync(Plays, new { version, dealershipCode = "DEMO01" }));
        Assert.Equal("active", play["status"]!.GetValue<string>());
        Assert.Equal(["Task_FirstContact"], Ids(play["waitingAt"]).Where(id => id.StartsWith("Task_")));
        var firstCall = play["tasks"]!.AsArray().Single()!;
        Assert.Equal(["no-answer", "wrong-number", "accepted", "declined", "undecided", "callback"], Ids(firstCall["outcomes"]));
        Assert.Equal("Timer_FirstContactOverdue", play["timers"]!.AsArray().Single()!["elementId"]!.GetValue<string>());
        Assert.Contains("sms:new-lead", Did(play));

        // The customer accepts: the flow asks the showroom for the visit and waits for its answer.
        play = await OkAsync(await StepAsync(_ops, version, play, "task", firstCall["key"]!.GetValue<long>(), "accepted"));
        Assert.Contains("Task_FirstContact", Ids(play["completed"]));
        Assert.Contains("Flow_Task_FirstContact_Gw_Again", Ids(play["taken"]));
        Assert.Contains("booking", Did(play));
        Assert.Empty(play["timers"]!.AsArray());
        play = await OkAsync(await StepAsync(_ops, version, play, "message", KeyOf(play, "messages", "Msg_Booked")));
        Assert.Contains("sms:directions", Did(play));

        // The day before the visit: the clock moves to the timer, and the confirmation is asked for.
        var at = play["at"]!.GetValue<DateTimeOffset>();
        var dayBefore = play["timers"]!.AsArray().Single()!["dueAt"]!.GetValue<DateTimeOffset>();
        Assert.True(dayBefore > at);
        play = await OkAsync(await StepAsync(_ops, version, play, "clock"));
        Assert.Equal(dayBefore, play["at"]!.GetValue<DateTimeOffset>());
        Assert.Contains("sms:confirmation-request", Did(play));
        play = await OkAsync(await StepAsync(_ops, version, play, "message", KeyOf(play, "messages", "Msg_Arrived")));
        Assert.Equal("completed", play["status"]!.GetValue<string>());
        Assert.Contains("closed-won:arrived", Did(play));

        // Ended: nothing more to step, said in the caller's language.
        var ended = await StepAsync(_ops, version, play, "clock");
        Assert.Equal(HttpStatusCode.BadRequest, ended.StatusCode);
        Assert.Contains("has ended", (await ended.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["step"]![0]!.GetValue<string>());

        Assert.Equal(before, await RowsAsync());
    }

    [Fact]
    public async Task Should_play_a_draft_with_a_2_hour_deadline_whose_timer_tells_the_supervisor()
    {
        var published = await PublishedAsync();
        var xml = await _ops.GetStringAsync("/api/workflows/active-invitation/xml?dealershipCode=DEMO01");
        var saved = await OkAsync(await _ops.SaveDraftAsync("active-invitation", xml.Replace("""source='= "PT24H"'""", """source='= "PT2H"'"""), "DEMO01"));
        var draft = saved["version"]!["label"]!.GetValue<string>();

        var play = await OkAsync(await _ops.PostAsJsonAsync(Plays, new { version = draft, dealershipCode = "DEMO01" }));
        var start = play["at"]!.GetValue<DateTimeOffset>();
        play = await OkAsync(await StepAsync(_ops, draft, play, "clock"));
        Assert.Equal(start.AddHours(2), play["at"]!.GetValue<DateTimeOffset>());
        Assert.Contains("supervisor:first contact overdue", Did(play));
        // The reassignment waits for assignment's move; the first call stays open (the timer does not interrupt it).
        Assert.Contains("Task_Reassign", Ids(play["waitingAt"]));
        Assert.Contains("Task_FirstContact", Ids(play["waitingAt"]));
        play = await OkAsync(await StepAsync(_ops, draft, play, "job", KeyOf(play, "jobs", "Task_Reassign")));
        Assert.DoesNotContain("Task_Reassign", Ids(play["waitingAt"]));

        // A state of another version is not played on.
        var other = await StepAsync(_ops, published, play, "clock");
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_an_outcome_the_step_does_not_offer_and_an_unreadable_state_in_the_caller_s_language()
    {
        var version = await PublishedAsync();
        var play = await OkAsync(await _ops.PostAsJsonAsync(Plays, new { version, dealershipCode = "DEMO01" }));
        var key = play["tasks"]!.AsArray().Single()!["key"]!.GetValue<long>();

        var english = await StepAsync(_ops, version, play, "task", key, "handed-over");
        Assert.Equal(HttpStatusCode.BadRequest, english.StatusCode);
        Assert.Equal("application/problem+json", english.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'handed-over' is not an outcome of this step", (await english.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["outcome"]![0]!.GetValue<string>());

        using var chinese = await _app.SignInAsync("ops");
        chinese.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        var refused = await StepAsync(chinese, version, play, "task", key, "handed-over");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("不是这个步骤的结果", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["outcome"]![0]!.GetValue<string>());

        var forged = await chinese.PostAsJsonAsync(Plays + "/steps", new { version, dealershipCode = "DEMO01", state = "not a play", step = "clock" });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("无法读取试运行的状态", (await forged.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["state"]![0]!.GetValue<string>());

        var noStep = await _ops.PostAsJsonAsync(Plays + "/steps", new { version, dealershipCode = "DEMO01", state = play["state"]!.GetValue<string>(), step = "jump" });
        Assert.Equal(HttpStatusCode.BadRequest, noStep.StatusCode);
    }

    [Fact]
    public async Task Should_let_only_those_who_may_work_on_the_dealership_s_flows_play_them()
    {
        var version = await PublishedAsync();
        using var otherManager = await _app.SignInAsync("sz-manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherManager.PostAsJsonAsync(Plays, new { version, dealershipCode = "DEMO01" })).StatusCode);
        using var consultant = await _app.SignInAsync("wangfang");
        Assert.Equal(HttpStatusCode.Forbidden, (await consultant.PostAsJsonAsync(Plays, new { version, dealershipCode = "DEMO01" })).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = _app.Client.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(Plays, new { version, dealershipCode = "DEMO01" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(Plays + "/steps", new { version, dealershipCode = "DEMO01", state = "", step = "clock" })).StatusCode);

        var play = await OkAsync(await _ops.PostAsJsonAsync(Plays, new { version, dealershipCode = "DEMO01" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await StepAsync(otherManager, version, play, "clock")).StatusCode);
    }

    /// <summary>The workflow service's rows a play could have written: instances, their journal, tasks and the outbox.</summary>
    private async Task<string> RowsAsync()
    {
        using var scope = _app.Services.CreateScope();
        var db = _app.Scoped<InvitationWorkflowDbContext>(scope);
        return $"instances {await db.WorkflowInstances.CountAsync()}, journal {await db.WorkflowJournal.CountAsync()}, tasks {await db.Tasks.CountAsync()}, "
            + $"outbox {await db.OutboxMessages.CountAsync()}";
    }
}
