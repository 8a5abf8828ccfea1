using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Dealership.Tests.Workflows;

/// <summary>
/// A month of a dealership's leads recorded through the real intake, assignment and flows on a fake clock (consultants completing
/// their tasks with the outcomes people give), then replayed by the simulation: the published version gives back what happened,
/// a draft with a 2-hour first-contact deadline names the leads that would miss it, the dealership's SMS rules are applied as
/// notification applies them, and nothing leaves the system meanwhile.
/// </summary>
public sealed class Simulation_Specs(ITestOutputHelper output) : IAsyncLifetime
{
    // The first of January 2030 in Shanghai, before the month's first lead.
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 1, 9));
    private TestApp _app = null!;
    private readonly Dictionary<string, Guid> _leads = [];

    private record FlowTask(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, DateTimeOffset DueAt);

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            configure: b => b.Services.AddSingleton<TimeProvider>(_clock),
            settings:
            [
                .. WorkflowApi.Settings,
                "--Workflow:Engine:TimerPollInterval=00:00:00.050",
                "--Appointment:NoShow:PollInterval=00:00:00.100",
                "--Sms:Sender:PollInterval=00:00:00.100",
            ]);
        await _app.WithoutQuietHoursAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client => _app.Client;

    [Fact]
    public async Task Should_give_back_the_recorded_month_with_the_published_version_and_name_the_leads_a_2_hour_deadline_would_miss()
    {
        await RecordAMonthAsync();
        var ids = _leads.Values.ToList();
        var sms = new List<SmsView>();
        var bookings = new List<BookingView>();
        foreach (var id in ids)
        {
            sms.AddRange((await Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={id}"))!);
            bookings.AddRange((await Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={id}"))!);
        }
        int tasksRecorded;
        using (var scope = _app.Services.CreateScope())
            tasksRecorded = await _app.Scoped<InvitationWorkflowDbContext>(scope).Tasks.CountAsync(t => ids.Contains(t.LeadId));

        // Operations staff of the dealership draft a 2-hour first contact, as they would in the designer.
        using var ops = await _app.SignInAsync("ops");
        var workflows = (await ops.GetFromJsonAsync<JsonArray>("/api/workflows?dealershipCode=DEMO01"))!;
        var published = workflows.Single(w => w!["processKey"]!.GetValue<string>() == "active-invitation")!["publishedLabel"]!.GetValue<string>();
        var xml = await ops.GetStringAsync("/api/workflows/active-invitation/xml?dealershipCode=DEMO01");
        Assert.Contains("""source='= "PT24H"'""", xml);
        var saved = await ops.SaveDraftAsync("active-invitation", xml.Replace("""source='= "PT24H"'""", """source='= "PT2H"'"""), "DEMO01");
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        var draft = (await saved.Content.ReadFromJsonAsync<JsonObject>())!["version"]!["label"]!.GetValue<string>();

        var before = await WhatTheSystemHoldsAsync(ids);
        var asPublished = await SimulateAsync(ops, published);
        var asDrafted = await SimulateAsync(ops, draft);
        var again = await SimulateAsync(ops, draft);
        Assert.Equal(before, await WhatTheSystemHoldsAsync(ids));
        output.WriteLine(asDrafted.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

        // The published version over the recorded leads: what the dealership lived through.
        Assert.Equal(9, asPublished["leads"]!.GetValue<int>());
        var replay = asPublished["simulated"]!;
        var asked = replay["sms"]!.AsObject();
        Assert.Superset(new HashSet<string> { "new-lead", "directions", "appointment-confirmation", "confirmation-request", "care", "callback-promise" },
            asked.Select(p => p.Key).ToHashSet());
        foreach (var (purpose, count) in asked)
            Assert.True(sms.Count(s => s.Template == purpose) == count!.GetValue<int>(), $"{purpose}: {count} simulated, {sms.Count(s => s.Template == purpose)} sent");
        Assert.Equal(sms.Count, replay["smsTotal"]!.GetValue<int>());
        Assert.Equal(bookings.Count, replay["visitsBooked"]!.GetValue<int>());
        // Lost by the flow; the lead the manager closed ends where it was closed. Lead intake hears of a flow's end over the
        // bus, so on a busy machine its stages may still be on their way when the week's last step is taken.
        await Eventually.Get(async () =>
        {
            var stages = new List<string>();
            foreach (var id in ids)
                stages.Add((await Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}"))!.Stage);
            return stages;
        }, stages => stages.Count(s => s == "lost") - 1 == replay["closedLost"]!.GetValue<int>() && stages.Count(s => s == "won") == replay["closedWon"]!.GetValue<int>(),
            because: "the leads' recorded stages should come to the lost and won leads the replay counts");
        // Recorded without quiet hours, under a weekly cap of 5 nobody reached: nothing held, nothing stopped, as notification found.
        Assert.Equal("00:00:00", asPublished["smsRules"]!["quietHoursStart"]!.GetValue<string>());
        Assert.Equal(0, replay["smsRules"]!["heldByQuietHours"]!.GetValue<int>());
        Assert.Equal(0, replay["smsRules"]!["stoppedByWeeklyCap"]!.GetValue<int>());
        Assert.DoesNotContain(sms, s => s.Status is "held" or "refused");
        Assert.Contains(sms, s => s.Status == "delivered");
        Assert.Equal(1, replay["instances"]!["cancelled"]!.GetValue<int>());
        Assert.Equal(tasksRecorded, replay["tasks"]!["total"]!.GetValue<int>());
        Assert.Equal(7, replay["firstContact"]!["kept"]!.GetValue<int>());
        Assert.Equal(0, replay["firstContact"]!["pending"]!.GetValue<int>());
        Assert.Equal([_leads["late"].ToString()], Leads(replay["firstContact"]!["missedLeads"]));
        Assert.Equal(0, replay["answers"]!["drawn"]!.GetValue<int>());
        Assert.Equal(0, replay["answers"]!["withoutRecord"]!.GetValue<int>());
        Assert.Empty(asPublished["differingLeads"]!.AsArray());

        // The draft: every lead first called later than 2 hours would miss the promise, and the supervisor would hear of each.
        var drafted = asDrafted["simulated"]!;
        Assert.Equal(draft, drafted["version"]!.GetValue<string>());
        Assert.Equal("draft", drafted["status"]!.GetValue<string>());
        string[] late = ["declines", "calls-back", "late", "thinks-it-over", "accepts-next-day"];
        Assert.Equal(late.Select(n => _leads[n].ToString()).Order(), Leads(drafted["firstContact"]!["missedLeads"]).Order());
        Assert.Equal(3, drafted["firstContact"]!["kept"]!.GetValue<int>());
        Assert.Equal(5, drafted["supervisorAlerts"]!.GetValue<int>());
        Assert.Equal(1, asDrafted["published"]!["supervisorAlerts"]!.GetValue<int>());
        Assert.Equal(replay.ToJsonString(), asDrafted["published"]!.ToJsonString());
        // The escalation's move was recorded once ("late"): the other leads' moves are drawn from it.
        Assert.True(drafted["answers"]!["drawn"]!.GetValue<int>() > 0);
        var differing = asDrafted["differingLeads"]!.AsArray();
        Assert.Equal(late.Where(n => n != "late").Select(n => _leads[n].ToString()).Order(), differing.Select(d => d!["leadId"]!.GetValue<string>()).Order());
        Assert.All(differing, d =>
        {
            Assert.Contains("Task_NotifySupervisor", Leads(d!["simulatedPath"]));
            Assert.DoesNotContain("Task_NotifySupervisor", Leads(d["publishedPath"]));
        });
        // The same seed, the same report.
        Assert.Equal(asDrafted["simulated"]!.ToJsonString(), again["simulated"]!.ToJsonString());

        // Operations tighten the SMS rules: quiet until 23:59 every day, one customer SMS a week. Each lead's customer SMS of the month
        // came within a week of its first, so the first would wait for 23:59 and every later one would never be sent. (The consultants'
        // new-lead alerts are work messages the rules do not touch.)
        var rules = (await ops.GetFromJsonAsync<JsonObject>("/api/sms/settings/DEMO01"))!;
        rules["quietHoursStart"] = "00:00:00";
        rules["quietHoursEnd"] = "23:59:00";
        rules["weeklyCap"] = 1;
        (await ops.PutAsJsonAsync("/api/sms/settings/DEMO01", rules)).EnsureSuccessStatusCode();
        var tightened = await Eventually.Get(() => SimulateAsync(ops, published), r => r["smsRules"]!["weeklyCap"]!.GetValue<int>() == 1,
            because: "notification's new rules should reach the simulation");
        var customers = sms.Where(s => s.Recipient == "customer").GroupBy(s => s.LeadId).ToList();
        Assert.All(customers, c => Assert.True(c.Max(s => s.CreatedAt) - c.Min(s => s.CreatedAt) < TimeSpan.FromDays(7)));
        var ruled = tightened["simulated"]!["smsRules"]!;
        Assert.Equal(customers.Count, ruled["heldByQuietHours"]!.GetValue<int>());
        Assert.Equal(customers.Sum(c => c.Count() - 1), ruled["stoppedByWeeklyCap"]!.GetValue<int>());
        Assert.True(ruled["stoppedByWeeklyCap"]!.GetValue<int>() > 0);
        Assert.Equal(replay["sms"]!.ToJsonString(), tightened["simulated"]!["sms"]!.ToJsonString());
    }

    private static List<string> Leads(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    private async Task<JsonObject> SimulateAsync(HttpClient client, string version)
    {
        var response = await client.PostAsJsonAsync("/api/workflows/active-invitation/simulations", new
        {
            version, dealershipCode = "DEMO01", seed = 7,
            from = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)), to = new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.FromHours(8)),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>What would change if anything left the system: SMS, bookings, and the workflow service's own rows, its outbox among them.</summary>
    private async Task<string> WhatTheSystemHoldsAsync(List<Guid> ids)
    {
        var sms = 0;
        var bookings = 0;
        foreach (var id in ids)
        {
            sms += (await Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={id}"))!.Count;
            bookings += (await Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={id}"))!.Count;
        }
        using var scope = _app.Services.CreateScope();
        var db = _app.Scoped<InvitationWorkflowDbContext>(scope);
        return $"sms {sms}, bookings {bookings}, outbox {await db.OutboxMessages.CountAsync()}, instances {await db.WorkflowInstances.CountAsync()}, "
            + $"journal {await db.WorkflowJournal.CountAsync()}, tasks {await db.Tasks.CountAsync()}, buffered {await db.BufferedWorkflowMessages.CountAsync()}";
    }

    /// <summary>
    /// Nine OEM leads that came in on four days of January and were worked through the month: accepted and visited, declined, three
    /// unanswered calls, a callback, a wrong number, one first called after the 24 hours (escalated and moved), one left to think it
    /// over, one closed by a manager before anyone called. Each lead's flow waits for the clock between its steps, so the month's
    /// timers (retries, the day-before confirmations, the deadline, the time to think it over) fire as they would have.
    /// </summary>
    private async Task RecordAMonthAsync()
    {
        // Wednesday 2 January.
        await AtAsync(Showroom.Local(2030, 1, 2, 9));
        var first = new Dictionary<string, FlowTask>();
        foreach (var name in new[] { "accepts", "never-answers", "wrong-number" })
            first[name] = await ArrivesAsync(name);

        await AtAsync(Showroom.Local(2030, 1, 2, 9, 30));
        await CompleteAsync(first["never-answers"], new { contact = "no-answer" });
        await WaitingAtAsync("never-answers", "Timer_Retry");

        await AtAsync(Showroom.Local(2030, 1, 2, 10));
        await CompleteAsync(first["accepts"], new { contact = "reached", answer = "accepted", visitAt = Showroom.Local(2030, 1, 4, 10) });
        await CompleteAsync(first["wrong-number"], new { contact = "wrong-number" });
        await WaitingAtAsync("accepts", "Gw_WaitDayBefore");
        await EndedAsync("wrong-number");

        await AtAsync(Showroom.Local(2030, 1, 2, 13, 30));
        await CompleteAsync(await OpenTaskAsync(_leads["never-answers"], "retry"), new { contact = "no-answer" });
        await WaitingAtAsync("never-answers", "Timer_Retry");

        await AtAsync(Showroom.Local(2030, 1, 2, 17, 30));
        await CompleteAsync(await OpenTaskAsync(_leads["never-answers"], "retry"), new { contact = "no-answer" });
        await EndedAsync("never-answers");

        // Thursday, the day before the visit: the flow asks the customer to confirm.
        await AtAsync(Showroom.Local(2030, 1, 3, 10));
        await WaitingAtAsync("accepts", "Gw_Visit");

        await AtAsync(Showroom.Local(2030, 1, 4, 9, 55));
        await ArriveAsync("accepts");

        // Wednesday 9 January.
        await AtAsync(Showroom.Local(2030, 1, 9, 9));
        foreach (var name in new[] { "bought-elsewhere", "declines", "calls-back" })
            first[name] = await ArrivesAsync(name);

        // The customer rang to say he bought elsewhere: a manager closes the lead before anyone called.
        await AtAsync(Showroom.Local(2030, 1, 9, 10, 30));
        using (var manager = await _app.SignInAsync("manager"))
            Assert.Equal(HttpStatusCode.Accepted, (await manager.PostAsJsonAsync($"/api/leads/{_leads["bought-elsewhere"]}/close",
                new { reason = "bought-elsewhere", note = "在别家4S店买了" })).StatusCode);
        await Eventually.Get(() => FlowAsync("bought-elsewhere"), f => f["status"]!.GetValue<string>() == "cancelled", because: "the closed lead's flow should end");

        await AtAsync(Showroom.Local(2030, 1, 9, 12));
        await CompleteAsync(first["declines"], new { contact = "reached", answer = "declined" });
        await WaitingAtAsync("declines", "Timer_Recontact");

        await AtAsync(Showroom.Local(2030, 1, 9, 15));
        await CompleteAsync(first["calls-back"], new { contact = "reached", answer = "callback", callbackAt = Showroom.Local(2030, 1, 10, 10) });
        var callback = await OpenTaskAsync(_leads["calls-back"], "callback");

        await AtAsync(Showroom.Local(2030, 1, 10, 10));
        await CompleteAsync(callback, new { contact = "reached", answer = "accepted", visitAt = Showroom.Local(2030, 1, 12, 15) });
        await WaitingAtAsync("calls-back", "Gw_WaitDayBefore");

        await AtAsync(Showroom.Local(2030, 1, 11, 15));
        await WaitingAtAsync("calls-back", "Gw_Visit");

        await AtAsync(Showroom.Local(2030, 1, 12, 14, 55));
        await ArriveAsync("calls-back");

        // Monday 14 January.
        await AtAsync(Showroom.Local(2030, 1, 14, 9));
        foreach (var name in new[] { "late", "thinks-it-over" })
            first[name] = await ArrivesAsync(name);

        await AtAsync(Showroom.Local(2030, 1, 14, 13));
        await CompleteAsync(first["thinks-it-over"], new { contact = "reached", answer = "undecided" });
        await WaitingAtAsync("thinks-it-over", "Timer_FollowUp");

        // Tuesday 09:00: the 24 hours of "late" are over; the supervisor is told and the lead moves.
        await AtAsync(Showroom.Local(2030, 1, 15, 9));
        await Eventually.Get(() => Client.GetFromJsonAsync<LeadView>($"/api/leads/{_leads["late"]}")!,
            l => l!.Timeline.Any(t => t.Kind == "reassigned") && l.OpenTasks.Any(t => t.ConsultantId == l.AssignedConsultantId),
            because: "the first-contact deadline should move the lead");
        await Eventually.Get(() => FlowAsync("late"), f => !Waits(f).Contains("Task_Reassign"), because: "the flow should take in the move");

        await AtAsync(Showroom.Local(2030, 1, 15, 11));
        await CompleteAsync(await OpenTaskAsync(_leads["late"], "first-contact"), new { contact = "reached", answer = "accepted", visitAt = Showroom.Local(2030, 1, 18, 10) });
        await WaitingAtAsync("late", "Gw_WaitDayBefore");

        await AtAsync(Showroom.Local(2030, 1, 17, 10));
        await WaitingAtAsync("late", "Gw_Visit");

        await AtAsync(Showroom.Local(2030, 1, 17, 13));
        await CompleteAsync(await OpenTaskAsync(_leads["thinks-it-over"], "follow-up"), new { contact = "reached", answer = "declined" });
        await WaitingAtAsync("thinks-it-over", "Timer_Recontact");

        await AtAsync(Showroom.Local(2030, 1, 18, 9, 55));
        await ArriveAsync("late");

        // Wednesday 23 January; called back the next morning, the visit the day after.
        await AtAsync(Showroom.Local(2030, 1, 23, 9));
        first["accepts-next-day"] = await ArrivesAsync("accepts-next-day");

        await AtAsync(Showroom.Local(2030, 1, 24, 5));
        await CompleteAsync(first["accepts-next-day"], new { contact = "reached", answer = "accepted", visitAt = Showroom.Local(2030, 1, 25, 10) });
        await WaitingAtAsync("accepts-next-day", "Gw_WaitDayBefore");

        await AtAsync(Showroom.Local(2030, 1, 24, 10));
        await WaitingAtAsync("accepts-next-day", "Gw_Visit");

        await AtAsync(Showroom.Local(2030, 1, 25, 9, 55));
        await ArriveAsync("accepts-next-day");

        // The month is over; the two declined customers' re-contact is due in February.
        await AtAsync(Showroom.Local(2030, 1, 31, 18));
    }

    /// <summary>An OEM lead comes in now, with the customer's SMS consent; its first-contact task opens.</summary>
    private async Task<FlowTask> ArrivesAsync(string name)
    {
        _leads[name] = await _app.PostLeadAsync($"SIM-{name}");
        await _app.GrantSmsConsentAsync(_leads[name]);
        return await OpenTaskAsync(_leads[name], "first-contact");
    }

    /// <summary>Moves the clock and waits until the timer poller has fired everything due by then.</summary>
    private async Task AtAsync(DateTimeOffset moment)
    {
        _clock.SetUtcNow(moment);
        await _app.Services.GetRequiredService<WorkflowTimerPoller>().WaitForNextPassAsync();
    }

    private Task<FlowTask> OpenTaskAsync(Guid leadId, string kind) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!.SingleOrDefault(t => t.Kind == kind),
            t => t is not null, because: $"a {kind} task should open")!;

    private async Task CompleteAsync(FlowTask task, object outcome)
    {
        var response = await Client.PostAsJsonAsync($"/api/tasks/{task.Id}/complete", outcome);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonObject> FlowAsync(string lead) =>
        (JsonObject)(await Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={_leads[lead]}&dealershipCode=DEMO01"))![0]!;

    private static List<string> Waits(JsonObject flow) => flow["waitingAt"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();

    private Task WaitingAtAsync(string lead, string elementId) =>
        Eventually.Get(() => FlowAsync(lead), f => Waits(f).Contains(elementId), because: $"the flow of '{lead}' should wait at {elementId}");

    private Task EndedAsync(string lead) =>
        Eventually.Get(() => FlowAsync(lead), f => f["status"]!.GetValue<string>() == "completed", because: $"the flow of '{lead}' should end");

    private async Task ArriveAsync(string lead)
    {
        var booking = (await Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={_leads[lead]}"))!.Single();
        (await Client.PostAsync($"/api/appointments/{booking.Id}/arrival", null)).EnsureSuccessStatusCode();
        await EndedAsync(lead);
    }
}

/// <summary>A dealership's history is simulated only for those who may work on its flows.</summary>
public sealed class When_someone_else_asks_for_a_simulation : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object Request(string dealershipCode, DateTimeOffset now) => new
    {
        version = "N1", dealershipCode, from = now.AddDays(-7), to = now.AddDays(1),
    };

    [Fact]
    public async Task Should_refuse_another_dealership_s_staff_consultants_and_anonymous_callers_and_show_each_dealership_only_its_own_leads()
    {
        var leadId = await _app.PostLeadAsync("SIM-ISO-1");
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={leadId}&dealershipCode=DEMO01")!,
            i => i!.Count == 1, because: "the lead's flow should start");
        var now = DateTimeOffset.UtcNow;
        const string path = "/api/workflows/active-invitation/simulations";

        using var ops = await _app.SignInAsync("ops");
        var own = await ops.PostAsJsonAsync(path, Request("DEMO01", now));
        Assert.True(own.IsSuccessStatusCode, await own.Content.ReadAsStringAsync());
        Assert.Equal(1, (await own.Content.ReadFromJsonAsync<JsonObject>())!["leads"]!.GetValue<int>());

        using var otherManager = await _app.SignInAsync("sz-manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherManager.PostAsJsonAsync(path, Request("DEMO01", now))).StatusCode);
        var theirs = await otherManager.PostAsJsonAsync(path, Request("DEMO02", now));
        Assert.True(theirs.IsSuccessStatusCode, await theirs.Content.ReadAsStringAsync());
        Assert.Equal(0, (await theirs.Content.ReadFromJsonAsync<JsonObject>())!["leads"]!.GetValue<int>());

        using var consultant = await _app.SignInAsync("wangfang");
        Assert.Equal(HttpStatusCode.Forbidden, (await consultant.PostAsJsonAsync(path, Request("DEMO01", now))).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = _app.Client.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(path, Request("DEMO01", now))).StatusCode);
    }

    [Fact]
    public async Task Should_say_what_is_wrong_with_the_period_in_the_caller_s_language()
    {
        using var ops = await _app.SignInAsync("ops");
        var now = DateTimeOffset.UtcNow;
        var body = new { version = "N1", dealershipCode = "DEMO01", from = now, to = now.AddDays(-1) };

        var english = await ops.PostAsJsonAsync("/api/workflows/active-invitation/simulations", body);
        Assert.Equal(HttpStatusCode.BadRequest, english.StatusCode);
        Assert.Contains("ends before it starts", (await english.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["to"]![0]!.GetValue<string>());

        ops.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        var chinese = await ops.PostAsJsonAsync("/api/workflows/active-invitation/simulations", new { version = "第三版", dealershipCode = "DEMO01", from = now.AddYears(-1), to = now });
        Assert.Equal(HttpStatusCode.BadRequest, chinese.StatusCode);
        var errors = (await chinese.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!;
        Assert.Contains("不是一个版本", errors["version"]![0]!.GetValue<string>());
        Assert.Contains("最多回放 92 天", errors["to"]![0]!.GetValue<string>());

        var missing = await ops.PostAsJsonAsync("/api/workflows/active-invitation/simulations", new { version = "DEMO01-9", dealershipCode = "DEMO01", from = now.AddDays(-30), to = now });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("没有您可以查看的版本“DEMO01-9”", (await missing.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }
}
