using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Assignment;

/// <summary>
/// Assignment in the whole product: leads posted to lead-intake, the roster and rules managed over
/// HTTP, and every decision's reason read back from the lead's timeline. The clock is fake; it starts
/// on Friday 27 November 2026, 10:00 in Shanghai.
/// </summary>
public sealed class Assigning_leads_Specs : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-27T10:00+08:00"));
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;
    private HttpClient Client => _app.Client;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(_clock));
        _app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumes);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<LeadView> LeadAsync(Guid id, Func<LeadView, bool> done, string because) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}"))!, done, because: because);

    private async Task<Guid> PostAsync(string externalId, string phone, string source = "oem", string? vehicleOfInterest = null)
    {
        var campaign = source == "marketing-event" ? "2026 车展" : null;
        var response = await Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", name = "陈先生", phone, source, campaign, externalId, vehicleOfInterest });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SubmittedLead>())!.Id;
    }

    private async Task<LeadView> AssignedAsync(Guid id) => await LeadAsync(id, l => l.Stage == "assigned" && l.AssignedConsultantId is not null, "the lead should be assigned");

    private async Task PutConsultantAsync(Guid id, object body) => (await Client.PutAsJsonAsync($"/api/consultants/{id}", body)).EnsureSuccessStatusCode();

    private async Task<ConsultantDto> AddAsync(object body)
    {
        var response = await Client.PostAsJsonAsync("/api/consultants", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ConsultantDto>())!;
    }

    private Task<ConsultantDto> ConsultantAsync(Guid id) => Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{id}")!;

    private async Task PutRulesAsync(object body) =>
        (await Client.PutAsJsonAsync("/api/routing-rules?dealershipCode=DEMO01", body)).EnsureSuccessStatusCode();

    private static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"];

    private static object[] OfficeHours() => Weekdays.Select(d => (object)new { day = d, start = "09:00", end = "18:00" }).ToArray();

    [Fact]
    public async Task Should_show_the_rule_and_the_candidates_of_an_assignment_on_the_leads_timeline()
    {
        var id = await PostAsync("RR-1", "13912340001");

        var lead = await AssignedAsync(id);

        var assigned = Assert.Single(lead.Timeline, t => t.Kind == "assigned");
        Assert.StartsWith($"Assigned to {lead.AssignedConsultantName}: rule 'default' → round robin: next in turn of 3 available", assigned.Text);
        Assert.Contains("candidates: ", assigned.Text);
    }

    [Fact]
    public async Task Should_take_turns_across_the_three_demo_consultants()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await PostAsync($"RR-TURN-{i}", $"1391234100{i}"));
            await AssignedAsync(ids[^1]);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        var consultants = new List<Guid>();
        foreach (var id in ids)
            consultants.Add((await AssignedAsync(id)).AssignedConsultantId!.Value);
        Assert.Equal(DemoRoster.All.Order(), consultants.Order());
    }

    [Fact]
    public async Task Should_give_a_returning_customer_to_the_consultant_who_had_them_before()
    {
        var first = await AssignedAsync(await PostAsync("RET-1", "13912340002"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        await AssignedAsync(await PostAsync("RET-2", "13912340003"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        // The first lead ended without a sale; the customer's next enquiry opens a new lead (an open one would take it in).
        await _app.Services.GetRequiredService<IBus>().Publish(new LeadClosed(first.Id, TestApp.DemoDealershipId, false, "not ready to buy", _clock.GetUtcNow()));
        await LeadAsync(first.Id, l => l.Stage == "lost", "the first lead should be closed");

        var again = await AssignedAsync(await PostAsync("RET-3", "13912340002", source: "inbound-call"));

        Assert.Equal(first.AssignedConsultantId, again.AssignedConsultantId);
        Assert.Contains(again.Timeline, t => t.Kind == "assigned" && t.Text.Contains("returning customer: previous consultant"));
    }

    [Fact]
    public async Task Should_give_a_lead_to_the_consultant_who_sells_the_vehicle_of_interest()
    {
        await PutConsultantAsync(DemoRoster.ZhangWei, DemoRoster.Body("张伟 Zhang Wei", "+8613800138003", skills: ["ID.4"]));

        var lead = await AssignedAsync(await PostAsync("SKILL-1", "13912340004", vehicleOfInterest: "ID.4 CROZZ"));

        Assert.Equal(DemoRoster.ZhangWei, lead.AssignedConsultantId);
        Assert.Contains(lead.Timeline, t => t.Text.Contains("skill match (vehicle ID.4 CROZZ)"));
    }

    [Fact]
    public async Task Should_hold_a_lead_that_arrives_after_hours_until_the_next_shift_starts()
    {
        foreach (var (id, name, phone) in new[] { (DemoRoster.WangFang, "王芳 Wang Fang", "+8613800138001"), (DemoRoster.LiQiang, "李强 Li Qiang", "+8613800138002"), (DemoRoster.ZhangWei, "张伟 Zhang Wei", "+8613800138003") })
            await PutConsultantAsync(id, DemoRoster.Body(name, phone, workingHours: OfficeHours()));
        // Friday 20:00 in Shanghai: the showroom closed two hours ago and opens again on Monday.
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-11-27T20:00+08:00"));

        var id1 = await PostAsync("NIGHT-1", "13912340005");
        var waiting = await LeadAsync(id1, l => l.Timeline.Any(t => t.Kind == "awaiting-shift"), "the lead should wait for Monday's shift");
        Assert.Equal("new", waiting.Stage);
        Assert.Contains("waits for the next shift at 2026-11-30 09:00 (Asia/Shanghai)", waiting.Timeline.Single(t => t.Kind == "awaiting-shift").Text);
        var queue = await Client.GetFromJsonAsync<List<AssignmentDto>>($"/api/assignments?dealershipCode=DEMO01&state=waiting");
        Assert.Contains(queue!, a => a.LeadId == id1);

        _clock.SetUtcNow(DateTimeOffset.Parse("2026-11-30T09:00:01+08:00"));

        // The view can show the new stage a moment before the timeline entry that explains it: wait for the entry.
        var lead = await LeadAsync(id1, l => l.Timeline.Any(t => t.Kind == "assigned"), "the lead should be assigned when the shift starts");
        Assert.Contains(lead.Timeline, t => t.Kind == "assigned" && t.Text.Contains("the shift started"));
    }

    [Fact]
    public async Task Should_give_an_after_hours_lead_to_whoever_is_on_duty_when_the_dealership_says_so()
    {
        await PutConsultantAsync(DemoRoster.WangFang, DemoRoster.Body("王芳 Wang Fang", "+8613800138001", workingHours: OfficeHours()));
        await PutConsultantAsync(DemoRoster.LiQiang, DemoRoster.Body("李强 Li Qiang", "+8613800138002", workingHours: OfficeHours()));
        (await Client.PutAsJsonAsync($"/api/consultants/{DemoRoster.ZhangWei}/on-duty", new { onDuty = false })).EnsureSuccessStatusCode();
        await PutRulesAsync(new { outsideHours = "whoeverIsOnDuty", rules = Array.Empty<object>() });
        _clock.SetUtcNow(DateTimeOffset.Parse("2026-11-28T23:30+08:00"));

        var lead = await AssignedAsync(await PostAsync("NIGHT-2", "13912340006"));

        Assert.Contains(lead.AssignedConsultantId!.Value, new[] { DemoRoster.WangFang, DemoRoster.LiQiang });
        Assert.Contains(lead.Timeline, t => t.Text.Contains("outside working hours: to whoever is on duty") && t.Text.Contains("张伟 Zhang Wei (off duty)"));
    }

    [Fact]
    public async Task Should_let_the_first_of_several_racing_claims_win_a_pooled_lead()
    {
        await PutRulesAsync(new { rules = new[] { new { name = "OEM leads to the pool", sources = new[] { "oem" }, steps = new[] { "pool" } } } });
        var id = await PostAsync("POOL-1", "13912340007");
        await LeadAsync(id, l => l.Timeline.Any(t => t.Kind == "pooled"), "the lead should be in the open pool");
        var pool = await Client.GetFromJsonAsync<List<AssignmentDto>>($"/api/assignments?dealershipCode=DEMO01&state=pooled");
        Assert.Equal(id, Assert.Single(pool!).LeadId);

        var claims = await Task.WhenAll(DemoRoster.All.Select(c => Client.PostAsJsonAsync($"/api/assignments/{id}/claim", new { consultantId = c })));

        var won = Assert.Single(claims, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(claims.Where(r => r != won), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var winner = (await won.Content.ReadFromJsonAsync<AssignmentDto>())!.ConsultantId;
        var lead = await AssignedAsync(id);
        Assert.Equal(winner, lead.AssignedConsultantId);
        Assert.Contains(lead.Timeline, t => t.Kind == "assigned" && t.Text.Contains("claimed from the open pool"));
        Assert.Equal(1, (await ConsultantAsync(winner!.Value)).OpenLeads);
    }

    [Fact]
    public async Task Should_reassign_an_overdue_first_contact_alert_the_supervisor_and_count_the_miss()
    {
        var supervisor = await AddAsync(DemoRoster.Body("刘主管 Liu", "+8613800138009", role: "supervisor", dealershipCode: "DEMO01"));
        foreach (var (cid, name, phone) in new[] { (DemoRoster.WangFang, "王芳 Wang Fang", "+8613800138001"), (DemoRoster.LiQiang, "李强 Li Qiang", "+8613800138002"), (DemoRoster.ZhangWei, "张伟 Zhang Wei", "+8613800138003") })
            await PutConsultantAsync(cid, DemoRoster.Body(name, phone, supervisorId: supervisor.Id));
        var id = await PostAsync("LATE-1", "13912340008");
        var lead = await LeadAsync(id, l => l.OpenTasks.Count == 1, "the first-contact task should be open");
        var missedBy = lead.AssignedConsultantId!.Value;
        _clock.Advance(TimeSpan.FromHours(25));

        // The workflow raises the deadline; the broker may deliver it twice.
        var overdue = new FirstContactOverdue(id, TestApp.DemoDealershipId, missedBy, lead.OpenTasks[0].Id, lead.OpenTasks[0].DueAt, _clock.GetUtcNow());
        var bus = _app.Services.GetRequiredService<IBus>();
        var messageId = NewId.NextGuid();
        await bus.Publish(overdue, c => c.MessageId = messageId);
        await bus.Publish(overdue, c => c.MessageId = messageId);

        lead = await LeadAsync(id, l => l.Timeline.Any(t => t.Kind == "supervisor-alerted") && l.Timeline.Any(t => t.Kind == "reassigned"), "the lead should be escalated");
        // The lead's own flow raises the same deadline (its timer is due too), before or after the move: read
        // the outcome once assignment has taken both deliveries above and the flow's own message.
        await Eventually.Get(() => Task.FromResult(_consumes.Count<FirstContactOverdue>("assignment-first-contact-overdue")), n => n >= 3,
            because: "assignment should have taken every FirstContactOverdue");
        lead = (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}"))!;
        Assert.NotEqual(missedBy, lead.AssignedConsultantId);
        Assert.Contains("first contact overdue since", lead.Timeline.Single(t => t.Kind == "reassigned").Text);
        Assert.Contains("Supervisor 刘主管 Liu alerted", lead.Timeline.Single(t => t.Kind == "supervisor-alerted").Text);
        Assert.Equal(1, (await ConsultantAsync(missedBy)).MissedFirstContacts);
        Assert.Equal(0, (await ConsultantAsync(missedBy)).OpenLeads);
        var detail = await Client.GetFromJsonAsync<AssignmentDetailDto>($"/api/assignments/{id}");
        Assert.Equal(["assigned", "escalated"], detail!.History.Select(h => h.Action));
    }

    [Fact]
    public async Task Should_queue_an_overdue_lead_for_the_supervisor_when_the_dealership_says_so_and_let_a_manager_route_it()
    {
        await PutRulesAsync(new { onFirstContactOverdue = "supervisorQueue", rules = Array.Empty<object>() });
        var id = await PostAsync("LATE-2", "13912340009");
        var lead = await LeadAsync(id, l => l.OpenTasks.Count == 1, "the first-contact task should be open");
        _clock.Advance(TimeSpan.FromHours(25));

        await _app.Services.GetRequiredService<IBus>().Publish(new FirstContactOverdue(
            id, TestApp.DemoDealershipId, lead.AssignedConsultantId!.Value, lead.OpenTasks[0].Id, lead.OpenTasks[0].DueAt, _clock.GetUtcNow()));

        lead = await LeadAsync(id, l => l.Stage == "unassigned" && l.Timeline.Any(t => t.Kind == "supervisor-alerted"), "the lead should wait in the supervisor queue");
        Assert.Null(lead.AssignedConsultantId);
        Assert.Contains("(none on the roster)", lead.Timeline.Single(t => t.Kind == "supervisor-alerted").Text);
        var queue = await Client.GetFromJsonAsync<List<AssignmentDto>>($"/api/assignments?dealershipCode=DEMO01&state=supervisorQueue");
        Assert.Equal(id, Assert.Single(queue!).LeadId);

        var routed = await Client.PostAsJsonAsync($"/api/assignments/{id}/reassign", new { reason = "picked from the queue", by = "not believed" });

        routed.EnsureSuccessStatusCode();
        Assert.Equal("reassigned", (await routed.Content.ReadFromJsonAsync<ReassignmentDto>())!.Outcome);
        lead = await AssignedAsync(id);
        Assert.Contains(lead.Timeline, t => t.Kind == "assigned" && t.Text.Contains("manual reassignment by Administrator (picked from the queue)"));
    }

    [Fact]
    public async Task Should_reassign_many_leads_at_once_with_an_audit_trail()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await PostAsync($"BULK-{i}", $"1391234101{i}"));
            await AssignedAsync(ids[^1]);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        var response = await Client.PostAsJsonAsync("/api/assignments/reassign",
            new { dealershipCode = "DEMO01", leadIds = ids, consultantId = DemoRoster.LiQiang, reason = "Li Qiang covers the VW ID. campaign" });

        response.EnsureSuccessStatusCode();
        var results = (await response.Content.ReadFromJsonAsync<List<ReassignmentDto>>())!;
        Assert.Equal(4, results.Count);
        Assert.Equal(3, results.Count(r => r.Outcome == "reassigned"));
        Assert.Single(results, r => r.Outcome == "unchanged");
        Assert.Equal(4, (await ConsultantAsync(DemoRoster.LiQiang)).OpenLeads);
        foreach (var moved in results.Where(r => r.Outcome == "reassigned"))
        {
            var lead = await LeadAsync(moved.LeadId, l => l.Timeline.Any(t => t.Kind == "reassigned"), "the lead should show its reassignment");
            Assert.True(DemoRoster.LiQiang == lead.AssignedConsultantId,
                $"{lead.AssignedConsultantId} instead of Li Qiang; timeline: {string.Join(" | ", lead.Timeline.Select(t => $"{t.At:HH:mm:ss.fff} {t.Kind}: {t.Text}"))}");
            Assert.Contains("manual reassignment by Administrator (Li Qiang covers the VW ID. campaign)", lead.Timeline.Single(t => t.Kind == "reassigned").Text);
            var detail = await Client.GetFromJsonAsync<AssignmentDetailDto>($"/api/assignments/{moved.LeadId}");
            var audit = detail!.History.Last();
            Assert.Equal("reassigned", audit.Action);
            Assert.Equal("Administrator", audit.Actor);
            Assert.Equal(DemoRoster.LiQiang, audit.ToConsultantId);
            Assert.NotNull(audit.FromConsultantId);
        }
    }

    [Fact]
    public async Task Should_redistribute_open_leads_when_a_consultant_goes_on_leave()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await PostAsync($"LEAVE-{i}", $"1391234102{i}"));
            await AssignedAsync(ids[^1]);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        var response = await Client.PostAsJsonAsync($"/api/consultants/{DemoRoster.WangFang}/leave", new { reason = "annual leave" });

        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync<AbsenceDto>())!;
        Assert.Equal("onLeave", result.Consultant.Status);
        Assert.Equal(0, result.Consultant.OpenLeads);
        var moved = Assert.Single(result.Redistributed);
        Assert.Equal("reassigned", moved.Outcome);
        Assert.NotEqual(DemoRoster.WangFang, moved.ConsultantId);
        var lead = await LeadAsync(moved.LeadId, l => l.Timeline.Any(t => t.Kind == "reassigned"), "the lead should show it was redistributed");
        Assert.Contains("王芳 Wang Fang went on leave (annual leave), redistributed by Administrator", lead.Timeline.Single(t => t.Kind == "reassigned").Text);

        // And no new lead goes to a consultant on leave.
        var next = await AssignedAsync(await PostAsync("LEAVE-NEXT", "13912341029"));
        Assert.NotEqual(DemoRoster.WangFang, next.AssignedConsultantId);
        Assert.Equal(0, (await ConsultantAsync(DemoRoster.WangFang)).OpenLeads);
    }

    [Fact]
    public async Task Should_report_store_visits_against_the_plan_per_consultant_team_and_dealership()
    {
        await PutConsultantAsync(DemoRoster.WangFang, DemoRoster.Body("王芳 Wang Fang", "+8613800138001", team: "A"));
        await PutConsultantAsync(DemoRoster.LiQiang, DemoRoster.Body("李强 Li Qiang", "+8613800138002", team: "A"));
        await PutConsultantAsync(DemoRoster.ZhangWei, DemoRoster.Body("张伟 Zhang Wei", "+8613800138003", team: "B"));
        var plan = await Client.PutAsJsonAsync("/api/plans", new
        {
            dealershipCode = "DEMO01", month = "2026-11",
            targets = new object[]
            {
                new { consultantId = DemoRoster.WangFang, source = "oem", visits = 10 },
                new { consultantId = DemoRoster.WangFang, source = "marketing-event", visits = 5 },
                new { consultantId = DemoRoster.ZhangWei, source = "oem", visits = 8 },
            },
        });
        plan.EnsureSuccessStatusCode();
        var oem = await AssignedAsync(await PostAsync("PLAN-1", "13912340031", source: "oem"));
        var evt = await AssignedAsync(await PostAsync("PLAN-2", "13912340032", source: "marketing-event"));
        var bus = _app.Services.GetRequiredService<IBus>();
        var now = _clock.GetUtcNow();
        // Two visits credited to Wang Fang by the receptionist, one to the lead's own consultant, and one in December (Shanghai time).
        await bus.Publish(new CustomerArrived(NewId.NextGuid(), oem.Id, TestApp.DemoDealershipId, DemoRoster.WangFang, now, now));
        await bus.Publish(new CustomerArrived(NewId.NextGuid(), evt.Id, TestApp.DemoDealershipId, DemoRoster.WangFang, now, now));
        await bus.Publish(new CustomerArrived(NewId.NextGuid(), oem.Id, TestApp.DemoDealershipId, null, now, now));
        var december = DateTimeOffset.Parse("2026-11-30T16:30Z");
        await bus.Publish(new CustomerArrived(NewId.NextGuid(), oem.Id, TestApp.DemoDealershipId, DemoRoster.WangFang, december, december));

        var figures = await Eventually.Get(
            async () => (await Client.GetFromJsonAsync<PlanDto>("/api/plans?dealershipCode=DEMO01&month=2026-11"))!,
            p => p.Dealership.Actual == 3, because: "three November visits should count");

        Assert.Equal(23, figures.Dealership.Target);
        var wang = figures.Consultants.Single(c => c.ConsultantId == DemoRoster.WangFang);
        Assert.Equal((15, 2), (wang.Target, wang.Actual));
        Assert.Contains(new SourceFigureDto("oem", 10, 1), wang.BySource);
        Assert.Contains(new SourceFigureDto("marketing-event", 5, 1), wang.BySource);
        var byLeadOwner = figures.Consultants.Single(c => c.ConsultantId == oem.AssignedConsultantId);
        Assert.Contains(byLeadOwner.BySource, s => s.Source == "oem" && s.Actual >= 1);
        var teamA = figures.Teams.Single(t => t.Team == "A");
        Assert.Equal(15, teamA.Target);
        Assert.Equal(18, figures.Dealership.BySource.Single(s => s.Source == "oem").Target);
        // The four visits are consumed in any order: November's three counted says nothing of December's.
        await Eventually.Get(async () => (await Client.GetFromJsonAsync<PlanDto>("/api/plans?dealershipCode=DEMO01&month=2026-12"))!,
            p => p.Dealership.Actual == 1, because: "the visit of 1 December, Shanghai time, should count in December");
    }

    [Fact]
    public async Task Should_not_undo_a_booked_visit_when_an_assignment_event_arrives_late()
    {
        var lead = await AssignedAsync(await PostAsync("LATE-EVENT", "13912340041"));
        var booked = await Client.PostAsJsonAsync("/api/appointments", new { leadId = lead.Id, startsAt = _clock.GetUtcNow().AddDays(2), purpose = "test-drive" });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        await LeadAsync(lead.Id, l => l.Stage == "appointmentBooked", "the visit should be booked");

        // On separate processes the assignment may reach lead-intake after the booking.
        await _app.Services.GetRequiredService<IBus>().Publish(new LeadReassigned(lead.Id, TestApp.DemoDealershipId, lead.AssignedConsultantId,
            DemoRoster.LiQiang, "李强 Li Qiang", "+8613800138002", "taken from someone; late", _clock.GetUtcNow()));

        var after = await LeadAsync(lead.Id, l => l.Timeline.Any(t => t.Kind == "reassigned"), "the reassignment should be on the timeline");
        Assert.Equal("appointmentBooked", after.Stage);
        Assert.Equal(DemoRoster.LiQiang, after.AssignedConsultantId);
    }

    [Fact]
    public async Task Should_refuse_a_roster_entry_with_a_bad_phone_or_shift_naming_the_fields()
    {
        var response = await Client.PostAsJsonAsync("/api/consultants", new
        {
            dealershipCode = "DEMO01", name = "赵六", phone = "138", workingHours = new[] { new { day = "monday", start = "9am", end = "18:00" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("phone", out _));
        Assert.True(errors.TryGetProperty("workingHours[0].start", out _));
    }

    [Fact]
    public async Task Should_refuse_a_dealership_the_caller_may_not_act_for_and_not_find_one_it_does_not_know()
    {
        using var suzhouManager = await _app.SignInAsync("sz-manager");

        Assert.Equal(HttpStatusCode.Forbidden, (await suzhouManager.GetAsync("/api/consultants?dealershipCode=DEMO01")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/consultants?dealershipCode=NOPE99")).StatusCode);
    }
}
