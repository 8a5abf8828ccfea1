using System.Net;
using System.Net.Http.Json;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake;
using Dealership.Tests.Support;
using Dealership.Tests.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Messaging;

/// <summary>
/// What has done its work is deleted after its retention, so the tables that grow with every lead
/// stop growing; what still has work to do is never touched, however old. The pass is called
/// directly, as of a later day, instead of waiting for its timer.
/// </summary>
public sealed class Retention_Specs : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<IReadOnlyDictionary<string, int>> PruneAsOfAsync(TimeSpan later) =>
        _app.Services.GetRequiredService<RetentionWorker>().PruneAsync(DateTimeOffset.UtcNow + later, CancellationToken.None);

    /// <summary>The lead intake's published outbox rows and inbox rows, by id.</summary>
    private async Task<(List<Guid> Sent, List<Guid> Inbox)> LeadIntakeMessagingRowsAsync()
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadIntakeDbContext>();
        return (await db.OutboxMessages.Where(m => m.SentAt != null).Select(m => m.Id).ToListAsync(),
            await db.InboxMessages.Select(m => m.MessageId).ToListAsync());
    }

    private async Task<int> SmsOfAsync(Guid leadId) =>
        (await _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={leadId}"))!.Count;

    [Fact]
    public async Task Should_delete_published_outbox_rows_old_inbox_rows_and_finished_sms_after_their_retention_only()
    {
        var leadId = await _app.PostLeadAsync("RETENTION-1");
        await Eventually.Get(() => _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={leadId}"),
            l => l!.Any(s => s.Template == "new-lead" && s.Status == "delivered"), because: "the consultant's new-lead alert should be delivered");
        var before = await Eventually.Get(LeadIntakeMessagingRowsAsync, rows => rows.Sent.Count > 0 && rows.Inbox.Count > 0,
            because: "lead intake should have published and consumed messages");

        await PruneAsOfAsync(TimeSpan.FromDays(1));

        var kept = await LeadIntakeMessagingRowsAsync();
        Assert.Subset(kept.Sent.ToHashSet(), before.Sent.ToHashSet());
        Assert.Subset(kept.Inbox.ToHashSet(), before.Inbox.ToHashSet());
        Assert.True(await SmsOfAsync(leadId) > 0, "a day-old SMS is kept");

        var deleted = await PruneAsOfAsync(TimeSpan.FromDays(200));

        // Rows the lead's later messages may add meanwhile are younger; those the pass saw are gone.
        var left = await LeadIntakeMessagingRowsAsync();
        Assert.Empty(left.Sent.Intersect(before.Sent));
        Assert.Empty(left.Inbox.Intersect(before.Inbox));
        Assert.True(deleted["Notification.Messages"] > 0, string.Join(", ", deleted.Select(d => $"{d.Key}={d.Value}")));
        Assert.DoesNotContain(await _app.Client.GetFromJsonAsync<List<SmsView>>($"/api/sms/messages?leadId={leadId}") ?? [], s => s.Template == "new-lead");
        // The lead itself is business data, not messaging: it stays.
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync($"/api/leads/{leadId}")).StatusCode);
    }

    [Fact]
    public async Task Should_delete_finished_workflow_instances_and_never_one_still_waiting()
    {
        await _app.Client.PublishDiagramAsync("straight-through", WorkflowApi.Diagram("straight-through", """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
            <bpmn:endEvent id="end" />
            """));
        await _app.Client.PublishDiagramAsync("waiting-call", WorkflowApi.CallFlow("waiting-call"));
        var finished = (await _app.Client.StartInstanceAsync("straight-through")).Id();
        var waiting = (await _app.Client.StartInstanceAsync("waiting-call", new { consultant = "wangfang" })).Id();
        await Eventually.Get(() => _app.Client.GetInstanceAsync(finished), i => i["instance"]!["status"]!.GetValue<string>() == "completed");

        await PruneAsOfAsync(TimeSpan.FromDays(200));

        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync($"/api/workflow-instances/{finished}")).StatusCode);
        Assert.Equal("active", (await _app.Client.GetInstanceAsync(waiting))["instance"]!["status"]!.GetValue<string>());
    }
}
