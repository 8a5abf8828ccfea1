using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;
using Xunit.Abstractions;

namespace Dealership.Tests.Security;

/// <summary>
/// Every operation of the OpenAPI document, called by every kind of caller of dealership B (DEMO02)
/// and by a consultant of A who does not hold the lead, with the ids of dealership A's objects: no
/// answer carries A's data, A's data is the same afterwards, and no answer is a 500. An operation
/// added later is covered without touching this spec.
/// </summary>
public sealed class Dealership_isolation_Specs(ITestOutputHelper output) : IAsyncLifetime
{
    private TestApp _app = null!;
    private AObjects _a = null!;

    /// <summary>A's objects, and the strings only A's data contains.</summary>
    private sealed record AObjects(Guid LeadId, Guid TaskId, Guid BookingId, Guid ConsultantId, Guid OtherConsultantId, Guid InstanceId, Guid SmsId,
        Guid RejectionId, Guid ImportId, string Phone, string[] Markers);

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        await _app.WithoutQuietHoursAsync();
        _a = await CreateDealershipAObjectsAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<AObjects> CreateDealershipAObjectsAsync()
    {
        var admin = _app.Client;
        var marker = "甲" + Guid.NewGuid().ToString("N")[..8];
        var phone = TestApp.UniquePhone();
        var leadId = await _app.PostLeadAsync("ISO-" + marker, name: marker, phone: phone);
        await _app.GrantSmsConsentAsync(leadId);
        var lead = await Eventually.Get(() => admin.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!,
            l => l!.OpenTasks.Count == 1 && l.Timeline.Any(t => t.Kind == "sms-sent"), because: "A's lead should be assigned, tasked and notified");
        var task = Assert.Single(lead!.OpenTasks);

        var booked = await admin.PostAsJsonAsync("/api/appointments", new { leadId, startsAt = Showroom.Slot(DateTimeOffset.UtcNow, days: 3), purpose = "visit" });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var booking = (await booked.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        var sms = await Eventually.Get(() => admin.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={leadId}")!, m => m!.Count >= 2,
            because: "the consultant's alert and the customer's confirmation should be sent");
        // The visit booked ends the first call: settled before any snapshot, or a "before" could still show the task open.
        await Eventually.Get(() => admin.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.OpenTasks.Count == 0,
            because: "the booked visit should end the first call");
        var rejected = await admin.PostAsJsonAsync("/api/leads", new { dealershipCode = "DEMO01", source = "oem", externalId = "REJ-" + marker, name = marker, phone = "not a phone" });
        var rejectionId = (await rejected.Content.ReadFromJsonAsync<JsonObject>())!["rejectionId"]!.GetValue<Guid>();
        var import = await admin.PostAsync($"/api/leads/imports?dealershipCode=DEMO01&campaign=车展&fileName={marker}.csv",
            new ByteArrayContent(Encoding.UTF8.GetBytes($"姓名,手机\n{marker}乙,{TestApp.UniquePhone()}\n")) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });
        var importId = (await import.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var instances = await admin.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={leadId}");
        var instanceId = instances!.Single()!["id"]!.GetValue<Guid>();
        var roster = await admin.GetFromJsonAsync<JsonArray>("/api/consultants?dealershipCode=DEMO01");
        var other = roster!.Select(c => c!["id"]!.GetValue<Guid>()).First(id => id != lead.AssignedConsultantId);

        // A's customer, A's roster and A's file: strings B must never read.
        string[] markers = [marker, phone[^8..], "Wang Fang", "Li Qiang", "Zhang Wei"];
        return new AObjects(leadId, task.Id, booking, lead.AssignedConsultantId!.Value, other, instanceId, sms![0].Id, rejectionId, importId, "+86" + phone, markers);
    }

    [Fact]
    public async Task Should_never_show_or_change_dealership_As_data_to_any_caller_of_dealership_B()
    {
        var callers = await DealershipBCallersAsync();
        var before = await SnapshotAsync();
        var operations = await OperationsAsync();
        var leaks = new List<string>();

        foreach (var (who, client) in callers)
        {
            foreach (var operation in operations)
                leaks.AddRange(await CallAsync(who, client, operation, _a.Markers));
        }

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        await SettledAsync();
        Assert.Equal(before, await SnapshotAsync());
        output.WriteLine($"{operations.Count} operations × {callers.Count} callers of dealership B");
    }

    [Fact]
    public async Task Should_keep_a_consultant_to_his_or_her_own_leads_and_tasks()
    {
        // The consultant of A who does not hold A's lead is, for that lead, as much an outsider as B.
        var other = await SignInAsConsultantAsync(_a.OtherConsultantId);
        var before = await SnapshotAsync();
        var leaks = new List<string>();
        foreach (var operation in (await OperationsAsync()).Where(o => o.Path.StartsWith("/api/leads/{") || o.Path.StartsWith("/api/tasks")))
            leaks.AddRange(await CallAsync("the other consultant", other, operation, [_a.Markers[0], _a.Markers[1]]));

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        await SettledAsync();
        Assert.Equal(before, await SnapshotAsync());
        var mine = await SignInAsConsultantAsync(_a.ConsultantId);
        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync($"/api/leads/{_a.LeadId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync($"/api/tasks/{_a.TaskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/leads/{_a.LeadId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/tasks/{_a.TaskId}")).StatusCode);
    }

    [Fact]
    public async Task Should_answer_401_to_every_operation_without_credentials()
    {
        using var anonymous = new HttpClient { BaseAddress = _app.Client.BaseAddress };
        var refused = new List<string>();
        foreach (var operation in await OperationsAsync())
        {
            using var response = await SendAsync(anonymous, operation);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
                refused.Add($"{operation.Method} {operation.Path}: {(int)response.StatusCode}");
        }
        Assert.True(refused.Count == 0, "answered without credentials:\n" + string.Join("\n", refused));
    }

    private sealed record Operation(string Method, string Path, IReadOnlyList<(string Name, bool Required)> Query, string? BodyType);

    /// <summary>Every operation of the API document but the doors that must be open: sign-in and the carrier's signed callbacks.</summary>
    private async Task<List<Operation>> OperationsAsync()
    {
        var document = JsonNode.Parse(await _app.Client.GetStringAsync("/openapi/v1.json"))!;
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (path is "/api/auth/token" or "/api/auth/client-token" || path.StartsWith("/api/sms/carrier/"))
                continue;
            foreach (var (method, op) in item!.AsObject())
            {
                if (method is "parameters")
                    continue;
                var query = (op!["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "query")
                    .Select(p => (p!["name"]!.GetValue<string>(), p["required"]?.GetValue<bool>() ?? false)).ToList();
                var body = op["requestBody"]?["content"]?.AsObject().Select(c => c.Key).FirstOrDefault();
                operations.Add(new Operation(method.ToUpperInvariant(), path, query, body));
            }
        }
        Assert.True(operations.Count > 50, $"only {operations.Count} operations found in the API document");
        return operations;
    }

    private async Task<IEnumerable<string>> CallAsync(string who, HttpClient client, Operation operation, string[] markers)
    {
        using var response = await SendAsync(client, operation);
        var body = await response.Content.ReadAsStringAsync();
        var found = new List<string>();
        if (response.StatusCode == HttpStatusCode.InternalServerError)
            found.Add($"{who}: {operation.Method} {operation.Path} answered 500: {Truncate(body)}");
        foreach (var marker in markers.Where(m => body.Contains(m, StringComparison.Ordinal)))
            found.Add($"{who}: {operation.Method} {operation.Path} ({(int)response.StatusCode}) showed A's '{marker}': {Truncate(body)}");
        return found;
    }

    private Task<HttpResponseMessage> SendAsync(HttpClient client, Operation operation)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(operation.Path, @"\{([^}:]+)(:[^}]*)?\}", m => PathValue(operation.Path, m.Groups[1].Value));
        var query = string.Join("&", operation.Query.Select(q => $"{q.Name}={Uri.EscapeDataString(QueryValue(q.Name))}"));
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), query.Length == 0 ? path : path + "?" + query);
        if (operation.BodyType is { } type)
        {
            request.Content = type switch
            {
                "application/xml" or "text/xml" => new StringContent($"<?xml version=\"1.0\"?><adf><prospect><customer><contact><name part=\"full\">{_a.Markers[0]}</name><phone>{_a.Phone}</phone></contact></customer></prospect></adf>", Encoding.UTF8, type),
                "text/csv" => new StringContent($"姓名,手机\n{_a.Markers[0]},{_a.Phone}\n", Encoding.UTF8, type),
                _ => JsonContent.Create(Body()),
            };
        }
        return client.SendAsync(request);
    }

    // Which of A's objects a path's id names, by the resource the path is under.
    private string PathValue(string path, string name) => name switch
    {
        "code" or "dealershipCode" => "DEMO01",
        "key" => "active-invitation",
        "version" => "1",
        _ when path.StartsWith("/api/leads/rejected") => _a.RejectionId.ToString(),
        _ when path.StartsWith("/api/leads/imports") => _a.ImportId.ToString(),
        _ when path.StartsWith("/api/tasks") => _a.TaskId.ToString(),
        _ when path.StartsWith("/api/appointments") => _a.BookingId.ToString(),
        _ when path.StartsWith("/api/consultants") => _a.ConsultantId.ToString(),
        _ when path.StartsWith("/api/workflow-instances") => _a.InstanceId.ToString(),
        _ when path.StartsWith("/api/sms") => _a.SmsId.ToString(),
        _ => _a.LeadId.ToString(),
    };

    private string QueryValue(string name) => name switch
    {
        "dealershipCode" => "DEMO01",
        "leadId" or "businessKey" => _a.LeadId.ToString(),
        "consultantId" => _a.ConsultantId.ToString(),
        "phone" => _a.Phone,
        "date" => DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3)).ToString("yyyy-MM-dd"),
        "from" or "to" or "month" => DateTime.UtcNow.ToString("yyyy-MM") + (name == "month" ? "" : "-01"),
        _ => "",
    };

    // One body that names A's objects wherever an operation may take them.
    private JsonObject Body() => new()
    {
        ["dealershipCode"] = "DEMO01", ["leadId"] = _a.LeadId.ToString(),
        ["leadIds"] = new JsonArray(_a.LeadId.ToString()), ["consultantId"] = _a.ConsultantId.ToString(), ["phone"] = _a.Phone, ["name"] = "B",
        ["source"] = "oem", ["externalId"] = "B-" + Guid.NewGuid(), ["contact"] = "reached", ["answer"] = "declined", ["reason"] = "B was here",
        ["text"] = "TD", ["startsAt"] = Showroom.Slot(DateTimeOffset.UtcNow, days: 4).ToString("O"), ["purpose"] = "visit",
        ["processKey"] = "active-invitation", ["messageName"] = "appointment-confirmed", ["correlationKey"] = _a.LeadId.ToString(),
    };

    /// <summary>Every role of dealership B, signed in, and B's integration key with every scope.</summary>
    private async Task<List<(string Who, HttpClient Client)>> DealershipBCallersAsync()
    {
        var callers = new List<(string, HttpClient)>();
        foreach (var (userName, role) in new[] { ("sz-reception", "receptionist"), ("sz-supervisor", "sales-supervisor"), ("sz-ops", "operations") })
        {
            var created = await _app.Client.PostAsJsonAsync("/api/people",
                new { userName, displayName = userName, password = TestApp.DemoPassword, roles = new[] { role }, dealershipCode = "DEMO02" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        foreach (var userName in new[] { "sz-consultant", "sz-manager", "sz-reception", "sz-supervisor", "sz-ops" })
            callers.Add((userName, await _app.SignInAsync(userName)));
        var key = await _app.Client.PostAsJsonAsync("/api/api-clients", new { name = "Suzhou portal", scopes = new[] { "leads:submit", "workflows:manage" }, dealerships = new[] { "DEMO02" } });
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        callers.Add(("DEMO02's key", _app.KeyClient((await key.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>())));
        return callers;
    }

    private async Task<HttpClient> SignInAsConsultantAsync(Guid consultantId)
    {
        var userName = "c-" + consultantId.ToString("N")[^12..];
        var created = await _app.Client.PostAsJsonAsync("/api/people",
            new { userName, displayName = userName, password = TestApp.DemoPassword, roles = new[] { "consultant" }, dealershipCode = "DEMO01", consultantId });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return await _app.SignInAsync(userName);
    }

    /// <summary>A's objects as A's admin reads them.</summary>
    private async Task<string> SnapshotAsync()
    {
        var admin = _app.Client;
        var parts = new List<string>();
        foreach (var url in new[]
        {
            $"/api/leads/{_a.LeadId}", $"/api/tasks/{_a.TaskId}", $"/api/appointments/{_a.BookingId}", $"/api/leads/rejected/{_a.RejectionId}",
            "/api/consultants?dealershipCode=DEMO01", $"/api/sms/messages?leadId={_a.LeadId}", "/api/sms/settings/DEMO01",
            "/api/dealerships/DEMO01/intake-settings", $"/api/workflow-instances/{_a.InstanceId}", $"/api/consents?dealershipCode=DEMO01&phone={Uri.EscapeDataString(_a.Phone)}",
            "/api/routing-rules?dealershipCode=DEMO01", "/api/appointments/calendar/DEMO01",
        })
        {
            using var response = await admin.GetAsync(url);
            parts.Add($"{url} {(int)response.StatusCode} {Normalize(await response.Content.ReadAsStringAsync())}");
        }
        return string.Join("\n", parts);
    }

    // A trace id differs per read; a consultant's load and turn move with the sentinel lead of SettledAsync.
    private static string Normalize(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, "\"traceId\":\"[^\"]*\"|\"openLeads\":\\d+|\"lastAssignedAt\":(null|\"[^\"]*\")", "");

    /// <summary>Lets anything the calls set moving finish: a lead posted now is assigned, tasked and notified once everything before it has been.</summary>
    private async Task SettledAsync()
    {
        var sentinel = await _app.PostLeadAsync("SENTINEL-" + Guid.NewGuid().ToString("N")[..8]);
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{sentinel}")!,
            l => l!.OpenTasks.Count == 1 && l.Timeline.Any(t => t.Kind == "sms-sent"), because: "the sentinel lead should go all the way");
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
