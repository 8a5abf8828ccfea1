using System.Collections.Concurrent;
using System.Net.Http.Json;
using Dealership.Contracts;
using Dealership.LeadIntake.Leads;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Leads;

/// <summary>
/// The consoles' cue that leads' views changed: once per dealership for the changes of a moment, and never missing
/// the last change (ADR 0536).
/// </summary>
public sealed class Lead_view_cues_Specs : IAsyncLifetime
{
    private TestApp _app = null!;
    private readonly CuesHeard _heard = new();

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_heard);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Should_tell_a_dealership_s_many_changes_of_a_moment_in_a_cue_or_two_and_a_change_after_them_too()
    {
        var cues = _app.Services.GetRequiredService<LeadViewCues>();
        var (busy, quiet, late) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        for (var i = 0; i < 100; i++)
            cues.Changed(busy);
        cues.Changed(quiet);
        await Eventually.Get(() => Task.FromResult((_heard.Of(busy), _heard.Of(quiet))), n => n.Item1 > 0 && n.Item2 > 0,
            because: "both dealerships' consoles should hear that their leads changed");
        // Told while the cue for the ones before may still be spacing out: it waits for the next, it is not lost.
        cues.Changed(late);
        await Eventually.Get(() => Task.FromResult(_heard.Of(late)), n => n == 1, because: "a change after the others should be told as well");

        Assert.InRange(_heard.Of(busy), 1, 3);
        Assert.Equal(1, _heard.Of(quiet));
    }

    [Fact]
    public async Task Should_tell_the_consoles_when_a_lead_s_view_changed()
    {
        var before = _heard.Of(TestApp.DemoDealershipId);
        var leadId = await _app.PostLeadAsync("OEM-CUE-1");
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.Timeline.Any(t => t.Kind == "sms-sent"), because: "the lead should be assigned, tasked and notified");

        await Eventually.Get(() => Task.FromResult(_heard.Of(TestApp.DemoDealershipId)), n => n > before,
            because: "the consoles showing the dealership's leads should be told to read them again");
    }

    private sealed class CuesHeard : IConsumeObserver
    {
        private readonly ConcurrentDictionary<Guid, int> _heard = new();

        public int Of(Guid dealershipId) => _heard.GetValueOrDefault(dealershipId);

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is LeadViewsChanged cue)
                _heard.AddOrUpdate(cue.DealershipId, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
