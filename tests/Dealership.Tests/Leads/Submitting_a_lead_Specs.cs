using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dealership.Tests.Support;

namespace Dealership.Tests.Leads;

/// <summary>The thin slice in the embedded topology: one process, in-memory bus, one SQLite file per service.</summary>
public sealed class Submitting_a_lead_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Should_assign_a_consultant_open_a_24_hour_task_and_alert_the_consultant()
    {
        var response = await _app.Client.PostAsJsonAsync("/api/leads",
            new { dealershipCode = "DEMO01", name = "陈先生", phone = "138 1234 5678", source = "oem", externalId = "OEM-1001" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<SubmittedLead>())!;
        Assert.Equal($"/api/leads/{created.Id}", response.Headers.Location?.OriginalString);

        var lead = await Eventually.Get(
            () => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{created.Id}")!,
            l => l!.OpenTasks.Count == 1 && l.Timeline.Any(t => t.Kind == "sms-sent"),
            because: "the lead should be assigned, tasked and notified");

        Assert.Equal("assigned", lead!.Stage);
        Assert.Equal("+8613812345678", lead.Phone);
        Assert.NotNull(lead.AssignedConsultantId);
        var task = Assert.Single(lead.OpenTasks);
        Assert.Equal("first-contact", task.Kind);
        Assert.Equal(lead.AssignedConsultantId, task.ConsultantId);
        var assignedAt = lead.Timeline.Single(t => t.Kind == "assigned").At;
        Assert.Equal(TimeSpan.FromHours(24), task.DueAt - assignedAt);
        Assert.Equal(["received", "assigned", "task-created", "sms-sent"], lead.Timeline.Select(t => t.Kind));

        var sms = Assert.Single((await _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={created.Id}"))!);
        Assert.Equal("consultant", sms.Recipient);
        Assert.Equal("new-lead", sms.Template);
        Assert.Contains("****", sms.Phone);
    }

    [Fact]
    public async Task Should_give_each_timeline_entry_the_facts_it_is_made_of_with_its_times_in_utc()
    {
        var leadId = await _app.PostLeadAsync("OEM-1002");

        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.OpenTasks.Count == 1 && l.Timeline.Any(t => t.Kind == "sms-sent"), because: "the lead should be assigned, tasked and notified");

        var received = lead!.Timeline.Single(t => t.Kind == "received").Facts!;
        Assert.Equal(("oem", "http", "OEM-1002"), (received["source"], received["channel"], received["externalId"]));
        Assert.Equal(lead.AssignedConsultantName, lead.Timeline.Single(t => t.Kind == "assigned").Facts!["consultant"]);
        var created = lead.Timeline.Single(t => t.Kind == "task-created").Facts!;
        Assert.Equal("first-contact", created["taskKind"]);
        // A moment is ISO 8601 in UTC: the reader converts it to the showroom's clock. (The task's own row keeps milliseconds.)
        Assert.EndsWith("Z", created["dueAt"]);
        Assert.Equal(Assert.Single(lead.OpenTasks).DueAt, DateTimeOffset.Parse(created["dueAt"], CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(1));
        // What does not apply (a reason, a later time) is left out, not sent empty.
        var sms = lead.Timeline.Single(t => t.Kind == "sms-sent").Facts!;
        Assert.Equal(["maskedPhone", "recipient", "template"], sms.Keys.Order());
        Assert.Equal(("new-lead", "consultant"), (sms["template"], sms["recipient"]));
        Assert.Contains("****", sms["maskedPhone"]);
        // The sentence API callers read is still there.
        Assert.StartsWith("Task first-contact created, due ", lead.Timeline.Single(t => t.Kind == "task-created").Text);
    }

    [Fact]
    public async Task Should_keep_one_lead_when_the_same_external_id_is_posted_again()
    {
        var first = await _app.Client.PostAsJsonAsync("/api/leads",
            new { dealershipCode = "DEMO01", name = "刘女士", phone = "13912345678", source = "oem", externalId = "OEM-2002" });
        var again = await _app.Client.PostAsJsonAsync("/api/leads",
            new { dealershipCode = "DEMO01", name = "刘女士", phone = "13912345678", source = "oem", externalId = "OEM-2002" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var a = (await first.Content.ReadFromJsonAsync<SubmittedLead>())!;
        var b = (await again.Content.ReadFromJsonAsync<SubmittedLead>())!;
        Assert.Equal(a.Id, b.Id);
        Assert.True(b.Duplicate);

        await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{a.Id}")!, l => l!.Timeline.Any(t => t.Kind == "sms-sent"));
        var sms = await _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={a.Id}");
        Assert.Single(sms!);
    }

    [Fact]
    public async Task Should_create_one_lead_when_copies_arrive_at_the_same_moment()
    {
        var copies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _app.Client.PostAsJsonAsync("/api/leads",
            new { dealershipCode = "DEMO01", name = "周先生", phone = "13712345678", source = "oem", externalId = "OEM-3003" })));

        Assert.All(copies, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        var ids = await Task.WhenAll(copies.Select(async r => (await r.Content.ReadFromJsonAsync<SubmittedLead>())!.Id));
        Assert.Single(ids.Distinct());
        Assert.Single(copies, r => r.StatusCode == HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("{\"dealershipCode\": \"DEMO01\", \"name\": ", "body")]
    [InlineData("{\"dealershipCode\": 42, \"name\": \"王先生\"}", "dealershipCode")]
    [InlineData("not json at all", "body")]
    public async Task Should_answer_a_body_that_is_not_valid_json_with_a_problem_naming_the_field(string body, string field)
    {
        var response = await _app.Client.PostAsync("/api/leads", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Should_refuse_a_lead_with_neither_name_nor_phone_naming_both_fields()
    {
        var response = await _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", source = "oem", externalId = "OEM-4004" });

        var errors = (await ReadProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("phone", out _));
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("138-1234-567")]
    [InlineData("phone me")]
    public async Task Should_refuse_a_phone_number_that_is_not_a_number(string phone)
    {
        var response = await _app.Client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", name = "赵先生", phone, source = "oem", externalId = "OEM-5005" });

        var errors = (await ReadProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("phone", out _));
    }

    [Fact]
    public async Task Should_refuse_an_unknown_dealership()
    {
        using var oem = _app.KeyClient();
        var response = await oem.PostAsJsonAsync("/api/leads", new { dealershipCode = "NOPE99", name = "赵先生", source = "oem", externalId = "OEM-6006" });

        // The demo key may act for DEMO01 only, so another code is refused before it is looked up.
        await ReadProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData(null)]
    public async Task Should_answer_401_without_a_valid_api_key(string? key)
    {
        using var client = new HttpClient { BaseAddress = _app.Client.BaseAddress };
        if (key is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", key);

        var response = await client.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", name = "钱先生", source = "oem", externalId = "OEM-7007" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Should_book_a_visit_and_send_the_customer_a_confirmation()
    {
        var leadId = await _app.PostLeadAsync("OEM-8008");
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.Stage == "assigned");
        // Customer SMS need the customer's consent (lead-intake's record), and this spec must not depend on the hour it runs at.
        await _app.GrantSmsConsentAsync(leadId);
        await _app.WithoutQuietHoursAsync();

        var startsAt = Showroom.Slot(DateTimeOffset.UtcNow, days: 2);
        var booked = await _app.Client.PostAsJsonAsync("/api/appointments", new { leadId, startsAt, purpose = "test-drive" });

        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.Timeline.Any(t => t.Kind == "appointment-booked") && l.Stage == "appointmentBooked");
        var bookedFacts = Assert.Single(lead!.Timeline, t => t.Kind == "appointment-booked").Facts!;
        Assert.Equal(startsAt, DateTimeOffset.Parse(bookedFacts["visitAt"], CultureInfo.InvariantCulture));
        Assert.Equal("test-drive", bookedFacts["purpose"]);
        // The booking confirms the visit; the lead's flow, whose first call the booking ended, sends the directions.
        var sms = await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={leadId}")!,
            l => l!.Any(m => m.Template == "directions") && l!.Any(m => m.Template == "appointment-confirmation"),
            because: "the booking should confirm the visit and the flow should send its directions");
        var confirmation = Assert.Single(sms!, m => m.Recipient == "customer" && m.Template == "appointment-confirmation");
        Assert.StartsWith("【演示汽车上海店】", confirmation.Text);
        Assert.EndsWith("回复TD退订", confirmation.Text);
    }

    [Fact]
    public async Task Should_refuse_a_booking_for_an_unknown_lead()
    {
        var response = await _app.Client.PostAsJsonAsync("/api/appointments", new { leadId = Guid.NewGuid(), startsAt = DateTimeOffset.UtcNow.AddDays(1) });

        var errors = (await ReadProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("leadId", out _));
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }
}
