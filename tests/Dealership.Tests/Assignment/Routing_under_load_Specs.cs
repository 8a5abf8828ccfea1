using System.Net.Http.Json;
using Dealership.Assignment;
using Dealership.Assignment.Routing;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Assignment;

/// <summary>
/// Many leads at once through the bus, which runs the consumers concurrently against one SQLite
/// file: caps hold, turns stay fair, and a roster edited meanwhile loses or doubles nothing.
/// </summary>
public sealed class Routing_under_load_Specs : IAsyncLifetime
{
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        // Assignment alone: the leads published here exist only for it, and it learns of the dealership as it would from the identity service.
        _app = await TestApp.StartAsync(settings: ["--services=assignment", "--Messaging:RetryLimit=5"]);
        _app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumes);
        await _app.Services.GetRequiredService<IBus>().Publish(new DealershipChanged(
            TestApp.DemoDealershipId, "DEMO01", "演示汽车上海店", "Demo Motors Shanghai", "Asia/Shanghai", "CN", null, true, 1, DateTimeOffset.UtcNow));
        await Eventually.Get(async () =>
        {
            using var scope = _app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<AssignmentDbContext>().Settings.AnyAsync(s => s.DealershipId == TestApp.DemoDealershipId);
        }, known => known, because: "assignment should learn of DEMO01");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static LeadAccepted Lead(int i) =>
        new(NewId.NextGuid(), TestApp.DemoDealershipId, "DEMO01", "oem", $"LOAD-{i}-{Guid.NewGuid():N}", $"客户{i}", $"+86138000{i:D5}", DateTimeOffset.UtcNow);

    private async Task PublishAtOnceAsync(IEnumerable<LeadAccepted> leads)
    {
        var bus = _app.Services.GetRequiredService<IBus>();
        await Task.WhenAll(leads.Select(l => bus.Publish(l)));
    }

    private async Task SetCapAsync(Guid consultantId, string name, string phone, int cap) =>
        (await _app.Client.PutAsJsonAsync($"/api/consultants/{consultantId}", DemoRoster.Body(name, phone, maxOpenLeads: cap))).EnsureSuccessStatusCode();

    private async Task<List<LeadAssignment>> RoutedAsync(int expected)
    {
        return await Eventually.Get(async () =>
        {
            using var scope = _app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<AssignmentDbContext>().Assignments.AsNoTracking().ToListAsync();
        }, rows => rows.Count >= expected, TimeSpan.FromSeconds(60), because: $"{expected} leads should be routed");
    }

    private async Task<Dictionary<Guid, int>> OpenLeadsAsync()
    {
        using var scope = _app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AssignmentDbContext>().Consultants.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.OpenLeads);
    }

    [Fact]
    public async Task Should_never_push_a_consultant_over_the_cap_when_many_leads_arrive_at_once()
    {
        await SetCapAsync(DemoRoster.WangFang, "王芳 Wang Fang", "+8613800138001", 3);
        await SetCapAsync(DemoRoster.LiQiang, "李强 Li Qiang", "+8613800138002", 3);
        await SetCapAsync(DemoRoster.ZhangWei, "张伟 Zhang Wei", "+8613800138003", 3);

        await PublishAtOnceAsync(Enumerable.Range(0, 30).Select(Lead));

        var rows = await RoutedAsync(30);
        var held = rows.Where(r => r.State == AssignmentState.Assigned).GroupBy(r => r.ConsultantId!.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, held.Count);
        Assert.All(held.Values, n => Assert.Equal(3, n));
        Assert.Equal(21, rows.Count(r => r.State == AssignmentState.SupervisorQueue));
        Assert.All(rows.Where(r => r.State == AssignmentState.SupervisorQueue), r => Assert.Contains("at cap 3/3", r.Reason));
        var open = await OpenLeadsAsync();
        Assert.All(DemoRoster.All, id => Assert.Equal(held[id], open[id]));
    }

    [Fact]
    public async Task Should_share_leads_evenly_in_turn_when_many_arrive_at_once()
    {
        await PublishAtOnceAsync(Enumerable.Range(0, 30).Select(Lead));

        var rows = await RoutedAsync(30);

        Assert.All(rows, r => Assert.Equal(AssignmentState.Assigned, r.State));
        Assert.Equal([10, 10, 10], rows.GroupBy(r => r.ConsultantId).Select(g => g.Count()));
    }

    [Fact]
    public async Task Should_lose_or_double_no_lead_when_the_roster_changes_while_leads_are_routed()
    {
        var leads = Enumerable.Range(0, 40).Select(Lead).ToList();
        // Wang Fang's cap never rises above 15 during the run, so holding more than 15 can only be a
        // decision that read a stale roster. (Lowering a cap below what she already holds takes no lead away.)
        await SetCapAsync(DemoRoster.WangFang, "王芳 Wang Fang", "+8613800138001", 15);
        var publishing = PublishAtOnceAsync(leads);
        // Meanwhile a supervisor flips Zhang Wei's switch and moves Wang Fang's cap.
        for (var i = 0; i < 6; i++)
        {
            (await _app.Client.PutAsJsonAsync($"/api/consultants/{DemoRoster.ZhangWei}/on-duty", new { onDuty = i % 2 == 1 })).EnsureSuccessStatusCode();
            await SetCapAsync(DemoRoster.WangFang, "王芳 Wang Fang", "+8613800138001", i % 2 == 0 ? 14 : 15);
        }
        await publishing;

        var rows = await RoutedAsync(40);
        Assert.Equal(40, rows.Count);
        Assert.Equal(leads.Select(l => l.LeadId).Order(), rows.Select(r => r.LeadId).Order());
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AssignmentDbContext>();
        // One decision per lead on the audit trail, and every consultant's count matches the leads held.
        Assert.All(await db.Audit.GroupBy(a => a.LeadId).Select(g => g.Count()).ToListAsync(), n => Assert.Equal(1, n));
        var open = await OpenLeadsAsync();
        Assert.All(DemoRoster.All, id => Assert.Equal(rows.Count(r => r.ConsultantId == id && r.State == AssignmentState.Assigned), open[id]));
        Assert.True(open[DemoRoster.WangFang] <= 15, $"Wang Fang holds {open[DemoRoster.WangFang]} leads, over the highest cap she had during the run (15)");
    }

    [Fact]
    public async Task Should_assign_once_when_copies_of_a_lead_are_delivered_at_the_same_time()
    {
        var lead = Lead(1);
        var messageId = NewId.NextGuid();
        var bus = _app.Services.GetRequiredService<IBus>();
        // The same message five times (a redelivery), and once more under a new message id (a re-publish).
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => bus.Publish(lead, ctx => ctx.MessageId = messageId)).Append(bus.Publish(lead)));

        // All six consumed: each copy has had its chance to route the lead again.
        await Eventually.Get(() => Task.FromResult(_consumes.Count<LeadAccepted>("assignment-lead-accepted")), n => n >= 6,
            because: "assignment should take all six copies");
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AssignmentDbContext>();
        Assert.Equal(1, await db.Assignments.CountAsync());
        Assert.Equal(1, await db.Audit.CountAsync());
        Assert.Equal(1, (await OpenLeadsAsync()).Values.Sum());
    }
}
