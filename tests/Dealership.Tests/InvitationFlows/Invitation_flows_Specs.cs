using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.InvitationFlows;

/// <summary>
/// The source process end to end: a lead posted over HTTP, the flows of workflows/*.bpmn driving the
/// consultant's tasks and the other services over the bus, time moved by a fake clock.
/// </summary>
public sealed class Invitation_flows_Specs : IAsyncLifetime
{
    // Monday 2030-01-14, 09:00 in Shanghai: the showroom is open.
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 14, 9));
    private static readonly DateTimeOffset TuesdayTen = Showroom.Local(2030, 1, 15, 10);
    private TestApp _app = null!;
    private int _externalId;

    public record Guidance(string? Customer, string? Phone, string? Source, string? VehicleOfInterest, string? Why, string? Offer, string? Steps);
    public record FlowTask(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, string? Title, DateTimeOffset CreatedAt, DateTimeOffset DueAt,
        Guidance Guidance, DateTimeOffset? CompletedAt, string? Outcome);

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

    private async Task<Guid> NewLeadAsync(string source = "oem")
    {
        var id = await _app.PostLeadAsync($"FLOW-{Interlocked.Increment(ref _externalId)}", source: source);
        await _app.GrantSmsConsentAsync(id);
        return id;
    }

    private Task<FlowTask> OpenTaskAsync(Guid leadId, string kind) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!.SingleOrDefault(t => t.Kind == kind),
            t => t is not null, because: $"a {kind} task should open")!;

    private async Task CompleteAsync(FlowTask task, object outcome)
    {
        var response = await Client.PostAsJsonAsync($"/api/tasks/{task.Id}/complete", outcome);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<LeadView> LeadAsync(Guid id, Func<LeadView, bool> until, string because) =>
        Eventually.Get(() => Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}")!, l => until(l!), because: because)!;

    private async Task<List<SmsView>> SmsAsync(Guid leadId, string template, int atLeast = 1) =>
        (await Eventually.Get(() => SmsListAsync(leadId),
            l => l!.Count(s => s.Template == template) >= atLeast, because: $"the {template} SMS should be sent"))!
            .Where(s => s.Template == template).ToList();

    /// <summary>Waits until the timer poller has run a pass that began now: every timer due by now has fired, with its effects.</summary>
    private Task TimersPolledAsync() => _app.Services.GetRequiredService<WorkflowTimerPoller>().WaitForNextPassAsync();

    private async Task<JsonObject> FlowOfAsync(Guid leadId) =>
        (JsonObject)(await Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={leadId}&dealershipCode=DEMO01"))![0]!;

    /// <summary>The lead's flow in full: its variables, timers and journal.</summary>
    private async Task<JsonObject> InstanceOfAsync(Guid leadId) =>
        (await Client.GetFromJsonAsync<JsonObject>($"/api/workflow-instances/{(await FlowOfAsync(leadId))["id"]}"))!;

    /// <summary>
    /// Waits until the flow has set its day-before timer. The clock may move to the day before only then: the flow asks
    /// "more than a day ahead?" with the clock it reads, and a step that ran after the move would skip the confirmation.
    /// </summary>
    private Task DayBeforeTimerSetAsync(Guid leadId) => DayBeforeTimerSetAsync(leadId, null);

    /// <summary>Waits until the flow waits for the day before the visit at <paramref name="visitAt"/> (any visit when null).</summary>
    private async Task DayBeforeTimerSetAsync(Guid leadId, DateTimeOffset? visitAt)
    {
        await Eventually.Get(() => InstanceOfAsync(leadId),
            f => f!["timers"]!.AsArray().Any(t => t!["elementId"]!.GetValue<string>() == "Timer_DayBefore"
                && (visitAt is null || t["dueAt"]!.GetValue<DateTimeOffset>() == visitAt.Value.AddDays(-1))),
            because: $"the flow should wait for the day before the visit{(visitAt is null ? "" : " at " + visitAt.Value.ToString("O"))}");
    }

    private async Task<List<SmsView>> SmsListAsync(Guid leadId) => (await Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={leadId}"))!;

    private async Task<BookingView> BookingAsync(Guid leadId) =>
        (await Eventually.Get(() => Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={leadId}")!,
            b => b!.Count == 1, because: "the flow should book the visit"))!.Single();

    [Fact]
    public async Task Should_take_an_accepted_invitation_to_the_visit_with_directions_confirmation_and_arrival()
    {
        var leadId = await NewLeadAsync();
        var first = await OpenTaskAsync(leadId, "first-contact");
        Assert.Equal("陈先生", first.Guidance.Customer);
        // The admin reading here is a manager and reads the whole number; reception reads it masked.
        Assert.DoesNotContain("*", first.Guidance.Phone);
        using var reception = await _app.SignInAsync("reception");
        Assert.Contains("****", (await reception.GetFromJsonAsync<FlowTask>($"/api/tasks/{first.Id}"))!.Guidance.Phone);
        Assert.Contains("24 hours", first.Guidance.Why);
        Assert.NotNull(first.Guidance.Offer);
        Assert.Equal(TimeSpan.FromHours(24), first.DueAt - _clock.GetUtcNow());
        Assert.Equal("active-invitation", (await FlowOfAsync(leadId))["processKey"]!.GetValue<string>());

        await CompleteAsync(first, new { contact = "reached", answer = "accepted", visitAt = TuesdayTen, note = "wants to see the ID.4" });

        var booking = await BookingAsync(leadId);
        Assert.Equal(TuesdayTen, booking.StartsAt);
        await SmsAsync(leadId, "directions");
        await DayBeforeTimerSetAsync(leadId);

        // The day before the visit (Monday 10:00): the confirmation request.
        _clock.SetUtcNow(Showroom.Local(2030, 1, 14, 10));
        await SmsAsync(leadId, "confirmation-request");

        _clock.SetUtcNow(Showroom.Local(2030, 1, 15, 9, 55));
        (await Client.PostAsync($"/api/appointments/{booking.Id}/arrival", null)).EnsureSuccessStatusCode();

        var lead = await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "closed"), "the flow should close the lead as won");
        Assert.Contains("won: arrived", lead.Timeline.Single(t => t.Kind == "closed").Text);
        Assert.Contains(lead.Timeline, t => t.Kind == "call-logged" && t.Text.Contains("accepted"));
        Assert.Contains(lead.Timeline, t => t.Kind == "task-created");
        Assert.Contains(lead.Timeline, t => t.Kind == "sms-sent");
        Assert.Contains(lead.Timeline, t => t.Kind == "appointment-booked" || t.Text.Contains("booked", StringComparison.OrdinalIgnoreCase));
        await Eventually.Get(() => FlowOfAsync(leadId), f => f!["status"]!.GetValue<string>() == "completed", because: "the flow should end");
    }

    [Fact]
    public async Task Should_thank_a_declining_customer_with_a_care_SMS_and_call_again_after_the_set_time()
    {
        var leadId = await NewLeadAsync();
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "reached", answer = "declined" });

        var care = Assert.Single(await SmsAsync(leadId, "care"));
        Assert.Equal("customer", care.Recipient);
        Assert.Empty((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!);

        _clock.Advance(TimeSpan.FromDays(30));
        var again = await OpenTaskAsync(leadId, "re-contact");
        Assert.Contains("declined", again.Guidance.Why);
    }

    [Fact]
    public async Task Should_stop_inviting_a_customer_who_declined_three_times_and_close_the_lead_as_lost()
    {
        var leadId = await NewLeadAsync();
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "reached", answer = "declined" });
        for (var declined = 1; declined < 3; declined++)
        {
            await SmsAsync(leadId, "care", atLeast: declined);
            _clock.Advance(TimeSpan.FromDays(30));
            await CompleteAsync(await OpenTaskAsync(leadId, "re-contact"), new { contact = "reached", answer = "declined" });
        }

        // Each refusal is thanked, the third one too; then nobody calls again.
        var lead = await LeadAsync(leadId, l => l.Stage == "lost", "the third refusal should close the lead");
        Assert.Equal("declined", lead.Timeline.Single(t => t.Kind == "closed").Facts!["reason"]);
        Assert.Equal(3, (await SmsAsync(leadId, "care", atLeast: 3)).Count);
        await Eventually.Get(() => FlowOfAsync(leadId), f => f!["status"]!.GetValue<string>() == "completed", because: "the flow should end");
        _clock.Advance(TimeSpan.FromDays(30));
        await TimersPolledAsync();
        Assert.Empty((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!);
    }

    [Fact]
    public async Task Should_end_the_first_call_and_its_24_hour_deadline_when_reception_books_the_visit_before_the_call_is_logged()
    {
        var leadId = await NewLeadAsync();
        var first = await OpenTaskAsync(leadId, "first-contact");
        var wednesdayTen = Showroom.Local(2030, 1, 16, 10);

        // The customer rang the showroom and reception booked the visit (POST /api/appointments, as the README shows).
        using var reception = await _app.SignInAsync("reception");
        var booked = await reception.PostAsJsonAsync("/api/appointments", new { leadId, startsAt = wednesdayTen, purpose = "visit" });
        Assert.True(booked.IsSuccessStatusCode, await booked.Content.ReadAsStringAsync());

        var lead = await LeadAsync(leadId, l => l.OpenTasks.Count == 0
            && l.Timeline.Any(t => t.Kind == "task-completed" && t.Facts!["outcome"] == "appointment-booked"), "the first call should end with the booking");
        Assert.Equal("appointmentBooked", lead.Stage);
        Assert.Single(await SmsAsync(leadId, "directions"));

        // A day later the 24-hour promise has not fired: the supervisor is not told, the lead stays; the flow waits for the day before.
        _clock.Advance(TimeSpan.FromHours(25));
        await TimersPolledAsync();
        var instance = await InstanceOfAsync(leadId);
        Assert.DoesNotContain(instance["journal"]!.AsArray(), j => j!["elementId"]!.GetValue<string>() is "Task_NotifySupervisor" or "Task_Reassign");
        Assert.Equal(first.ConsultantId, (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!.AssignedConsultantId);
        Assert.Single(await SmsAsync(leadId, "confirmation-request"));
        // The visit the flow knows of is reception's: no second booking.
        Assert.Equal(wednesdayTen, (await BookingAsync(leadId)).StartsAt);
    }

    [Fact]
    public async Task Should_ask_no_day_before_confirmation_for_a_visit_booked_for_later_the_same_day()
    {
        var leadId = await NewLeadAsync();
        var thisAfternoon = Showroom.Local(2030, 1, 14, 15);
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "reached", answer = "accepted", visitAt = thisAfternoon });
        var booking = await BookingAsync(leadId);
        await SmsAsync(leadId, "directions");

        _clock.SetUtcNow(Showroom.Local(2030, 1, 14, 14, 50));
        await Eventually.Get(() => FlowOfAsync(leadId), f => f!["waitingAt"]!.AsArray().Any(w => w!.GetValue<string>() == "Gw_Visit"),
            because: "the flow should wait for the customer without a day-before step");
        (await Client.PostAsync($"/api/appointments/{booking.Id}/arrival", null)).EnsureSuccessStatusCode();

        await LeadAsync(leadId, l => l.Stage == "won", "the arrival should close the lead as won");
        Assert.DoesNotContain(await SmsListAsync(leadId), s => s.Template == "confirmation-request");
    }

    [Fact]
    public async Task Should_ask_for_confirmation_the_day_before_the_new_time_whenever_the_visit_moves()
    {
        var thursdayTen = Showroom.Local(2030, 1, 17, 10);
        var fridayThree = Showroom.Local(2030, 1, 18, 15);
        var mondayEleven = Showroom.Local(2030, 1, 21, 11);
        var leadId = await NewLeadAsync();
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "reached", answer = "accepted", visitAt = thursdayTen });
        var booking = await BookingAsync(leadId);
        await DayBeforeTimerSetAsync(leadId, thursdayTen);

        // Moved before the day before: the flow waits for the day before the new time instead.
        (await Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/reschedule", new { startsAt = fridayThree })).EnsureSuccessStatusCode();
        await DayBeforeTimerSetAsync(leadId, fridayThree);
        _clock.SetUtcNow(thursdayTen.AddDays(-1).AddMinutes(5));
        await TimersPolledAsync();
        Assert.DoesNotContain(await SmsListAsync(leadId), m => m.Template == "confirmation-request");

        _clock.SetUtcNow(fridayThree.AddDays(-1).AddMinutes(5));
        await SmsAsync(leadId, "confirmation-request");

        // Moved again after the confirmation (the customer asked for another time): confirmed again the day before that time.
        (await Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/reschedule", new { startsAt = mondayEleven })).EnsureSuccessStatusCode();
        await DayBeforeTimerSetAsync(leadId, mondayEleven);
        _clock.SetUtcNow(mondayEleven.AddDays(-1).AddMinutes(5));
        await SmsAsync(leadId, "confirmation-request", atLeast: 2);
        var flow = await InstanceOfAsync(leadId);
        Assert.Equal(mondayEleven, flow["variables"]!["appointment"]!["startsAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Should_ask_no_confirmation_of_a_visit_cancelled_before_the_day_before_and_ask_the_consultant_to_call()
    {
        var thursdayTen = Showroom.Local(2030, 1, 17, 10);
        var leadId = await NewLeadAsync();
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "reached", answer = "accepted", visitAt = thursdayTen });
        var booking = await BookingAsync(leadId);
        await DayBeforeTimerSetAsync(leadId, thursdayTen);

        (await Client.PostAsJsonAsync($"/api/appointments/{booking.Id}/cancel", new { reason = "客户临时出差" })).EnsureSuccessStatusCode();
        var call = await OpenTaskAsync(leadId, "missed-visit");
        Assert.Contains("cancelled", call.Guidance.Why);

        // The day before the visit that no longer holds passes without asking the customer anything.
        _clock.SetUtcNow(thursdayTen.AddDays(-1).AddMinutes(5));
        await TimersPolledAsync();
        var flow = await InstanceOfAsync(leadId);
        Assert.DoesNotContain(flow["timers"]!.AsArray(), t => t!["elementId"]!.GetValue<string>() == "Timer_DayBefore");
        Assert.DoesNotContain(flow["journal"]!.AsArray(), j => j!["elementId"]!.GetValue<string>() == "Task_ConfirmSms");
        Assert.DoesNotContain(await SmsListAsync(leadId), m => m.Template == "confirmation-request");
    }

    [Fact]
    public async Task Should_retry_an_unanswered_customer_at_the_set_interval_and_close_the_lead_as_lost_at_the_cap()
    {
        var leadId = await NewLeadAsync();
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "no-answer" });
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            _clock.Advance(TimeSpan.FromHours(3));
            // The retry task opens in the step that fires the retry timer.
            await TimersPolledAsync();
            Assert.Empty((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!);
            _clock.Advance(TimeSpan.FromHours(1));
            await CompleteAsync(await OpenTaskAsync(leadId, "retry"), new { contact = "no-answer" });
        }

        // The timeline is written from each service's events, consumed in any order: the closing may come before the
        // third call's entries.
        var lead = await LeadAsync(leadId,
            l => l.Timeline.Any(t => t.Kind == "closed") && l.Timeline.Count(t => t.Kind == "call-logged") == 3 &&
                 l.Timeline.Count(t => t.Kind == "flow-event" && t.Text.Contains("call-not-answered")) == 3,
            "the third unanswered call should close the lead, and the timeline show the three calls");
        Assert.Contains("lost: no-answer", lead.Timeline.Single(t => t.Kind == "closed").Text);
        Assert.Equal(3, lead.Timeline.Count(t => t.Kind == "call-logged" && t.Text.Contains("no-answer")));
    }

    [Fact]
    public async Task Should_alert_the_supervisor_and_move_the_lead_and_its_task_when_the_first_contact_is_24_hours_late()
    {
        var leadId = await NewLeadAsync();
        var first = await OpenTaskAsync(leadId, "first-contact");

        _clock.Advance(TimeSpan.FromHours(23));
        // The escalation starts with the flow's deadline timer, which a pass that began at 23 hours leaves alone.
        await TimersPolledAsync();
        var journal = (await Client.GetInstanceAsync((await FlowOfAsync(leadId)).Id()))["journal"]!.AsArray();
        Assert.DoesNotContain(journal, j => j!["elementId"]!.GetValue<string>() == "Timer_FirstContactOverdue" && j["outcome"]!.GetValue<string>() == "timer-fired");
        Assert.DoesNotContain((await Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!.Timeline, t => t.Kind == "reassigned");

        _clock.Advance(TimeSpan.FromHours(1));
        var lead = await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "reassigned") && l.Timeline.Any(t => t.Kind == "supervisor-alerted"),
            "the deadline should escalate the lead");
        Assert.NotEqual(first.ConsultantId, lead.AssignedConsultantId);
        var moved = await Eventually.Get(async () => (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?consultantId={lead.AssignedConsultantId}"))!
            .SingleOrDefault(t => t.Id == first.Id), t => t is not null, because: "the open task should move with the lead");
        Assert.Equal("first-contact", moved!.Kind);
        Assert.DoesNotContain((await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?consultantId={first.ConsultantId}"))!, t => t.LeadId == leadId);
    }

    [Fact]
    public async Task Should_move_the_open_task_when_a_manager_reassigns_the_lead_and_record_the_call_for_the_new_consultant()
    {
        var leadId = await NewLeadAsync();
        var first = await OpenTaskAsync(leadId, "first-contact");

        (await Client.PostAsJsonAsync($"/api/assignments/{leadId}/reassign", new { reason = "on leave", by = "Supervisor Liu" })).EnsureSuccessStatusCode();

        var lead = await LeadAsync(leadId, l => l.AssignedConsultantId != first.ConsultantId, "the lead should move");
        var moved = await Eventually.Get(() => Client.GetFromJsonAsync<FlowTask>($"/api/tasks/{first.Id}")!,
            t => t!.ConsultantId == lead.AssignedConsultantId, because: "the open task should follow the lead");
        Assert.Equal(first.DueAt, moved!.DueAt);
        await CompleteAsync(moved, new { contact = "reached", answer = "declined" });
        await SmsAsync(leadId, "care");
    }

    [Fact]
    public async Task Should_refuse_an_outcome_that_misses_what_the_flow_needs_and_a_task_completed_twice()
    {
        var leadId = await NewLeadAsync();
        var first = await OpenTaskAsync(leadId, "first-contact");
        var mine = (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?consultantId={first.ConsultantId}"))!;
        Assert.Equal(mine.OrderBy(t => t.DueAt).Select(t => t.Id), mine.Select(t => t.Id));
        Assert.Contains(mine, t => t.Id == first.Id);

        async Task<string> RefusedAsync(object body)
        {
            var response = await Client.PostAsJsonAsync($"/api/tasks/{first.Id}/complete", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return string.Join(",", (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        }
        Assert.Equal("contact", await RefusedAsync(new { contact = "maybe" }));
        Assert.Equal("answer", await RefusedAsync(new { contact = "reached" }));
        Assert.Equal("visitAt", await RefusedAsync(new { contact = "reached", answer = "accepted" }));
        Assert.Equal("callbackAt", await RefusedAsync(new { contact = "reached", answer = "callback", callbackAt = _clock.GetUtcNow().AddHours(-1) }));

        await CompleteAsync(first, new { contact = "wrong-number" });
        var again = await Client.PostAsJsonAsync($"/api/tasks/{first.Id}/complete", new { contact = "no-answer" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        // The lead's closing and its task's completion are two events that lead-intake may apply in either
        // order: the open tasks are read once the completion has been applied, not merely the closing.
        var lead = await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "closed") && l.Timeline.Any(t => t.Kind == "task-completed"),
            "a wrong number completes the task and closes the lead");
        Assert.Contains("lost: wrong-number", lead.Timeline.Single(t => t.Kind == "closed").Text);
        Assert.Empty(lead.OpenTasks);
    }

    [Fact]
    public async Task Should_list_no_open_task_when_the_lead_hears_of_its_completion_before_its_creation()
    {
        var leadId = await NewLeadAsync();
        await OpenTaskAsync(leadId, "first-contact");
        var bus = _app.Services.GetRequiredService<IBus>();
        var taskId = Guid.NewGuid();
        var now = _clock.GetUtcNow();

        // The workflow publishes the creation first, but a retried delivery can reach lead-intake after the completion.
        await bus.Publish(new ConsultantTaskCompleted(taskId, leadId, TestApp.DemoDealershipId, "reached", now.AddMinutes(5)));
        await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "task-completed"), "the completion should be applied");
        await bus.Publish(new ConsultantTaskCreated(taskId, leadId, TestApp.DemoDealershipId, Guid.NewGuid(), "callback", now.AddHours(5), now));
        var lead = await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "task-created" && t.Text.Contains("callback")), "the creation should be applied");

        Assert.DoesNotContain(lead.OpenTasks, t => t.Id == taskId);
    }

    [Fact]
    public async Task Should_promise_a_callback_and_open_the_callback_task_due_at_the_promised_time()
    {
        var leadId = await NewLeadAsync();
        var promised = _clock.GetUtcNow().AddHours(5);
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "reached", answer = "callback", callbackAt = promised });

        var callback = await OpenTaskAsync(leadId, "callback");
        Assert.Equal(promised, callback.DueAt);
        Assert.Equal("customer", Assert.Single(await SmsAsync(leadId, "callback-promise")).Recipient);

        await CompleteAsync(callback, new { contact = "reached", answer = "accepted", visitAt = TuesdayTen });
        await BookingAsync(leadId);
    }

    [Fact]
    public async Task Should_ask_the_consultant_to_call_a_customer_who_missed_the_visit()
    {
        var leadId = await NewLeadAsync();
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "reached", answer = "accepted", visitAt = TuesdayTen });
        await BookingAsync(leadId);
        await DayBeforeTimerSetAsync(leadId);

        _clock.SetUtcNow(Showroom.Local(2030, 1, 14, 10));
        await SmsAsync(leadId, "confirmation-request");
        _clock.SetUtcNow(Showroom.Local(2030, 1, 15, 10, 31));

        var missed = await OpenTaskAsync(leadId, "missed-visit");
        Assert.Contains("did not come", missed.Guidance.Why);
        var lead = await LeadAsync(leadId, l => l.Timeline.Any(t => t.Kind == "task-created" && t.Text.Contains("missed-visit")), "the timeline shows the new task");
        Assert.DoesNotContain(lead.Timeline, t => t.Kind == "closed");
    }

    [Fact]
    public async Task Should_ask_the_consultant_to_call_a_customer_who_cancelled_the_visit_by_sms_reply()
    {
        var leadId = await NewLeadAsync();
        await CompleteAsync(await OpenTaskAsync(leadId, "first-contact"), new { contact = "reached", answer = "accepted", visitAt = TuesdayTen });
        await BookingAsync(leadId);
        await DayBeforeTimerSetAsync(leadId);
        _clock.SetUtcNow(Showroom.Local(2030, 1, 14, 10));
        await SmsAsync(leadId, "confirmation-request");
        // A reply answers an SMS that reached the phone: until it is sent, the number has no conversation to answer.
        await Eventually.Get(() => SmsListAsync(leadId), l => l!.Any(s => s.Template == "confirmation-request" && s.Status == "delivered"),
            because: "the confirmation request should reach the customer");

        // "2" answers the confirmation request with a cancellation.
        var reply = await Client.PostAsJsonAsync("/api/sms/replies", new { phone = await _app.PhoneOfAsync(leadId), text = "2" });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);

        // The flow does not wait for a visit that will not happen: the consultant is asked to call, the lead is no longer booked.
        var call = await OpenTaskAsync(leadId, "missed-visit");
        Assert.Contains("cancelled", call.Guidance.Why);
        var lead = await LeadAsync(leadId, l => l.Stage == "assigned" && l.Timeline.Any(t => t.Kind == "appointment-cancelled"), "the cancellation should reach the lead");
        Assert.DoesNotContain(lead.Timeline, t => t.Kind == "closed");

        await CompleteAsync(call, new { contact = "reached", answer = "accepted", visitAt = Showroom.Local(2030, 1, 17, 15) });
        await Eventually.Get(() => Client.GetFromJsonAsync<List<BookingView>>($"/api/appointments?leadId={leadId}")!,
            b => b!.Any(x => x.StartsAt == Showroom.Local(2030, 1, 17, 15)), because: "the new time should be booked");
    }

    [Fact]
    public async Task Should_run_new_leads_on_a_version_published_while_the_service_runs_and_keep_running_leads_on_theirs()
    {
        var ops = _app.Operations();
        var before = await NewLeadAsync();
        var beforeTask = await OpenTaskAsync(before, "first-contact");

        var xml = await ops.GetStringAsync("/api/workflows/active-invitation/xml");
        var edited = xml.Replace("\"PT24H\"", "\"PT2H\"")
            // An extra branch: an undecided customer is offered the brochure before the follow-up.
            .Replace("<bpmn:sequenceFlow id=\"Flow_Gw_Answer_Timer_FollowUp\"", """
                <bpmn:sequenceFlow id="Flow_Brochure" sourceRef="Gw_Answer" targetRef="Task_Brochure"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">= answer = "undecided"</bpmn:conditionExpression></bpmn:sequenceFlow>
                <bpmn:serviceTask id="Task_Brochure" name="Offer the brochure"><bpmn:extensionElements><zeebe:taskDefinition type="publish-event" /><zeebe:taskHeaders><zeebe:header key="event" value="brochure-offered" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_Brochure_FollowUp" sourceRef="Task_Brochure" targetRef="Timer_FollowUp" />
                <bpmn:sequenceFlow id="Flow_Gw_Answer_Timer_FollowUp"
                """);
        Assert.NotEqual(xml, edited);
        await ops.PublishDiagramAsync("active-invitation", edited);

        var after = await NewLeadAsync();
        var afterTask = await OpenTaskAsync(after, "first-contact");
        Assert.Equal(TimeSpan.FromHours(2), afterTask.DueAt - _clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromHours(24), beforeTask.DueAt - beforeTask.CreatedAt);
        Assert.Equal(2, (await FlowOfAsync(after))["version"]!.GetValue<int>());
        Assert.Equal(1, (await FlowOfAsync(before))["version"]!.GetValue<int>());

        _clock.Advance(TimeSpan.FromHours(2));
        await LeadAsync(after, l => l.Timeline.Any(t => t.Kind == "reassigned"), "the 2-hour deadline should escalate the new lead");
        var running = (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{before}"))!;
        Assert.DoesNotContain(running.Timeline, t => t.Kind == "reassigned");

        var afterNow = await Eventually.Get(async () => (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={after}"))!.SingleOrDefault(),
            t => t is not null, because: "the moved task stays open");
        await CompleteAsync(afterNow!, new { contact = "reached", answer = "undecided" });
        await CompleteAsync(beforeTask, new { contact = "reached", answer = "undecided" });
        await LeadAsync(after, l => l.Timeline.Any(t => t.Kind == "flow-event" && t.Text.Contains("brochure-offered")), "the new branch runs for the new lead");
        await LeadAsync(before, l => l.Timeline.Any(t => t.Kind == "call-logged"), "the old lead's call is logged");
        var old = (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{before}"))!;
        Assert.DoesNotContain(old.Timeline, t => t.Kind == "flow-event" && t.Text.Contains("brochure-offered"));
    }
}
