using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dealership.InvitationWorkflow;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.InvitationFlows;

/// <summary>
/// A release that changes a default diagram brings it to dealerships still running the release's own version, and
/// leaves alone a version operations staff published.
/// </summary>
public sealed class Default_flow_upgrade_Specs
{
    private const string Key = "active-invitation";

    /// <summary>Stops the host but keeps its database, as a deployment would.</summary>
    private static async Task StopKeepingDataAsync(TestApp app)
    {
        app.Client.Dispose();
        await app.App.StopAsync();
        await app.App.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Makes the stored version 1 what an earlier release shipped: the same diagram with a 48-hour first-contact deadline.</summary>
    private static async Task AsIfAnEarlierReleaseLoadedItAsync(TestApp app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
        var v1 = await db.WorkflowDefinitions.SingleAsync(d => d.ProcessKey == Key && d.Version == 1);
        v1.Xml = v1.Xml.Replace("\"PT24H\"", "\"PT48H\"");
        await db.SaveChangesAsync();
    }

    private static async Task<List<JsonObject>> VersionsAsync(HttpClient ops) =>
        [.. (await ops.GetFromJsonAsync<JsonArray>($"/api/workflows/{Key}/versions"))!.Select(v => v!.AsObject()).OrderBy(v => v["version"]!.GetValue<int>())];

    [Fact]
    public async Task Should_publish_the_release_s_changed_default_as_the_next_version_and_keep_running_leads_on_theirs()
    {
        var first = await TestApp.StartAsync(settings: WorkflowApi.Settings);
        var dataDirectory = first.DataDirectory;
        await AsIfAnEarlierReleaseLoadedItAsync(first);
        var running = await first.PostLeadAsync("UPGRADE-1");
        await Eventually.Get(() => first.Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={running}&dealershipCode=DEMO01"),
            a => a!.Count == 1, because: "the lead's flow should start on version 1");
        await StopKeepingDataAsync(first);

        await using var upgraded = await TestApp.StartAsync(dataDirectory, settings: WorkflowApi.Settings);
        using var ops = upgraded.Operations();
        var versions = await VersionsAsync(ops);
        Assert.Equal([1, 2], versions.Select(v => v["version"]!.GetValue<int>()));
        Assert.Equal(["retired", "published"], versions.Select(v => v["status"]!.GetValue<string>()));
        Assert.All(versions, v => Assert.Equal("release", v["publishedBy"]!.GetValue<string>()));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "workflows", $"{Key}.bpmn")), await ops.GetStringAsync($"/api/workflows/{Key}/xml"));

        var instances = await upgraded.Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={running}&dealershipCode=DEMO01");
        Assert.Equal(1, instances![0]!["version"]!.GetValue<int>());
        var fresh = await upgraded.PostLeadAsync("UPGRADE-2");
        var started = await Eventually.Get(() => upgraded.Client.GetFromJsonAsync<JsonArray>($"/api/workflow-instances?businessKey={fresh}&dealershipCode=DEMO01"),
            a => a!.Count == 1, because: "a new lead's flow should start");
        Assert.Equal(2, started![0]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Should_leave_a_version_operations_staff_published_in_place_when_the_release_changes_the_default()
    {
        var first = await TestApp.StartAsync(settings: WorkflowApi.Settings);
        var dataDirectory = first.DataDirectory;
        await AsIfAnEarlierReleaseLoadedItAsync(first);
        using (var ops = first.Operations())
        {
            var own = (await ops.GetStringAsync($"/api/workflows/{Key}/xml")).Replace("\"PT48H\"", "\"PT12H\"");
            await ops.PublishDiagramAsync(Key, own);
        }
        await StopKeepingDataAsync(first);

        await using var restarted = await TestApp.StartAsync(dataDirectory, settings: WorkflowApi.Settings);
        using var operations = restarted.Operations();
        var versions = await VersionsAsync(operations);
        Assert.Equal([1, 2], versions.Select(v => v["version"]!.GetValue<int>()));
        // Published by the operations client, not by the release.
        Assert.NotEqual("release", versions[1]["publishedBy"]?.GetValue<string>() ?? "release");
        Assert.Contains("\"PT12H\"", await operations.GetStringAsync($"/api/workflows/{Key}/xml"));
    }
}
