using System.Net.Http.Json;
using Dealership.Contracts;
using Dealership.Tests.Assignment;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Messaging;

/// <summary>
/// Three services keep the lead's consultant from assignment's events: lead-intake for the lead view, appointment for
/// whom a visit is booked with, invitation-workflow for whose tasks they are. A broker redelivery or a slower replica can
/// bring an older LeadAssigned after the LeadReassigned that replaced it; the latest assignment must still win in each.
/// </summary>
public sealed class When_an_older_assignment_is_consumed_after_a_newer_one : IAsyncLifetime
{
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;
    private HttpClient Client => _app.Client;
    private IBus Bus => _app.Services.GetRequiredService<IBus>();

    private sealed record FlowTask(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, DateTimeOffset? CompletedAt);
    private sealed record Booking(Guid Id, Guid? ConsultantId);

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        Bus.ConnectConsumeObserver(_consumes);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<LeadView> LeadAsync(Guid id, Func<LeadView, bool> done, string because) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}"))!, done, because: because);

    [Fact]
    public async Task Should_follow_the_latest_assignment_when_an_older_one_is_consumed_after_it()
    {
        var posted = await Client.PostAsJsonAsync("/api/leads", new
        {
            dealershipCode = "DEMO01", source = "oem", externalId = "ORDER-1", name = "钱先生", phone = "13811119101",
            consent = new { sms = true, phone = true, source = "SVW website form" },
        });
        posted.EnsureSuccessStatusCode();
        var id = (await posted.Content.ReadFromJsonAsync<SubmitResult>())!.Id;
        var assigned = await LeadAsync(id, l => l.AssignedConsultantId is not null && l.OpenTasks.Count == 1, "the lead should be assigned with its first-contact task");
        var first = assigned.AssignedConsultantId!.Value;
        var other = DemoRoster.All.First(c => c != first);

        (await Client.PostAsJsonAsync($"/api/assignments/{id}/reassign", new { consultantId = other, reason = "the customer asked for another consultant" }))
            .EnsureSuccessStatusCode();
        await LeadAsync(id, l => l.AssignedConsultantId == other && l.OpenTasks.All(t => t.ConsultantId == other), "the lead and its task should move");

        // The first assignment once more, as a redelivery or a replica that was slower would bring it.
        var original = assigned.Timeline.Single(t => t.Kind == "assigned");
        var messageId = NewId.NextGuid();
        await Bus.Publish(new LeadAssigned(id, TestApp.DemoDealershipId, first, assigned.AssignedConsultantName!, "13900000001", "round robin", original.At),
            c => c.MessageId = messageId);
        foreach (var queue in new[] { "lead-intake-lead-timeline", "appointment-lead-consultant", "invitation-workflow-lead-assigned" })
            await Eventually.Get(() => Task.FromResult(_consumes.Count(messageId, queue)), n => n == 1, because: $"{queue} should take the older assignment");

        var lead = (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}"))!;
        var tasks = (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={id}"))!;
        var visit = await Client.PostAsJsonAsync("/api/appointments", new { leadId = id, startsAt = Showroom.Slot(DateTimeOffset.UtcNow, days: 3), purpose = "visit" });
        visit.EnsureSuccessStatusCode();
        var booking = (await visit.Content.ReadFromJsonAsync<Booking>())!;
        Assert.Multiple(
            () => Assert.Equal(other, lead.AssignedConsultantId),
            () => Assert.Equal(other, booking.ConsultantId),
            () => Assert.All(tasks.Where(t => t.CompletedAt is null), t => Assert.Equal(other, t.ConsultantId)),
            () => Assert.Equal(2, lead.Timeline.Count(t => t.Kind == "assigned")));
    }
}
