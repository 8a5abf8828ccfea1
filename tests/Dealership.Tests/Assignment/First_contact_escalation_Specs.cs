using System.Net.Http.Json;
using Dealership.Contracts;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Assignment;

/// <summary>
/// A missed first contact escalates once, whoever raises it and in whatever order assignment and the
/// lead's flow hear of each other. The flow's timers fire only when a spec polls them, so each spec
/// chooses the interleaving it checks instead of hoping a background poll lands in it.
/// </summary>
public sealed class First_contact_escalation_Specs : IAsyncLifetime
{
    // Monday 2030-01-14, 09:00 in Shanghai: the roster is at work.
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 14, 9));
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;
    private HttpClient Client => _app.Client;

    private const string OverdueQueue = "assignment-first-contact-overdue";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            configure: b => b.Services.AddSingleton<TimeProvider>(_clock),
            // Long enough that the background poll (once at start, nothing due then) never fires the deadline by itself.
            settings: ["--Workflow:Engine:TimerPollInterval=01:00:00"]);
        _app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumes);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<LeadView> LeadAsync(Guid id, Func<LeadView, bool> done, string because) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}"))!, done, because: because);

    private Task FireDueTimersAsync() => _app.Services.GetRequiredService<WorkflowTimerPoller>().RunPassAsync();

    private Task OverdueConsumedAsync(int times) =>
        Eventually.Get(() => Task.FromResult(_consumes.Count<FirstContactOverdue>(OverdueQueue)), n => n >= times,
            because: $"assignment should have taken {times} FirstContactOverdue message(s)");

    [Fact]
    public async Task Should_escalate_once_when_the_flow_raises_the_deadline_after_the_lead_was_already_escalated()
    {
        var id = await _app.PostLeadAsync("ONCE-1");
        var lead = await LeadAsync(id, l => l.OpenTasks.Count == 1, "the first-contact task should be open");
        var task = lead.OpenTasks[0];
        var missedBy = lead.AssignedConsultantId!.Value;
        _clock.Advance(TimeSpan.FromHours(25));

        // The deadline is raised before the flow's own timer has run (another replica's flow, a redelivery under
        // another id): the lead moves to a second consultant, and the flow hears of the move.
        await _app.Services.GetRequiredService<IBus>().Publish(
            new FirstContactOverdue(id, TestApp.DemoDealershipId, missedBy, task.Id, task.DueAt, _clock.GetUtcNow()));
        lead = await LeadAsync(id, l => l.Timeline.Any(t => t.Kind == "reassigned") && l.OpenTasks.Any(t => t.ConsultantId == l.AssignedConsultantId),
            "the lead and its open task should move");
        var movedTo = lead.AssignedConsultantId!.Value;
        Assert.NotEqual(missedBy, movedTo);

        // Now the flow's deadline fires for the same task, naming the consultant who holds it now.
        await FireDueTimersAsync();
        await OverdueConsumedAsync(2);

        var detail = await Client.GetFromJsonAsync<AssignmentDetailDto>($"/api/assignments/{id}");
        Assert.Equal(["assigned", "escalated"], detail!.History.Select(h => h.Action));
        Assert.Equal(movedTo, detail.Assignment.ConsultantId);
        Assert.Equal(0, (await Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{movedTo}"))!.MissedFirstContacts);
        Assert.Equal(1, (await Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{missedBy}"))!.MissedFirstContacts);
    }
}
