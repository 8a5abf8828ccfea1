using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.LeadIntake;
using Dealership.LeadIntake.Intake;
using Dealership.LeadIntake.Leads;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Tests.Intake;

public sealed class Deduplication_and_consent_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<SubmitResult> PostAsync(object lead)
    {
        var response = await _app.Client.PostAsJsonAsync("/api/leads", lead);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SubmitResult>())!;
    }

    [Fact]
    public async Task Should_merge_a_new_enquiry_from_the_same_phone_into_the_open_lead_without_a_second_assignment()
    {
        var first = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "M-1", name = "蒋先生", phone = "13811110001", vehicleOfInterest = "Lavida" });
        // Assigned, and the consultant alerted: the two arrive on different queues, in either order.
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}")!,
            l => l!.Timeline.Any(t => t.Kind == "assigned") && l.Timeline.Any(t => t.Kind == "sms-sent"));

        var second = await PostAsync(new { dealershipCode = "DEMO01", source = "marketing-event", campaign = "双十一", externalId = "M-2", name = "蒋先生", phone = "+86 138 1111 0001", vehicleOfInterest = "Tiguan L" });

        Assert.Equal("merged", second.Outcome);
        Assert.Equal(first.Id, second.Id);
        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}")!, l => l!.Timeline.Any(t => t.Kind == "enquiry-merged"));
        Assert.Equal(["oem", "marketing-event"], lead!.Enquiries.Select(e => e.Source));
        Assert.Equal("Tiguan L", lead.Enquiries[1].VehicleOfInterest);
        // What the merge committed to announce, before it answered: no second LeadAccepted, the one message that
        // would start an assignment, a flow and its SMS.
        using (var scope = _app.Services.CreateScope())
        {
            var leadId = first.Id.ToString();
            var announced = await scope.ServiceProvider.GetRequiredService<LeadIntakeDbContext>().OutboxMessages.AsNoTracking()
                .Where(m => m.Body.Contains(leadId)).Select(m => m.MessageType).ToListAsync();
            Assert.Equal(1, announced.Count(t => t == typeof(LeadAccepted).FullName));
            Assert.Equal(1, announced.Count(t => t == typeof(LeadMerged).FullName));
        }
        Assert.Single((await _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={first.Id}"))!);
        Assert.Single((await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}"))!.Timeline, t => t.Kind == "assigned");
    }

    [Fact]
    public async Task Should_merge_concurrent_arrivals_of_one_customer_into_one_lead()
    {
        // Several customers at once, each arriving through a dozen channels in the same instant: every arrival
        // races the others for the customer's row and open lead (and the lead's own events for its version).
        const int customers = 4, arrivals = 12;
        var phones = Enumerable.Range(0, customers).Select(_ => TestApp.UniquePhone()).ToList();
        var responses = await Task.WhenAll(phones.SelectMany((phone, c) => Enumerable.Range(0, arrivals).Select(i =>
            _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", source = "dealership", externalId = $"C-{c}-{i}", name = "沈女士", phone }))));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Empty(responses.Zip(bodies).Where(x => !x.First.IsSuccessStatusCode).Select(x => $"HTTP {(int)x.First.StatusCode}: {x.Second}"));
        var results = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<SubmitResult>()));
        foreach (var customer in results.Chunk(arrivals))
        {
            Assert.Single(customer.Select(r => r!.Id).Distinct());
            Assert.Single(customer, r => r!.Outcome == "accepted");
            Assert.Equal(arrivals - 1, customer.Count(r => r!.Outcome == "merged"));
            Assert.Equal(arrivals, (await _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{customer[0]!.Id}"))!.Enquiries.Count);
        }
    }

    [Fact]
    public async Task Should_open_a_new_lead_once_the_customers_lead_is_closed()
    {
        var first = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "CL-1", name = "韦先生", phone = "13811110003" });
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}")!, l => l!.Stage == "assigned");
        await _app.Services.GetRequiredService<IBus>().Publish(new LeadClosed(first.Id, TestApp.DemoDealershipId, false, "bought elsewhere", DateTimeOffset.UtcNow));
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{first.Id}")!, l => l!.Stage == "lost");

        var next = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "CL-2", name = "韦先生", phone = "13811110003" });

        Assert.Equal("accepted", next.Outcome);
        Assert.NotEqual(first.Id, next.Id);
    }

    [Fact]
    public async Task Should_follow_the_dealerships_rule_when_merging_is_switched_off()
    {
        var settings = await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO01/intake-settings", new { mergeOnPhone = false, mergeWindowDays = 30 });
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);

        var a = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "NM-1", name = "秦先生", phone = "13811110004" });
        var b = await PostAsync(new { dealershipCode = "DEMO01", source = "oem", externalId = "NM-2", name = "秦先生", phone = "13811110004" });

        Assert.Equal(("accepted", "accepted"), (a.Outcome, b.Outcome));
        Assert.NotEqual(a.Id, b.Id);
        var refused = await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO01/intake-settings", new { mergeOnPhone = true, mergeWindowDays = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await _app.Client.PutAsJsonAsync("/api/dealerships/DEMO01/intake-settings", new { mergeOnPhone = true, mergeWindowDays = 90 });
    }

    [Fact]
    public async Task Should_record_consent_per_channel_and_withdraw_it_when_the_customer_opts_out()
    {
        var lead = await PostAsync(new
        {
            dealershipCode = "DEMO01", source = "oem", externalId = "CS-1", name = "许女士", phone = "13811110005",
            consent = new { sms = true, phone = true, source = "SVW website form" },
        });
        var given = await _app.Client.GetFromJsonAsync<CustomerConsent>("/api/consents?dealershipCode=DEMO01&phone=13811110005");
        Assert.All(given!.Current, c => Assert.True(c.Granted));
        Assert.Equal("+86138****0005", given.MaskedPhone);

        await _app.Services.GetRequiredService<IBus>().Publish(
            new CustomerOptedOut(TestApp.DemoDealershipId, lead.Id, "+8613811110005", ConsentChannels.Sms, "TD", DateTimeOffset.UtcNow));

        var withdrawn = await Eventually.Get(() => _app.Client.GetFromJsonAsync<CustomerConsent>("/api/consents?dealershipCode=DEMO01&phone=13811110005")!,
            c => c!.Current.Any(x => x.Channel == "sms" && !x.Granted));
        Assert.True(withdrawn!.Current.Single(c => c.Channel == "phone").Granted);
        Assert.Contains("TD", withdrawn.Current.Single(c => c.Channel == "sms").Source);
        Assert.Equal(3, withdrawn.History.Count);
        var view = await Eventually.Get(() => _app.Client.GetFromJsonAsync<FullLeadView>($"/api/leads/{lead.Id}")!, l => l!.Timeline.Any(t => t.Kind == "opted-out"));
        Assert.NotNull(view);
    }
}

/// <summary>
/// The intake pipeline on the lead-intake database alone, without a host: recognising a repeat,
/// merging within the dealership's window, consent only when it changes, and every rejection kept
/// (docs/mutation/intake.md).
/// </summary>
public sealed class When_the_pipeline_takes_a_submission : IAsyncLifetime
{
    private static readonly Guid DealershipId = TestApp.DemoDealershipId;
    private readonly FakeTimeProvider _clock = new(Showroom.Local(2030, 1, 15, 10));
    private ServiceDatabase<LeadIntakeDbContext> _database = null!;

    public async Task InitializeAsync()
    {
        _database = await ServiceDatabase<LeadIntakeDbContext>.CreateAsync<LeadIntakeSqliteDbContext>();
        await using var db = _database.Open();
        db.Dealerships.Add(new IntakeDealership { Id = DealershipId, Code = "DEMO01", Name = "Demo Motors Shanghai" });
        db.Dealerships.Add(new IntakeDealership { Id = TestApp.SecondDealershipId, Code = "CLOSED", Name = "Closed Motors", Active = false });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static SubmitLeadRequest Lead(string externalId, string? name = "陈先生", string? phone = "138 1234 5678", string source = "oem", ConsentStatement? consent = null) =>
        new() { DealershipCode = "demo01", Name = name, Phone = phone, Source = source, ExternalId = externalId, VehicleOfInterest = "ID.4", Consent = consent };

    private async Task<IntakeResult> SubmitAsync(SubmitLeadRequest request)
    {
        await using var db = _database.Open();
        var pipeline = new LeadIntakePipeline(db, _clock, NullLogger<LeadIntakePipeline>.Instance);
        return await pipeline.SubmitAsync(request, new IntakeChannel("http", "OEM"), "{}", CancellationToken.None);
    }

    private async Task ChangeAsync(Action<LeadIntakeDbContext> change)
    {
        await using var db = _database.Open();
        change(db);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Should_open_a_lead_for_a_new_customer_and_announce_it()
    {
        var result = await SubmitAsync(Lead("OEM-1"));

        Assert.Equal(IntakeOutcome.Accepted, result.Outcome);
        await using var db = _database.Open();
        var lead = await db.Leads.SingleAsync();
        Assert.Equal((result.LeadId, "DEMO01", "oem", "OEM-1", "陈先生", "+8613812345678", LeadStage.New), (lead.Id, lead.DealershipCode, lead.Source, lead.ExternalId, lead.Name, lead.Phone, lead.Stage));
        var customer = await db.Customers.SingleAsync();
        Assert.Equal((lead.CustomerId, (Guid?)lead.Id, "陈先生"), ((Guid?)customer.Id, customer.OpenLeadId, customer.Name));
        var received = await db.Timeline.SingleAsync();
        Assert.Equal(("received", "Lead received from oem (OEM), external id OEM-1"), (received.Kind, received.Text));
        Assert.Equal("http: OEM", (await db.Enquiries.SingleAsync()).SubmittedBy);
        Assert.Equal([nameof(LeadAccepted)], await PublishedAsync());
    }

    [Fact]
    public async Task Should_answer_the_same_arrival_twice_with_the_same_lead_and_nothing_new()
    {
        var first = await SubmitAsync(Lead("OEM-1"));
        var again = await SubmitAsync(Lead("OEM-1", phone: "139 0000 0000"));

        Assert.Equal((IntakeOutcome.Duplicate, first.LeadId), (again.Outcome, again.LeadId));
        await using var db = _database.Open();
        Assert.Equal(1, await db.Enquiries.CountAsync());
        Assert.Equal(1, await db.Customers.CountAsync());
    }

    [Fact]
    public async Task Should_merge_a_new_enquiry_of_the_customer_into_the_open_lead_filling_what_it_lacked()
    {
        var first = await SubmitAsync(Lead("OEM-1", name: null));

        var merged = await SubmitAsync(Lead("EV-7", name: "陈伟", source: "walk-in") with { Email = "chen@example.com" });

        Assert.Equal((IntakeOutcome.Merged, first.LeadId), (merged.Outcome, merged.LeadId));
        await using var db = _database.Open();
        var lead = await db.Leads.SingleAsync();
        Assert.Equal(("陈伟", "chen@example.com", 1), (lead.Name, lead.Email, lead.Version));
        Assert.Equal(2, await db.Enquiries.CountAsync());
        Assert.Contains(await db.Timeline.Select(t => new { t.Kind, t.Text }).ToListAsync(),
            t => t.Kind == "enquiry-merged" && t.Text == "New enquiry from walk-in (OEM), external id EV-7, merged into this open lead");
        Assert.Equal([nameof(LeadAccepted), nameof(LeadMerged)], await PublishedAsync());
    }

    [Fact]
    public async Task Should_take_the_same_external_id_from_another_source_or_another_customer_as_a_new_arrival()
    {
        var oem = await SubmitAsync(Lead("1001", phone: "138 1234 5678"));
        var walkIn = await SubmitAsync(Lead("1001", phone: "139 8765 4321", source: "walk-in"));
        var other = await SubmitAsync(Lead("1002", phone: "137 0000 1111"));

        Assert.Equal([IntakeOutcome.Accepted, IntakeOutcome.Accepted, IntakeOutcome.Accepted], new[] { oem.Outcome, walkIn.Outcome, other.Outcome });
        await using var db = _database.Open();
        Assert.Equal(3, await db.Customers.CountAsync());
        Assert.Equal(3, await db.Leads.Select(l => l.CustomerId).Distinct().CountAsync());
    }

    [Fact]
    public async Task Should_record_each_enquiry_as_it_came_and_describe_its_campaign_on_the_timeline()
    {
        var first = await SubmitAsync(Lead("OEM-1"));

        await SubmitAsync(Lead("EV-1", source: "marketing-event") with { Campaign = "Spring show", VehicleOfInterest = "Tiguan L", Note = "周末" });

        await using var db = _database.Open();
        var enquiry = await db.Enquiries.SingleAsync(e => e.ExternalId == "EV-1");
        Assert.Equal((first.LeadId!.Value, "marketing-event", "Spring show", "Tiguan L", "周末"),
            (enquiry.LeadId, enquiry.Source, enquiry.SourceDetail, enquiry.VehicleOfInterest, enquiry.Note));
        Assert.Contains(await db.Timeline.Select(t => t.Text).ToListAsync(),
            t => t == "New enquiry from marketing-event (Spring show) (OEM), external id EV-1, merged into this open lead");
    }

    [Fact]
    public async Task Should_keep_the_customers_name_when_a_new_lead_of_theirs_comes_without_one_and_take_a_new_one()
    {
        await SubmitAsync(Lead("OEM-1", name: "陈先生"));
        await ChangeAsync(db => db.Leads.Single().Stage = LeadStage.Lost);

        await SubmitAsync(Lead("OEM-2", name: null));
        var kept = await NameAsync();
        await ChangeAsync(db => db.Leads.Single(l => l.ExternalId == "OEM-2").Stage = LeadStage.Lost);
        await SubmitAsync(Lead("OEM-3", name: "陈伟"));

        Assert.Equal("陈先生", kept);
        Assert.Equal("陈伟", await NameAsync());

        async Task<string?> NameAsync()
        {
            await using var db = _database.Open();
            return (await db.Customers.SingleAsync()).Name;
        }
    }

    [Fact]
    public async Task Should_keep_the_name_and_email_the_open_lead_has_when_a_merged_enquiry_gives_others()
    {
        await SubmitAsync(Lead("OEM-1", name: "陈先生") with { Email = "chen@example.com" });

        await SubmitAsync(Lead("OEM-2", name: "Mr Chen") with { Email = "mr.chen@example.com" });

        await using var db = _database.Open();
        var lead = await db.Leads.SingleAsync();
        Assert.Equal(("陈先生", "chen@example.com"), (lead.Name, lead.Email));
    }

    [Fact]
    public async Task Should_merge_into_a_lead_as_old_as_the_window_and_open_a_new_one_after_it()
    {
        var first = await SubmitAsync(Lead("OEM-1"));
        _clock.Advance(TimeSpan.FromDays(90));
        var inWindow = await SubmitAsync(Lead("OEM-2"));
        _clock.Advance(TimeSpan.FromSeconds(1));

        var after = await SubmitAsync(Lead("OEM-3"));

        Assert.Equal((IntakeOutcome.Merged, first.LeadId), (inWindow.Outcome, inWindow.LeadId));
        Assert.Equal(IntakeOutcome.Accepted, after.Outcome);
        Assert.NotEqual(first.LeadId, after.LeadId);
        await using var db = _database.Open();
        Assert.Equal(after.LeadId, (await db.Customers.SingleAsync()).OpenLeadId);
    }

    [Fact]
    public async Task Should_open_a_new_lead_when_the_customers_lead_is_closed_or_the_dealership_does_not_merge()
    {
        var first = await SubmitAsync(Lead("OEM-1"));
        await ChangeAsync(db => db.Leads.Single().Stage = LeadStage.Won);
        var afterWon = await SubmitAsync(Lead("OEM-2"));
        await ChangeAsync(db => db.Dealerships.Single(d => d.Code == "DEMO01").MergeOnPhone = false);

        var unmerged = await SubmitAsync(Lead("OEM-3"));

        Assert.Equal(IntakeOutcome.Accepted, afterWon.Outcome);
        Assert.Equal(IntakeOutcome.Accepted, unmerged.Outcome);
        Assert.Equal(3, new[] { first.LeadId, afterWon.LeadId, unmerged.LeadId }.Distinct().Count());
    }

    [Fact]
    public async Task Should_open_separate_leads_for_submissions_without_a_phone_number()
    {
        var first = await SubmitAsync(Lead("OEM-1", phone: null));
        var second = await SubmitAsync(Lead("OEM-2", phone: null));

        Assert.Equal((IntakeOutcome.Accepted, IntakeOutcome.Accepted), (first.Outcome, second.Outcome));
        await using var db = _database.Open();
        Assert.Empty(await db.Customers.ToListAsync());
        Assert.All(await db.Leads.ToListAsync(), l => Assert.Null(l.CustomerId));
    }

    [Fact]
    public async Task Should_read_phone_numbers_in_the_dealerships_region()
    {
        await ChangeAsync(db => db.Dealerships.Single(d => d.Code == "DEMO01").PhoneRegion = "DE");

        await SubmitAsync(Lead("OEM-1", phone: "030 123456"));

        await using var db = _database.Open();
        Assert.Equal("+4930123456", (await db.Leads.SingleAsync()).Phone);
    }

    [Fact]
    public async Task Should_record_consent_only_when_it_changes_and_say_where_it_was_given()
    {
        // A minute apart, so that which statement is the latest is plain.
        foreach (var (externalId, phone, consent) in new[]
        {
            ("OEM-1", "138 1234 5678", new ConsentStatement { Sms = true, Phone = false, Source = "  OEM web form " }),
            ("OEM-2", "138 1234 5678", new ConsentStatement { Sms = true, Phone = null }),
            ("OEM-3", "138 1234 5678", new ConsentStatement { Sms = false }),
            ("OEM-4", "138 1234 5678", new ConsentStatement { Sms = true, Source = "展厅" }),
            ("OEM-5", "137 0000 1111", new ConsentStatement { Sms = true, Source = "家人" }),
        })
        {
            await SubmitAsync(Lead(externalId, phone: phone, consent: consent));
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        await using var db = _database.Open();
        var records = await db.Consents.OrderBy(c => c.At).ThenBy(c => c.Channel).ToListAsync();
        Assert.Equal(
            [("phone", false, "OEM web form"), ("sms", true, "OEM web form"), ("sms", false, "lead submission"), ("sms", true, "展厅"), ("sms", true, "家人")],
            records.Select(c => (c.Channel, c.Granted, c.Source)));
        // A new lead carries its consent; a change stated with an enquiry merged into an open lead is announced on its own.
        Assert.Equal(2, (await PublishedAsync()).Count(t => t == nameof(ConsentChanged)));
        var accepted = await db.OutboxMessages.Where(m => m.MessageType.EndsWith("." + nameof(LeadAccepted))).OrderBy(m => m.CreatedAt)
            .Select(m => m.Body).ToListAsync();
        Assert.Equal(
            new List<LeadConsent>[]
            {
                [new LeadConsent("sms", true, "OEM web form"), new LeadConsent("phone", false, "OEM web form")],
                [new LeadConsent("sms", true, "家人")],
            },
            accepted.Select(body => JsonSerializer.Deserialize<LeadAccepted>(body, JsonSerializerOptions.Web)!.Consents!.ToList()));
    }

    [Fact]
    public async Task Should_ask_for_the_dealership_code_when_there_is_none()
    {
        var result = await SubmitAsync(Lead("OEM-1") with { DealershipCode = "  " });
        var nothing = await SubmitAsync(new SubmitLeadRequest { Name = "陈先生" });

        Assert.Equal(IntakeOutcome.Rejected, result.Outcome);
        Assert.Equal("The dealership code is required.", Assert.Single(Assert.Single(result.Errors).Value));
        Assert.Equal(IntakeOutcome.Rejected, nothing.Outcome);
        await using var db = _database.Open();
        var announced = await db.OutboxMessages.OrderBy(m => m.CreatedAt).Select(m => m.Body).ToListAsync();
        Assert.Equal(2, announced.Count);
        Assert.Contains("\"dealershipCode\":\"\",\"source\":\"oem\",\"externalId\":\"OEM-1\"", announced[0]);
        Assert.Contains("\"dealershipCode\":\"\",\"source\":\"\",\"externalId\":\"\"", announced[1]);
    }

    [Theory]
    [InlineData("NOPE99", "dealershipCode", "Dealership NOPE99 is not known.")]
    [InlineData("closed", "dealershipCode", "Dealership CLOSED is closed and takes no new leads.")]
    [InlineData("DEMO01", "externalId", "The external id is required: it is how a lead sent twice is recognised.")]
    public async Task Should_keep_a_rejected_submission_with_every_reason_and_announce_it(string code, string field, string reason)
    {
        var request = Lead(code == "DEMO01" ? " " : "OEM-1") with { DealershipCode = $" {code.ToLowerInvariant()} " };

        var result = await SubmitAsync(request);

        Assert.Equal(IntakeOutcome.Rejected, result.Outcome);
        Assert.Equal(reason, Assert.Single(result.Errors[field]));
        await using var db = _database.Open();
        var kept = await db.RejectedLeads.SingleAsync();
        Assert.Equal((result.RejectionId, code.ToUpperInvariant(), "http", $"{field}: {reason}", "{}", RejectionStatus.Open),
            (kept.Id, kept.DealershipCode, kept.Channel, kept.Reasons, kept.RawPayload, kept.Status));
        Assert.Equal(code == "NOPE99" ? Guid.Empty : code == "closed" ? TestApp.SecondDealershipId : DealershipId, kept.DealershipId);
        Assert.Empty(await db.Leads.ToListAsync());
        Assert.Equal([nameof(LeadRejected)], await PublishedAsync());
        Assert.Contains($"\"dealershipCode\":\"{code.ToUpperInvariant()}\",\"source\":\"oem\"", (await db.OutboxMessages.SingleAsync()).Body);
    }

    /// <summary>The short names of the events staged for publishing, oldest first.</summary>
    private async Task<List<string>> PublishedAsync()
    {
        await using var db = _database.Open();
        var types = await db.OutboxMessages.OrderBy(m => m.CreatedAt).Select(m => m.MessageType).ToListAsync();
        return types.Select(t => t[(t.LastIndexOf('.') + 1)..]).ToList();
    }
}
