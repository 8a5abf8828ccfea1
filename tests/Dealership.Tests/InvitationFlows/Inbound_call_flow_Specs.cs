using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.InvitationFlows;

/// <summary>
/// Flow A of the source process, workflows/inbound-call.bpmn, end to end: reception logs the call and takes its first step
/// (the purpose, answered or handed over), a consultant answers or promises a time, collects the details and invites;
/// time moved by a fake clock.
/// </summary>
public sealed class Inbound_call_flow_Specs : IAsyncLifetime
{
    // Monday 2030-01-14, 09:00 in Shanghai: the showroom is open.
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 14, 9));
    private static readonly DateTimeOffset TuesdayTen = Showroom.Local(2030, 1, 15, 10);
    private TestApp _app = null!;
    private HttpClient _reception = null!;

    public record Guidance(string? Customer, string? Phone, string? Source, string? VehicleOfInterest, string? Why, string? Offer, string? Steps);
    public record FlowTask(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, string? Title, DateTimeOffset DueAt, Guidance Guidance,
        DateTimeOffset? CompletedAt, string? Outcome, string? Role, List<string> Outcomes, bool AsksPurpose);

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            configure: b => b.Services.AddSingleton<TimeProvider>(_clock),
            settings:
            [
                .. WorkflowApi.Settings,
                "--Workflow:Engine:TimerPollInterval=00:00:00.050",
                "--Sms:Sender:PollInterval=00:00:00.100",
            ]);
        await _app.WithoutQuietHoursAsync();
        _reception = await _app.SignInAsync("reception");
    }

    public async Task DisposeAsync()
    {
        _reception.Dispose();
        await _app.DisposeAsync();
    }

    private HttpClient Client => _app.Client;

    /// <summary>Reception logs the call it has just taken; the lead is given to a consultant and its flow begins with reception's step.</summary>
    private async Task<(Guid LeadId, FlowTask TakeCall)> CallAsync(string name = "王女士")
    {
        var phone = TestApp.UniquePhone();
        var logged = await _reception.PostAsJsonAsync("/api/leads/inbound-calls",
            new { dealershipCode = "DEMO01", phone, name, question = "途观L 有现车吗？", smsConsent = true });
        logged.EnsureSuccessStatusCode();
        var leadId = (await logged.Content.ReadFromJsonAsync<SubmittedLead>())!.Id;
        await _app.GrantSmsConsentAsync(leadId, phone);
        var task = await Eventually.Get(async () => (await _reception.GetFromJsonAsync<List<FlowTask>>("/api/tasks?role=receptionist&dealershipCode=DEMO01"))!
            .SingleOrDefault(t => t.LeadId == leadId), t => t is not null, because: "reception's step of the call should open")!;
        return (leadId, task!);
    }

    private Task<FlowTask> ConsultantTaskAsync(Guid leadId, string kind) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!.SingleOrDefault(t => t.Kind == kind),
            t => t is not null, because: $"a {kind} task should open")!;

    private static async Task CompleteAsync(HttpClient client, FlowTask task, object outcome)
    {
        var response = await client.PostAsJsonAsync($"/api/tasks/{task.Id}/complete", outcome);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<LeadView> LeadAsync(Guid id, Func<LeadView, bool> until, string because) =>
        Eventually.Get(() => Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}")!, l => until(l!), because: because)!;

    private async Task<List<SmsView>> SmsAsync(Guid leadId, string template) =>
        (await Eventually.Get(() => Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={leadId}")!,
            l => l!.Any(s => s.Template == template), because: $"the {template} SMS should be sent"))!
            .Where(s => s.Template == template).ToList();

    private async Task<BookingView> BookingAsync(Guid leadId) =>
        (await Eventually.Get(() => Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={leadId}")!,
            b => b!.Count == 1, because: "the flow should book the visit"))!.Single();

    private Task TimersPolledAsync() => _app.Services.GetRequiredService<WorkflowTimerPoller>().WaitForNextPassAsync();

    [Fact]
    public async Task Should_answer_the_call_at_reception_and_invite_the_customer_in_the_same_call()
    {
        var (leadId, takeCall) = await CallAsync();

        // Reception's step belongs to the role: it is not on the consultant's own list, and reads in the reader's language.
        Assert.Equal("take-call", takeCall.Kind);
        Assert.Equal("receptionist", takeCall.Role);
        Assert.Equal(["answered", "handed-over"], takeCall.Outcomes);
        Assert.True(takeCall.AsksPurpose);
        Assert.Equal("Take the call and confirm its purpose", takeCall.Title);
        Assert.Equal(TimeSpan.FromMinutes(15), takeCall.DueAt - _clock.GetUtcNow());
        using (var chinese = new HttpRequestMessage(HttpMethod.Get, $"/api/tasks/{takeCall.Id}") { Headers = { { "Accept-Language", "zh-CN,zh;q=0.9" } } })
        {
            var inChinese = (await (await _reception.SendAsync(chinese)).Content.ReadFromJsonAsync<FlowTask>())!;
            Assert.Equal("接听电话，确认客户来电目的", inChinese.Title);
            Assert.StartsWith("接听电话，自我介绍，确认客户来电目的", inChinese.Guidance.Steps);
        }
        Assert.DoesNotContain((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?consultantId={takeCall.ConsultantId}"))!, t => t.LeadId == leadId);

        // The step takes only its own outcomes, and the purpose of the call.
        async Task<string> RefusedAsync(object body)
        {
            var response = await _reception.PostAsJsonAsync($"/api/tasks/{takeCall.Id}/complete", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return string.Join(",", (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        }
        Assert.Equal("purpose", await RefusedAsync(new { outcome = "answered" }));
        Assert.Equal("outcome", await RefusedAsync(new { outcome = "accepted", visitAt = TuesdayTen, purpose = "问现车" }));

        await CompleteAsync(_reception, takeCall, new { outcome = "answered", purpose = "问途观L 现车" });

        var invite = await ConsultantTaskAsync(leadId, "invite");
        Assert.Null(invite.Role);
        Assert.Equal(["accepted", "declined", "undecided"], invite.Outcomes);
        Assert.Contains((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?consultantId={invite.ConsultantId}"))!, t => t.Id == invite.Id);
        await CompleteAsync(Client, invite, new { outcome = "accepted", visitAt = TuesdayTen, note = "周二上午来看车" });

        Assert.Equal(TuesdayTen, (await BookingAsync(leadId)).StartsAt);
        await SmsAsync(leadId, "directions");
        var lead = await LeadAsync(leadId, l => l.Timeline.Count(t => t.Kind == "call-logged") == 2, "both steps of the call should be on the timeline");
        Assert.Contains(lead.Timeline, t => t.Kind == "call-logged" && t.Text.Contains("answered") && t.Text.Contains("问途观L 现车"));
        Assert.Contains(lead.Timeline, t => t.Kind == "call-logged" && t.Text.Contains("accepted"));
    }

    [Fact]
    public async Task Should_hand_the_call_to_a_consultant_when_reception_cannot_answer()
    {
        var (leadId, takeCall) = await CallAsync();

        await CompleteAsync(_reception, takeCall, new { outcome = "handed-over", purpose = "问贷款政策" });

        var answer = await ConsultantTaskAsync(leadId, "answer-call");
        Assert.Equal(takeCall.ConsultantId, answer.ConsultantId);
        Assert.Null(answer.Role);
        Assert.Equal(["answered", "callback"], answer.Outcomes);
        Assert.Contains("could not answer", answer.Guidance.Why);
        Assert.Contains((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?consultantId={answer.ConsultantId}"))!, t => t.Id == answer.Id);
        Assert.DoesNotContain((await _reception.GetFromJsonAsync<List<FlowTask>>("/api/tasks?role=receptionist&dealershipCode=DEMO01"))!, t => t.LeadId == leadId);

        await CompleteAsync(Client, answer, new { outcome = "answered" });
        await CompleteAsync(Client, await ConsultantTaskAsync(leadId, "invite"), new { outcome = "accepted", visitAt = TuesdayTen });

        await BookingAsync(leadId);
        await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "call-logged" && t.Text.Contains("accepted"))
            && l.Timeline.Any(t => t.Kind == "call-logged" && t.Text.Contains("handed-over")), "the hand-over and the invitation should be logged");
    }

    [Fact]
    public async Task Should_keep_a_promised_answer_time_as_a_task_due_then_without_telling_the_supervisor()
    {
        var (leadId, takeCall) = await CallAsync();
        await CompleteAsync(_reception, takeCall, new { outcome = "handed-over", purpose = "问置换补贴" });
        var promised = _clock.GetUtcNow().AddHours(3);
        await CompleteAsync(Client, await ConsultantTaskAsync(leadId, "answer-call"), new { outcome = "callback", callbackAt = promised });

        Assert.Equal("customer", Assert.Single(await SmsAsync(leadId, "callback-promise")).Recipient);
        var callback = await ConsultantTaskAsync(leadId, "callback");
        Assert.Equal(promised, callback.DueAt);

        _clock.Advance(TimeSpan.FromHours(2));
        await CompleteAsync(Client, callback, new { contact = "reached", answer = "accepted", visitAt = TuesdayTen });
        await BookingAsync(leadId);

        // Past the promised time and its grace: kept, so nobody is told.
        _clock.Advance(TimeSpan.FromHours(2));
        await TimersPolledAsync();
        var lead = (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!;
        Assert.DoesNotContain(lead.Timeline, t => t.Kind == "supervisor-alerted");
    }

    [Fact]
    public async Task Should_tell_the_supervisor_when_the_promised_answer_time_passes_and_leave_the_lead_with_its_consultant()
    {
        var (leadId, takeCall) = await CallAsync();
        await CompleteAsync(_reception, takeCall, new { outcome = "handed-over", purpose = "问置换补贴" });
        var promised = _clock.GetUtcNow().AddHours(3);
        await CompleteAsync(Client, await ConsultantTaskAsync(leadId, "answer-call"), new { outcome = "callback", callbackAt = promised });
        var callback = await ConsultantTaskAsync(leadId, "callback");

        // Within the 30 minutes' grace after the promised time nobody is told yet.
        _clock.SetUtcNow(promised.AddMinutes(29));
        await TimersPolledAsync();
        Assert.DoesNotContain((await Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!.Timeline, t => t.Kind == "supervisor-alerted");

        _clock.SetUtcNow(promised.AddMinutes(31));
        var lead = await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "supervisor-alerted"), "the supervisor should be told of the missed promise");
        Assert.Contains("promised answer time missed", lead.Timeline.Single(t => t.Kind == "supervisor-alerted").Text);
        Assert.Equal(takeCall.ConsultantId, lead.AssignedConsultantId);
        Assert.DoesNotContain(lead.Timeline, t => t.Kind == "reassigned");
        // The promise is still the consultant's to keep.
        var open = (await Client.GetFromJsonAsync<FlowTask>($"/api/tasks/{callback.Id}"))!;
        Assert.Null(open.CompletedAt);
    }

    [Fact]
    public async Task Should_thank_a_customer_who_declines_the_invitation_with_a_care_SMS()
    {
        var (leadId, takeCall) = await CallAsync();
        await CompleteAsync(_reception, takeCall, new { outcome = "answered", purpose = "问保养价格" });

        await CompleteAsync(Client, await ConsultantTaskAsync(leadId, "invite"), new { outcome = "declined", note = "近期不换车" });

        Assert.Equal("customer", Assert.Single(await SmsAsync(leadId, "care")).Recipient);
        Assert.Empty((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!);
        // The timeline hears of the call and of the SMS on their own: it is waited for until it tells both.
        await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "call-logged" && t.Text.Contains("declined")) && l.Timeline.Any(t => t.Kind == "sms-sent"),
            "the declined invitation and the care SMS should be on the timeline");
    }
}
