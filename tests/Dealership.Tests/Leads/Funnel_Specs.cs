using System.Net.Http.Json;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Leads;

/// <summary>
/// The month's funnel as lead-intake counts it from the other services' events: how far each lead got per source
/// channel, the first follow-up within 24 hours of the first assignment, and lost leads by reason.
/// </summary>
public sealed class Funnel_Specs : IAsyncLifetime
{
    // Monday 2030-01-14, 09:00 in Shanghai: the showroom is open.
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 14, 9));
    private TestApp _app = null!;

    public record FunnelRow(string Source, int Leads, int Reached, int Invited, int Booked, int Arrived);
    public record FirstFollowUpRow(Guid ConsultantId, string Name, int Assigned, int WithinDeadline, int Late, int Waiting);
    public record LostRow(string Reason, int Leads);
    public record FunnelView(FunnelRow Total, List<FunnelRow> BySource, List<FirstFollowUpRow> FirstFollowUp, List<LostRow> Lost);
    public record FlowTask(Guid Id, string Kind);
    public record TimelineEntry(string Kind);
    public record LeadView(Guid Id, List<TimelineEntry> Timeline);
    public record LeadSummary(Guid Id);
    public record LeadPage(int Total, List<LeadSummary> Items);

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            configure: b => b.Services.AddSingleton<TimeProvider>(_clock),
            settings: [.. WorkflowApi.Settings, "--Workflow:Engine:TimerPollInterval=00:00:00.050"]);
        await _app.WithoutQuietHoursAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client => _app.Client;

    private static string January => $"dealershipCode=DEMO01&from={Uri.EscapeDataString(Showroom.Local(2030, 1, 1, 0).ToString("O"))}&to={Uri.EscapeDataString(Showroom.Local(2030, 2, 1, 0).ToString("O"))}";

    private Task<FlowTask> FirstContactAsync(Guid leadId) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<List<FlowTask>>($"/api/tasks?leadId={leadId}"))!.SingleOrDefault(t => t.Kind == "first-contact"),
            t => t is not null, because: "the flow gives the consultant the first contact")!;

    private async Task CompleteAsync(Guid leadId, object outcome)
    {
        var task = await FirstContactAsync(leadId);
        var response = await Client.PostAsJsonAsync($"/api/tasks/{task.Id}/complete", outcome);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_count_how_far_each_source_s_leads_got_who_followed_up_within_24_hours_and_why_leads_were_lost()
    {
        var booked = await _app.PostLeadAsync("FUNNEL-1");
        var wrongNumber = await _app.PostLeadAsync("FUNNEL-2", source: "marketing-event");
        var late = await _app.PostLeadAsync("FUNNEL-3");
        await CompleteAsync(booked, new { contact = "reached", answer = "accepted", visitAt = Showroom.Local(2030, 1, 16, 10) });
        await CompleteAsync(wrongNumber, new { contact = "wrong-number" });
        await FirstContactAsync(late);

        // Before the 24 hours are over, the third lead's follow-up is neither on time nor late yet.
        var early = await Eventually.Get(() => Client.GetFromJsonAsync<FunnelView>($"/api/leads/funnel?{January}")!,
            f => f!.BySource.Sum(r => r.Booked) == 1 && f.Lost.Count == 1, because: "the booking and the closing reach lead-intake") ?? throw new InvalidOperationException();
        Assert.Equal((3, 2, 0, 1), (early.FirstFollowUp.Sum(r => r.Assigned), early.FirstFollowUp.Sum(r => r.WithinDeadline),
            early.FirstFollowUp.Sum(r => r.Late), early.FirstFollowUp.Sum(r => r.Waiting)));

        // A day and a minute later the supervisor has been alerted, and the consultant's first call comes late.
        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await Eventually.Get(() => Client.GetFromJsonAsync<LeadView>($"/api/leads/{late}")!, l => l!.Timeline.Any(t => t.Kind == "supervisor-alerted"),
            because: "the overdue first contact alerts the supervisor");
        await CompleteAsync(late, new { contact = "no-answer" });

        var funnel = await Eventually.Get(() => Client.GetFromJsonAsync<FunnelView>($"/api/leads/funnel?{January}")!,
            f => f!.FirstFollowUp.Sum(r => r.Late) == 1, because: "the late call reaches lead-intake") ?? throw new InvalidOperationException();
        Assert.Equal(new FunnelRow("", 3, 1, 1, 1, 0), funnel.Total);
        Assert.Equal([new FunnelRow("marketing-event", 1, 0, 0, 0, 0), new FunnelRow("oem", 2, 1, 1, 1, 0)], funnel.BySource);
        Assert.Equal((3, 2, 1, 0), (funnel.FirstFollowUp.Sum(r => r.Assigned), funnel.FirstFollowUp.Sum(r => r.WithinDeadline),
            funnel.FirstFollowUp.Sum(r => r.Late), funnel.FirstFollowUp.Sum(r => r.Waiting)));
        Assert.Equal([new LostRow("wrong-number", 1)], funnel.Lost);

        // Leads of another month are not counted in January's.
        var december = await Client.GetFromJsonAsync<FunnelView>(
            $"/api/leads/funnel?dealershipCode=DEMO01&from={Uri.EscapeDataString(Showroom.Local(2029, 12, 1, 0).ToString("O"))}&to={Uri.EscapeDataString(Showroom.Local(2030, 1, 1, 0).ToString("O"))}");
        Assert.Equal(0, december!.Total.Leads);

        // The funnel's drill-down: the leads that got at least as far as a booking.
        var page = await Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&reached=booked");
        Assert.Equal([booked], page!.Items.Select(l => l.Id));
        var reached = await Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&reached=reached");
        Assert.Equal(1, reached!.Total);
    }
}
