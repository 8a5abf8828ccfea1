using System.Net;
using System.Net.Http.Json;
using Dealership.Tests.Support;

namespace Dealership.Tests.Assignment;

/// <summary>
/// A consultant's cap (most open leads at once) holds for leads a person hands out, not only for
/// routed ones: a pool claim and a manager's move to a named consultant both stop at the cap.
/// </summary>
public sealed class When_a_consultant_is_at_the_cap : IAsyncLifetime
{
    private record Problem(int Status, string Title, string Detail);

    private TestApp _app = null!;
    private HttpClient Client => _app.Client;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        (await Client.PutAsJsonAsync("/api/routing-rules?dealershipCode=DEMO01",
            new { rules = new[] { new { name = "OEM leads to the pool", sources = new[] { "oem" }, steps = new[] { "pool" } } } })).EnsureSuccessStatusCode();
        (await Client.PutAsJsonAsync($"/api/consultants/{DemoRoster.WangFang}", DemoRoster.Body("王芳 Wang Fang", "+8613800138001", maxOpenLeads: 1)))
            .EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<Guid> PooledLeadAsync(string externalId, string phone)
    {
        var response = await Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", name = "陈先生", phone, source = "oem", externalId });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<SubmittedLead>())!.Id;
        await LeadAsync(id, l => l.Timeline.Any(t => t.Kind == "pooled"), "the lead should be in the open pool");
        return id;
    }

    private Task<LeadView> LeadAsync(Guid id, Func<LeadView, bool> done, string because) =>
        Eventually.Get(async () => (await Client.GetFromJsonAsync<LeadView>($"/api/leads/{id}"))!, done, because: because);

    private async Task<Guid> WangFangAtTheCapAsync()
    {
        var held = await PooledLeadAsync("CAP-HELD", "13912345001");
        (await Client.PostAsJsonAsync($"/api/assignments/{held}/claim", new { consultantId = DemoRoster.WangFang })).EnsureSuccessStatusCode();
        var wang = await Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{DemoRoster.WangFang}");
        Assert.Equal((1, 1), (wang!.OpenLeads, wang.MaxOpenLeads));
        return held;
    }

    [Fact]
    public async Task Should_refuse_a_pool_claim_by_a_consultant_at_the_cap_and_leave_the_lead_in_the_pool()
    {
        await WangFangAtTheCapAsync();
        var id = await PooledLeadAsync("CAP-CLAIM", "13912345002");

        var response = await Client.PostAsJsonAsync($"/api/assignments/{id}/claim", new { consultantId = DemoRoster.WangFang });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<Problem>())!;
        Assert.Equal("At cap", problem.Title);
        Assert.Contains("王芳 Wang Fang", problem.Detail);
        Assert.Contains("cap of 1", problem.Detail);
        var pool = await Client.GetFromJsonAsync<List<AssignmentDto>>($"/api/assignments?dealershipCode=DEMO01&state=pooled");
        Assert.Contains(pool!, a => a.LeadId == id);
        Assert.Equal(1, (await Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{DemoRoster.WangFang}"))!.OpenLeads);

        // Under the cap again, the same claim goes through: the refusal was the cap, not the lead.
        (await Client.PutAsJsonAsync($"/api/consultants/{DemoRoster.WangFang}", DemoRoster.Body("王芳 Wang Fang", "+8613800138001", maxOpenLeads: 2)))
            .EnsureSuccessStatusCode();
        (await Client.PostAsJsonAsync($"/api/assignments/{id}/claim", new { consultantId = DemoRoster.WangFang })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Should_skip_a_manual_reassignment_to_a_consultant_at_the_cap_and_leave_the_lead_where_it_was()
    {
        await WangFangAtTheCapAsync();
        var id = await PooledLeadAsync("CAP-MOVE", "13912345003");
        (await Client.PostAsJsonAsync($"/api/assignments/{id}/claim", new { consultantId = DemoRoster.LiQiang })).EnsureSuccessStatusCode();

        var one = await Client.PostAsJsonAsync($"/api/assignments/{id}/reassign", new { consultantId = DemoRoster.WangFang, reason = "Wang Fang knows the customer" });
        var many = await Client.PostAsJsonAsync("/api/assignments/reassign",
            new { dealershipCode = "DEMO01", leadIds = new[] { id }, consultantId = DemoRoster.WangFang });

        foreach (var result in new[] { (await one.Content.ReadFromJsonAsync<ReassignmentDto>())!, Assert.Single((await many.Content.ReadFromJsonAsync<List<ReassignmentDto>>())!) })
        {
            Assert.Equal("skipped", result.Outcome);
            Assert.Equal(DemoRoster.LiQiang, result.ConsultantId);
            Assert.Contains("王芳 Wang Fang is at the cap", result.Reason);
        }
        var detail = await Client.GetFromJsonAsync<AssignmentDetailDto>($"/api/assignments/{id}");
        Assert.Equal(DemoRoster.LiQiang, detail!.Assignment.ConsultantId);
        Assert.DoesNotContain(detail.History, h => h.ToConsultantId == DemoRoster.WangFang);
        Assert.Equal(1, (await Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{DemoRoster.WangFang}"))!.OpenLeads);
        Assert.Equal(1, (await Client.GetFromJsonAsync<ConsultantDto>($"/api/consultants/{DemoRoster.LiQiang}"))!.OpenLeads);
    }
}
