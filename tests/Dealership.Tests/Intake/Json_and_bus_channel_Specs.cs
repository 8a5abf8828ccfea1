using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dealership.Contracts;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Intake;

public sealed class Json_and_bus_channel_Specs : IAsyncLifetime
{
    private readonly ConsumeCounter _consumes = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumes);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Should_answer_each_lead_of_a_batch_in_its_own_row()
    {
        using var oem = _app.KeyClient();
        var response = await oem.PostAsJsonAsync("/api/leads", new object[]
        {
            new { dealershipCode = "DEMO01", source = "dealership", externalId = "WEB-1", name = "孙丽", phone = "13700001111" },
            new { dealershipCode = "DEMO01", source = "dealership", externalId = "WEB-1", name = "孙丽", phone = "13700001111" },
            new { dealershipCode = "DEMO01", source = "dealership", externalId = "WEB-2", phone = "not a number" },
            new { dealershipCode = "OTHER9", source = "dealership", externalId = "WEB-3", name = "周杰" },
            new { dealershipCode = "DEMO01", source = "other", channelName = "Autohome", externalId = "AH-77", name = "吴刚", phone = "13700002222" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = (await response.Content.ReadFromJsonAsync<List<ItemResult>>())!;
        Assert.Equal(["accepted", "duplicate", "rejected", "forbidden", "accepted"], rows.Select(r => r.Outcome));
        Assert.Equal(rows[0].LeadId, rows[1].LeadId);
        Assert.Contains("phone", rows[2].Errors!.Keys);
        Assert.NotNull(rows[2].RejectionId);
        var other = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{rows[4].LeadId}");
        Assert.Equal("other", other!.Source);
        Assert.Equal("Autohome", other.SourceDetail);
    }

    [Fact]
    public async Task Should_refuse_a_batch_of_more_than_500_and_a_body_over_the_limit()
    {
        var tooMany = Enumerable.Range(0, 501).Select(i => new { dealershipCode = "DEMO01", source = "oem", externalId = $"B-{i}", name = "x" }).ToArray();
        var batch = await _app.Client.PostAsJsonAsync("/api/leads", tooMany);
        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);

        var huge = new { dealershipCode = "DEMO01", source = "oem", externalId = "BIG-1", name = "x", note = new string('x', 70_000) };
        var oversized = await _app.Client.PostAsJsonAsync("/api/leads", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);

        var beyondBatchLimit = new StringContent("[" + string.Join(",", Enumerable.Repeat("\"" + new string('x', 10_000) + "\"", 300)) + "]", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await _app.Client.PostAsync("/api/leads", beyondBatchLimit)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Should_take_in_a_lead_an_oem_publishes_with_the_SubmitLead_contract()
    {
        var bus = _app.Services.GetRequiredService<IBus>();
        await bus.Publish(new SubmitLead("DEMO01", "oem", "SVW-90001", "郑爽", "13600003333", null, "Lavida", DateTimeOffset.UtcNow,
            SmsConsent: true, PhoneConsent: true, ConsentSource: "SVW app"));

        var page = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&source=oem")!,
            p => p!.Items.Any(i => i.Name == "郑爽"));
        var lead = page!.Items.Single(i => i.Name == "郑爽");
        Assert.Equal("+86136****3333", lead.MaskedPhone);
        var consent = await _app.Client.GetFromJsonAsync<CustomerConsent>("/api/consents?dealershipCode=DEMO01&phone=13600003333");
        Assert.All(consent!.Current, c => Assert.True(c.Granted));
        Assert.Equal(["phone", "sms"], consent.Current.Select(c => c.Channel));
        Assert.All(consent.Current, c => Assert.Equal("SVW app", c.Source));
    }

    [Fact]
    public async Task Should_reject_an_unusable_SubmitLead_with_every_reason_and_keep_it_for_a_person()
    {
        var bus = _app.Services.GetRequiredService<IBus>();
        await bus.Publish(new SubmitLead("DEMO01", "fax", "SVW-90002", null, "12", null, null, DateTimeOffset.UtcNow));

        var rejected = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<RejectionSummary>>("/api/leads/rejected?dealershipCode=DEMO01")!,
            list => list!.Any(r => r.ExternalId == "SVW-90002"));
        var row = rejected!.Single(r => r.ExternalId == "SVW-90002");
        Assert.Equal("bus", row.Channel);
        Assert.Contains(row.Reasons, r => r.StartsWith("source:"));
        Assert.Contains(row.Reasons, r => r.StartsWith("phone:"));
        var detail = await _app.Client.GetFromJsonAsync<RejectionView>($"/api/leads/rejected/{row.Id}");
        Assert.Contains("SVW-90002", detail!.RawPayload);
    }

    [Fact]
    public async Task Should_create_one_lead_when_two_copies_arrive_on_the_bus_at_the_same_moment()
    {
        var bus = _app.Services.GetRequiredService<IBus>();
        var lead = new SubmitLead("DEMO01", "oem", "SVW-90003", "冯巩", "13600004444", null, null, DateTimeOffset.UtcNow);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => bus.Publish(lead)));

        // Every copy consumed before counting: each has had its chance to make a lead.
        await Eventually.Get(() => Task.FromResult(_consumes.Count<SubmitLead>("lead-intake-submit-lead")), n => n >= 6,
            because: "lead intake should take all six copies");
        var page = await _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&source=oem");
        Assert.Single(page!.Items, i => i.Name == "冯巩");
    }

    [Fact]
    public async Task Should_fix_and_resubmit_a_rejected_lead()
    {
        var bad = await _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", source = "oem", externalId = "FIX-1", name = "韩梅", phone = "1390000" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var rejection = (await _app.Client.GetFromJsonAsync<List<RejectionSummary>>("/api/leads/rejected?dealershipCode=DEMO01"))!.Single(r => r.ExternalId == "FIX-1");

        var fixedLead = await _app.Client.PostAsJsonAsync($"/api/leads/rejected/{rejection.Id}/resubmit",
            new { dealershipCode = "DEMO01", source = "oem", externalId = "FIX-1", name = "韩梅", phone = "13900001234" });

        Assert.Equal(HttpStatusCode.Created, fixedLead.StatusCode);
        var leadId = (await fixedLead.Content.ReadFromJsonAsync<SubmitResult>())!.Id;
        var after = await _app.Client.GetFromJsonAsync<RejectionView>($"/api/leads/rejected/{rejection.Id}");
        Assert.Equal("resubmitted", after!.Status);
        Assert.Equal(leadId, after.ResubmittedAsLeadId);
        Assert.DoesNotContain((await _app.Client.GetFromJsonAsync<List<RejectionSummary>>("/api/leads/rejected?dealershipCode=DEMO01"))!, r => r.Id == rejection.Id);
    }

    [Fact]
    public async Task Should_take_in_calls_logged_by_reception_and_contacts_added_by_consultants()
    {
        using var reception = await _app.SignInAsync("reception");
        using var consultant = await _app.SignInAsync("wangfang");
        // A name in the body is not believed: the person signed in took the call.
        var call = await reception.PostAsJsonAsync("/api/leads/inbound-calls",
            new { dealershipCode = "DEMO01", phone = "021 6234 5678", name = "钱先生", question = "途观L 有没有现车?", loggedBy = "someone else", callId = "PBX-555" });
        var own = await consultant.PostAsJsonAsync("/api/leads/own-contacts",
            new { dealershipCode = "DEMO01", name = "老同学 赵", phone = "13511112222", smsConsent = true });

        Assert.Equal(HttpStatusCode.Created, call.StatusCode);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        var callLead = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{(await call.Content.ReadFromJsonAsync<SubmitResult>())!.Id}");
        Assert.Equal("inbound-call", callLead!.Source);
        Assert.Equal("+862162345678", callLead.Phone);
        Assert.Equal("途观L 有没有现车?", Assert.Single(callLead.Enquiries).Note);
        var callConsent = await _app.Client.GetFromJsonAsync<CustomerConsent>("/api/consents?dealershipCode=DEMO01&phone=02162345678");
        Assert.True(Assert.Single(callConsent!.Current).Granted);
        Assert.Contains("赵敏 (前台)", callConsent.Current[0].Source);
        Assert.DoesNotContain("someone else", callConsent.Current[0].Source);
        var ownLead = await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{(await own.Content.ReadFromJsonAsync<SubmitResult>())!.Id}");
        Assert.Equal("consultant-own", ownLead!.Source);

        var again = await _app.Client.PostAsJsonAsync("/api/leads/inbound-calls", new { dealershipCode = "DEMO01", phone = "021 6234 5678", callId = "PBX-555" });
        Assert.Equal("duplicate", (await again.Content.ReadFromJsonAsync<SubmitResult>())!.Outcome);
    }

    [Fact]
    public async Task Should_give_a_consultant_s_own_contacts_to_that_consultant_not_to_the_routing_rules()
    {
        var wangfang = Guid.Parse("0c0a0000-0000-4000-8000-000000000001");
        using var consultant = await _app.SignInAsync("wangfang");
        var ids = new List<Guid>();
        // Round robin would spread three leads over the three consultants.
        for (var i = 0; i < 3; i++)
        {
            var own = await consultant.PostAsJsonAsync("/api/leads/own-contacts", new { dealershipCode = "DEMO01", name = $"朋友{i}", phone = $"1351111300{i}" });
            Assert.Equal(HttpStatusCode.Created, own.StatusCode);
            ids.Add((await own.Content.ReadFromJsonAsync<SubmitResult>())!.Id);
        }
        foreach (var id in ids)
        {
            var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{id}")!, l => l!.AssignedConsultantId is not null,
                because: "the own contact is assigned");
            Assert.Equal(wangfang, lead!.AssignedConsultantId);
            Assert.Contains("own contact", lead.Timeline.Single(t => t.Kind == "assigned").Text);
        }
        // A receptionist's inbound call is the routing rules' to give.
        using var reception = await _app.SignInAsync("reception");
        var call = await reception.PostAsJsonAsync("/api/leads/inbound-calls", new { dealershipCode = "DEMO01", phone = "13511113100" });
        var callId = (await call.Content.ReadFromJsonAsync<SubmitResult>())!.Id;
        var routed = await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{callId}")!, l => l!.AssignedConsultantId is not null,
            because: "the call's lead is assigned");
        Assert.DoesNotContain("own contact", routed!.Timeline.Single(t => t.Kind == "assigned").Text);
    }

    [Fact]
    public async Task Should_list_leads_filtered_and_paged_with_phone_numbers_masked()
    {
        for (var i = 0; i < 5; i++)
            await _app.PostLeadAsync($"LIST-{i}", name: $"客户{i}", phone: $"1350000100{i}", source: i % 2 == 0 ? "walk-in" : "dealership");

        var walkIns = await _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&source=walk-in&pageSize=2");
        Assert.Equal(3, walkIns!.Total);
        Assert.Equal(2, walkIns.Items.Count);
        Assert.All(walkIns.Items, i => Assert.Matches(@"^\+86135\*{4}100\d$", i.MaskedPhone));
        var second = await _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&source=walk-in&pageSize=2&page=2");
        Assert.Single(second!.Items);
        Assert.Empty(walkIns.Items.Select(i => i.Id).Intersect(second.Items.Select(i => i.Id)));

        var assigned = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadPage>("/api/leads?dealershipCode=DEMO01&stage=assigned&pageSize=200")!,
            p => p!.Total >= 5);
        var consultant = assigned!.Items.First().AssignedConsultantId;
        var mine = await _app.Client.GetFromJsonAsync<LeadPage>($"/api/leads?dealershipCode=DEMO01&consultantId={consultant}&pageSize=200");
        Assert.All(mine!.Items, i => Assert.Equal(consultant, i.AssignedConsultantId));
        var future = await _app.Client.GetFromJsonAsync<LeadPage>($"/api/leads?dealershipCode=DEMO01&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}");
        Assert.Equal(0, future!.Total);
        using var manager = await _app.SignInAsync("manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/leads?dealershipCode=OTHER9")).StatusCode);
    }
}
