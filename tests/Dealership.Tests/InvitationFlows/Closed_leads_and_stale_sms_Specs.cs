using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Notification.Sms;
using Dealership.Tests.Assignment;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.InvitationFlows;

/// <summary>
/// One truth about where a lead stands, and nothing stale reaching a customer: a lead closed by a person ends its flow and
/// frees the consultant, and an SMS waiting for the quiet hours to end is withdrawn when the visit it speaks of is attended,
/// cancelled or moved. The whole host on a fake clock; quiet hours 12:00-14:00 so that a visit fits inside them.
/// </summary>
public sealed class Closed_leads_and_stale_sms_Specs : IAsyncLifetime
{
    // Monday 2030-01-14, 11:00 in Shanghai: the showroom is open, the quiet hours start at noon.
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 14, 11));
    private TestApp _app = null!;
    private int _externalId;

    public record FlowTask(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, DateTimeOffset DueAt, DateTimeOffset? CompletedAt, string? Outcome);

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
        var settings = await Client.GetFromJsonAsync<JsonObject>("/api/sms/settings/DEMO01");
        settings!["quietHoursStart"] = "12:00:00";
        settings["quietHoursEnd"] = "14:00:00";
        (await Client.PutAsJsonAsync("/api/sms/settings/DEMO01", settings)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client => _app.Client;

    private async Task<Guid> NewLeadAsync()
    {
        var id = await _app.PostLeadAsync($"CLOSE-{Interlocked.Increment(ref _externalId)}");
        await _app.GrantSmsConsentAsync(id);
        return id;
    }

    private Task<FlowTask> OpenTaskAsync(Guid leadId, string kind) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!.SingleOrDefault(t => t.Kind == kind),
            t => t is not null, because: $"a {kind} task should open")!;

    private Task<LeadView> LeadAsync(Guid id, Func<LeadView, bool> until, string because) =>
        Eventually.Get(() => Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}")!, l => until(l!), because: because)!;

    private Task<List<SmsDetailView>> SmsAsync(Guid leadId, Func<List<SmsDetailView>, bool> until, string because) =>
        Eventually.Get(() => Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}")!, s => until(s!), because: because)!;

    private static SmsDetailView Customer(List<SmsDetailView> sms, string template, string? status = null) =>
        sms.Single(s => s.Recipient == "customer" && s.Template == template && (status is null || s.Status == status));

    private async Task<JsonObject> FlowOfAsync(Guid leadId) =>
        (JsonObject)(await Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={leadId}&dealershipCode=DEMO01"))![0]!;

    private async Task<int> OpenLeadsOfAsync(Guid consultantId) =>
        (await Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{consultantId}"))!.OpenLeads;

    /// <summary>The consultant accepts a visit today at <paramref name="hour"/>, during the quiet hours: its confirmation and directions wait for 14:00.</summary>
    private async Task<BookingView> BookedDuringQuietHoursAsync(Guid leadId, int hour)
    {
        var first = await OpenTaskAsync(leadId, "first-contact");
        _clock.SetUtcNow(Showroom.Local(2030, 1, 14, 12, 10));
        var done = await Client.PostAsJsonAsync($"/api/tasks/{first.Id}/complete", new { contact = "reached", answer = "accepted", visitAt = Showroom.Local(2030, 1, 14, hour) });
        Assert.True(done.IsSuccessStatusCode, await done.Content.ReadAsStringAsync());
        // (The day-before confirmation request of a visit less than a day away may come too.)
        var held = await SmsAsync(leadId, s => s.Any(m => m.Template == "appointment-confirmation" && m.Status == "held")
            && s.Any(m => m.Template == "directions" && m.Status == "held"),
            "the confirmation and the directions should wait for the end of the quiet hours");
        Assert.All(held.Where(m => m.Recipient == "customer"), m => Assert.Equal(Showroom.Local(2030, 1, 14, 14), m.SendAt));
        return (await Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={leadId}"))!.Single();
    }

    /// <summary>Past the quiet hours, with a pass of the SMS sender that began after them: whatever was still due has gone.</summary>
    private async Task AfterTheQuietHoursAsync()
    {
        _clock.SetUtcNow(Showroom.Local(2030, 1, 14, 14, 5));
        await _app.Services.GetRequiredService<SmsSender>().WaitForNextPassAsync();
    }

    [Fact]
    public async Task Should_end_the_flow_its_task_and_its_deadline_and_free_the_consultant_when_a_manager_closes_the_lead()
    {
        var leadId = await NewLeadAsync();
        var first = await OpenTaskAsync(leadId, "first-contact");
        var holding = await OpenLeadsOfAsync(first.ConsultantId);
        using var manager = await _app.SignInAsync("manager");

        var refused = await manager.PostAsJsonAsync($"/api/leads/{leadId}/close", new { reason = "other" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("note", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        var closed = await manager.PostAsJsonAsync($"/api/leads/{leadId}/close", new { reason = "bought-elsewhere", note = "在别家4S店买了 ID.4" });
        Assert.Equal(HttpStatusCode.Accepted, closed.StatusCode);

        // The timeline hears of the close and of the withdrawn task on their own (the task's creation may even come later).
        var lead = await LeadAsync(leadId, l => l.Stage == "lost" && l.OpenTasks.Count == 0
            && l.Timeline.Any(t => t.Kind == "task-completed" && t.Facts!["outcome"] == "withdrawn"), "the lead should be lost with its task withdrawn");
        var entry = lead.Timeline.Single(t => t.Kind == "closed");
        Assert.Equal("bought-elsewhere", entry.Facts!["reason"]);
        Assert.Equal("在别家4S店买了 ID.4", entry.Facts["note"]);
        Assert.False(string.IsNullOrEmpty(entry.Facts["by"]));
        await Eventually.Get(() => FlowOfAsync(leadId), f => f!["status"]!.GetValue<string>() == "cancelled", because: "the lead's flow should end");
        Assert.DoesNotContain((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?consultantId={first.ConsultantId}"))!, t => t.LeadId == leadId);
        await Eventually.Get(() => OpenLeadsOfAsync(first.ConsultantId), n => n == holding - 1, because: "the closed lead should leave the consultant's count");

        // The 24-hour promise no longer runs: a day later nobody is alerted and the lead stays where it is.
        _clock.Advance(TimeSpan.FromHours(25));
        await _app.Services.GetRequiredService<Dealership.InvitationWorkflow.Engine.WorkflowTimerPoller>().WaitForNextPassAsync();
        lead = (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!;
        Assert.DoesNotContain(lead.Timeline, t => t.Kind is "supervisor-alerted" or "reassigned");
        Assert.Equal(first.ConsultantId, lead.AssignedConsultantId);

        var again = await manager.PostAsJsonAsync($"/api/leads/{leadId}/close", new { reason = "not-interested" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Should_let_a_consultant_close_only_his_or_her_own_lead_and_keep_reception_from_closing_any()
    {
        var leadId = await NewLeadAsync();
        var first = await OpenTaskAsync(leadId, "first-contact");
        var holder = (await Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{first.ConsultantId}"))!.Name;
        using var reception = await _app.SignInAsync("reception");
        Assert.Equal(HttpStatusCode.Forbidden, (await reception.PostAsJsonAsync($"/api/leads/{leadId}/close", new { reason = "duplicate" })).StatusCode);
        // The demo's two consultants: whichever does not hold the lead finds no such lead.
        using var other = await _app.SignInAsync(holder.Contains("王芳") ? "liqiang" : "wangfang");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/leads/{leadId}/close", new { reason = "duplicate" })).StatusCode);
        Assert.Equal("assigned", (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!.Stage.ToLowerInvariant());
    }

    [Fact]
    public async Task Should_withdraw_the_waiting_confirmation_and_directions_when_the_customer_arrives_during_the_quiet_hours()
    {
        var leadId = await NewLeadAsync();
        var booking = await BookedDuringQuietHoursAsync(leadId, 13);

        _clock.SetUtcNow(Showroom.Local(2030, 1, 14, 12, 55));
        (await Client.PostAsync($"/api/appointments/{booking.Id}/arrival", null)).EnsureSuccessStatusCode();

        var sms = await SmsAsync(leadId, s => s.Count(m => m.Recipient == "customer") >= 2 && s.Where(m => m.Recipient == "customer").All(m => m.Status == "withdrawn"),
            "what waited for the customer should be withdrawn once the customer is in the showroom");
        Assert.Contains("came to the showroom", Customer(sms, "appointment-confirmation").Reason);
        Assert.Contains("came to the showroom", Customer(sms, "directions").Reason);
        var withdrawn = sms.Count(m => m.Recipient == "customer");
        var lead = await LeadAsync(leadId, l => l.Stage == "won" && l.Timeline.Count(t => t.Kind == "sms-withdrawn") == withdrawn,
            "the timeline should say why each SMS was not sent");
        Assert.All(lead.Timeline.Where(t => t.Kind == "sms-withdrawn"), t => Assert.False(string.IsNullOrEmpty(t.Facts!["reason"])));

        await AfterTheQuietHoursAsync();
        sms = (await Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}"))!;
        Assert.DoesNotContain(sms, m => m.Recipient == "customer" && m.SentAt is not null);
    }

    [Fact]
    public async Task Should_withdraw_what_names_the_old_time_when_the_visit_moves_and_everything_when_it_is_cancelled()
    {
        var leadId = await NewLeadAsync();
        var booking = await BookedDuringQuietHoursAsync(leadId, 16);

        _clock.SetUtcNow(Showroom.Local(2030, 1, 14, 12, 20));
        (await Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/reschedule", new { startsAt = Showroom.Local(2030, 1, 14, 17) })).EnsureSuccessStatusCode();
        var sms = await SmsAsync(leadId, s => s.Count(m => m.Template == "appointment-confirmation") == 2 && s.Any(m => m.Status == "withdrawn"),
            "the confirmation of the old time should give way to one of the new time");
        var old = Customer(sms, "appointment-confirmation", "withdrawn");
        Assert.Contains("moved", old.Reason);
        Customer(sms, "appointment-confirmation", "held");
        // The directions name no time: they still apply.
        Assert.Equal("held", Customer(sms, "directions").Status);

        (await Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/cancel", new { reason = "客户临时有事" })).EnsureSuccessStatusCode();
        sms = await SmsAsync(leadId, s => s.Where(m => m.Recipient == "customer").All(m => m.Status == "withdrawn"),
            "nothing about a cancelled visit should wait for the customer");
        Assert.Contains("cancelled", Customer(sms, "directions").Reason);
        // The lead is back with its consultant, to be invited again.
        await LeadAsync(leadId, l => l.Stage == "assigned", "a cancelled visit should send the lead back to the consultant's follow-up");

        await AfterTheQuietHoursAsync();
        sms = (await Client.GetFromJsonAsync<List<SmsDetailView>>($"/api/sms/messages?leadId={leadId}"))!;
        Assert.DoesNotContain(sms, m => m.Recipient == "customer" && m.SentAt is not null);
    }
}
