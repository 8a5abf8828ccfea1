using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;

namespace Dealership.Tests.Security;

/// <summary>People sign in, keys are managed by admins, and what anyone does is audited.</summary>
public sealed class Signing_in_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(settings: ["--RateLimits:sign-in:PermitsPerMinute=12"]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> SignInAsync(string userName, string password) =>
        new HttpClient { BaseAddress = _app.Client.BaseAddress }.PostAsJsonAsync("/api/auth/token", new { userName, password });

    [Fact]
    public async Task Should_give_a_signed_in_consultant_a_token_that_names_the_dealership_and_the_roster_consultant()
    {
        using var consultant = await _app.SignInAsync("wangfang");

        var me = (await consultant.GetFromJsonAsync<JsonObject>("/api/auth/me"))!;

        Assert.Equal("王芳", me["name"]!.GetValue<string>());
        Assert.Equal(["consultant"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["DEMO01"], me["dealershipCodes"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("0c0a0000-0000-4000-8000-000000000001", me["consultantId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_lock_an_account_after_five_failed_sign_ins_until_an_admin_unlocks_it()
    {
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync("liqiang", "wrong password")).StatusCode);

        var locked = await SignInAsync("liqiang", TestApp.DemoPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Contains("Account locked", await locked.Content.ReadAsStringAsync());
        Assert.True(locked.Headers.RetryAfter is not null, "a locked account says when to try again");
        var people = await _app.Client.GetFromJsonAsync<JsonArray>("/api/people");
        var liqiang = people!.Single(p => p!["userName"]!.GetValue<string>() == "liqiang")!;
        Assert.NotNull(liqiang["lockedUntil"]);
        (await _app.Client.PostAsync($"/api/people/{liqiang["id"]}/unlock", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync("liqiang", TestApp.DemoPassword)).StatusCode);
    }

    [Fact]
    public async Task Should_answer_the_same_for_an_unknown_name_as_for_a_wrong_password()
    {
        var unknown = await SignInAsync("nobody", "whatever1");
        var wrong = await SignInAsync("manager", "whatever1");

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(
            (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(),
            (await wrong.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_answer_429_with_retry_after_past_the_sign_in_limit()
    {
        // The limit is 12 a minute from one address, and the test host's admin has signed in once already.
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
            answers.Add(await SignInAsync("supervisor", TestApp.DemoPassword));

        Assert.All(answers.Take(11), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var refused = answers[11];
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "the answer says when to try again");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_count_sign_ins_per_client_address_the_gateway_forwards_not_per_gateway()
    {
        async Task<HttpStatusCode> FromAsync(string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token")
            {
                Content = JsonContent.Create(new { userName = "supervisor", password = TestApp.DemoPassword }),
            };
            // What the gateway adds; the service trusts it from the gateway's (here the loopback) address only.
            request.Headers.Add("X-Forwarded-For", address);
            return (await new HttpClient { BaseAddress = _app.Client.BaseAddress }.SendAsync(request)).StatusCode;
        }

        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 13; i++)
            first.Add(await FromAsync("203.0.113.7"));

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 12), HttpStatusCode.TooManyRequests], first);
        Assert.Equal(HttpStatusCode.OK, await FromAsync("203.0.113.8"));
    }

    [Fact]
    public async Task Should_show_a_new_key_once_and_refuse_it_as_soon_as_it_is_revoked()
    {
        var created = await _app.Client.PostAsJsonAsync("/api/api-clients", new { name = "Autohome portal", scopes = new[] { "leads:submit" }, dealerships = new[] { "DEMO01" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = answer["key"]!.GetValue<string>();
        var id = answer["client"]!["id"]!.GetValue<Guid>();
        using var portal = _app.KeyClient(key);
        var lead = new { dealershipCode = "DEMO01", name = "钱女士", phone = TestApp.UniquePhone(), source = "other", channelName = "Autohome", externalId = "AH-" + Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.Created, (await portal.PostAsJsonAsync("/api/leads", lead)).StatusCode);

        var listed = await _app.Client.GetStringAsync("/api/api-clients");
        Assert.DoesNotContain(key, listed);
        Assert.Contains(key[..8], listed);
        (await _app.Client.PostAsync($"/api/api-clients/{id}/revoke", null)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await portal.PostAsJsonAsync("/api/leads", lead with { externalId = "AH-" + Guid.NewGuid() })).StatusCode);
    }

    [Fact]
    public async Task Should_keep_a_key_to_the_endpoints_of_its_scope()
    {
        using var oem = _app.KeyClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await oem.GetAsync("/api/sms/settings/DEMO01")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await oem.GetAsync("/api/consultants?dealershipCode=DEMO01")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await oem.PostAsJsonAsync("/api/api-clients", new { name = "mine", scopes = new[] { "leads:submit" }, dealerships = new[] { "*" } })).StatusCode);
    }

    [Fact]
    public async Task Should_keep_settings_to_managers_and_keys_to_admins()
    {
        using var consultant = await _app.SignInAsync("wangfang");
        using var manager = await _app.SignInAsync("manager");

        Assert.Equal(HttpStatusCode.Forbidden, (await consultant.GetAsync("/api/sms/settings/DEMO01")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/sms/settings/DEMO01")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/api-clients")).StatusCode);
    }

    [Fact]
    public async Task Should_keep_the_roster_the_plan_the_showroom_calendar_and_moving_leads_to_supervisors_and_managers()
    {
        var wangfang = Guid.Parse("0c0a0000-0000-4000-8000-000000000001");
        var lead = await _app.PostLeadAsync("ROLES-1");
        var plan = new { dealershipCode = "DEMO01", month = "2030-01", targets = new[] { new { consultantId = wangfang, source = "oem", visits = 9 } } };
        foreach (var person in new[] { "liqiang", "reception" })
        {
            using var client = await _app.SignInAsync(person);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/consultants?dealershipCode=DEMO01")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/consultants/{wangfang}/leave", new { reason = "by a colleague" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/consultants/{wangfang}/on-duty", new { onDuty = false })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync("/api/plans", plan)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync("/api/appointments/calendar/DEMO01", new { slotMinutes = 60 })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/assignments/{lead}/reassign", new { consultantId = (Guid?)null })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/assignments/reassign", new { dealershipCode = "DEMO01", leadIds = new[] { lead } })).StatusCode);
        }
        using var supervisor = await _app.SignInAsync("supervisor");
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync("/api/plans", plan)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync($"/api/consultants/{wangfang}/on-duty", new { onDuty = true })).StatusCode);
    }

    [Fact]
    public async Task Should_audit_who_did_what_from_where_and_show_managers_their_dealerships_entries_only()
    {
        await SignInAsync("reception", "wrong password");
        using var manager = await _app.SignInAsync("manager");
        var leadId = await _app.PostLeadAsync("AUDIT-" + Guid.NewGuid().ToString("N")[..8]);
        var lead = await Eventually.Get(() => manager.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.OpenTasks.Count == 1);
        var other = (await manager.GetFromJsonAsync<JsonArray>("/api/consultants?dealershipCode=DEMO01"))!
            .Select(c => c!["id"]!.GetValue<Guid>()).First(id => id != lead!.AssignedConsultantId);
        (await manager.PostAsJsonAsync($"/api/assignments/{leadId}/reassign", new { consultantId = other, reason = "covers the VW ID. campaign" })).EnsureSuccessStatusCode();

        var entries = await Eventually.Get(() => manager.GetFromJsonAsync<JsonArray>("/api/audit?take=500")!,
            a => a!.Any(e => e!["action"]!.GetValue<string>().Contains("reassign")), because: "the reassignment should reach the audit log");

        Assert.Contains(entries!, e => e!["action"]!.GetValue<string>() == "sign-in-failed" && e["actor"]!.GetValue<string>() == "reception");
        Assert.Contains(entries!, e => e!["action"]!.GetValue<string>() == "signed-in" && e["actor"]!.GetValue<string>() == "manager");
        var reassigned = entries!.First(e => e!["action"]!.GetValue<string>().Contains("reassign"))!;
        Assert.Equal("陈静 (零售经理)", reassigned["actor"]!.GetValue<string>());
        Assert.Contains(leadId.ToString(), reassigned["subject"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(reassigned["from"]?.GetValue<string>()), "the entry says where the request came from");

        using var suzhou = await _app.SignInAsync("sz-manager");
        var theirs = await suzhou.GetFromJsonAsync<JsonArray>("/api/audit?take=500");
        Assert.DoesNotContain(theirs!, e => e!["actor"]!.GetValue<string>() is "manager" or "陈静 (零售经理)" or "reception");
    }

    [Fact]
    public async Task Should_audit_each_lead_a_client_posts_once_with_the_answer_it_got()
    {
        // The lead's own commit carries its audit entry; a repeat, which changes nothing, is audited after the answer.
        using var oem = _app.KeyClient();
        var lead = new { dealershipCode = "DEMO01", name = "陈先生", phone = TestApp.UniquePhone(), source = "oem", externalId = "AUDIT-" + Guid.NewGuid().ToString("N")[..8] };
        Assert.Equal(HttpStatusCode.Created, (await oem.PostAsJsonAsync("/api/leads", lead)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await oem.PostAsJsonAsync("/api/leads", lead)).StatusCode);

        var posts = await Eventually.Get(async () => (await _app.Client.GetFromJsonAsync<JsonArray>("/api/audit?take=500"))!
                .Where(e => e!["action"]!.GetValue<string>().StartsWith("POST /api/leads", StringComparison.Ordinal)).ToList(),
            p => p.Count >= 2, because: "both posts should reach the audit log");

        Assert.Equal(2, posts.Count);
        Assert.All(posts, e => Assert.StartsWith("client;", e!["detail"]!.GetValue<string>()));
        Assert.Single(posts, e => e!["detail"]!.GetValue<string>().EndsWith("HTTP 201", StringComparison.Ordinal));
        Assert.Single(posts, e => e!["detail"]!.GetValue<string>().EndsWith("HTTP 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_show_the_whole_phone_number_only_to_the_leads_consultant_and_managers()
    {
        var phone = TestApp.UniquePhone();
        var leadId = await _app.PostLeadAsync("MASK-" + Guid.NewGuid().ToString("N")[..8], phone: phone);
        var lead = await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.OpenTasks.Count == 1);
        // The consultant who holds the lead, whichever of the roster it is, signs in.
        var holder = "holder-" + Guid.NewGuid().ToString("N")[..6];
        (await _app.Client.PostAsJsonAsync("/api/people", new { userName = holder, password = TestApp.DemoPassword, roles = new[] { "consultant" },
            dealershipCode = "DEMO01", consultantId = lead!.AssignedConsultantId })).EnsureSuccessStatusCode();
        using var manager = await _app.SignInAsync("manager");
        using var reception = await _app.SignInAsync("reception");

        Assert.Equal("+86" + phone, (await manager.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!.Phone);
        Assert.Equal($"+86{phone[..3]}****{phone[^4..]}", (await reception.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!.Phone);
        var taskForReception = await reception.GetFromJsonAsync<JsonObject>($"/api/tasks/{lead.OpenTasks[0].Id}");
        Assert.DoesNotContain(phone, taskForReception!.ToJsonString());
        using var consultant = await _app.SignInAsync(holder);
        Assert.Equal("+86" + phone, (await consultant.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}"))!.Phone);
        var task = await consultant.GetFromJsonAsync<JsonObject>($"/api/tasks/{lead.OpenTasks[0].Id}");
        Assert.Equal("+86" + phone, task!["guidance"]!["phone"]!.GetValue<string>());
    }
}
