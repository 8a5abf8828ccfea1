using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dealership.Contracts;
using Dealership.Hosting.Data;
using Dealership.LeadIntake;
using Dealership.LeadIntake.Leads;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dealership.Tests.Messaging;

/// <summary>
/// Messages consumed while a save of their service waits are committed together (ADR 0531), and each still has its own
/// outcome. Shown with lead-intake's timeline, whose writer a test holds so that events pile up behind it.
/// </summary>
public sealed class Commit_group_Specs
{
    [Fact]
    public async Task Should_commit_the_events_that_waited_for_a_save_in_one_transaction_and_show_each_on_its_lead_once()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAsync(logs);
        // Events of one lead wait for each other in the partitioner's lanes (eight) before they get here: a dozen leads
        // make sure that several lanes, and so several events, wait for the save together.
        var leads = await AssignedLeadsAsync(app, 12);
        var commits = app.Services.GetRequiredService<CommitGroup<LeadIntakeDbContext>>();
        var messages = new List<Guid>();

        await using (await HoldTheWriterAsync(app))
        {
            // The first event's save waits for the writer; others wait for that save.
            foreach (var lead in leads)
                messages.Add(await AlertAsync(app, lead));
            await Eventually.Get(() => Task.FromResult(commits.Waiting), n => n >= 2, because: "several events should wait for the first one's save");
        }

        foreach (var lead in leads)
            await Eventually.Get(() => app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{lead}"), v => v!.Timeline.Any(e => e.Kind == "supervisor-alerted"),
                because: "every lead should show its supervisor's alert");
        var together = logs.Lines.Select(l => Regex.Match(l, @"(\d+) messages' works committed in one transaction")).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(together, n => n >= 2);
        using var scope = app.Services.CreateScope();
        var db = app.Scoped<LeadIntakeDbContext>(scope);
        // Each message's inbox row committed with its entry, whichever context saved it: a redelivery is recognised.
        Assert.Equal(12, await db.InboxMessages.CountAsync(i => messages.Contains(i.MessageId) && i.Consumer == nameof(LeadTimelineConsumer)));
        Assert.Equal(12, await db.Timeline.CountAsync(e => leads.Contains(e.LeadId) && e.Kind == "supervisor-alerted"));
    }

    [Fact]
    public async Task Should_save_the_other_works_of_a_commit_when_one_of_them_fails_and_fail_only_that_one()
    {
        var open = await FileDatabaseAsync();
        var commits = new CommitGroup<LeadIntakeDbContext>(NullLogger<CommitGroup<LeadIntakeDbContext>>.Instance);
        await using var first = open();
        await using var second = open();
        await using var faulty = open();
        await using var fourth = open();
        var started = new TaskCompletionSource();
        var hold = new TaskCompletionSource();

        var leading = commits.SaveAsync(first, async db =>
        {
            started.SetResult();
            await hold.Task;
            db.Publish(new DealershipsRequested("first", DateTimeOffset.UtcNow));
        }, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var saving = new[]
        {
            commits.SaveAsync(second, db => Publish(db, "second"), CancellationToken.None),
            commits.SaveAsync(faulty, db =>
            {
                db.Publish(new DealershipsRequested("faulty", DateTimeOffset.UtcNow));
                throw new InvalidOperationException("this message cannot be applied");
            }, CancellationToken.None),
            commits.SaveAsync(fourth, db => Publish(db, "fourth"), CancellationToken.None),
        };
        await Eventually.Get(() => Task.FromResult(commits.Waiting), n => n == 3, because: "the three works after the first should wait for it");
        hold.SetResult();

        await leading;
        await saving[0];
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => saving[1]);
        Assert.Equal("this message cannot be applied", failed.Message);
        await saving[2];
        await using var reader = open();
        var saved = (await reader.OutboxMessages.AsNoTracking().Select(m => m.Body).ToListAsync())
            .Select(p => JsonDocument.Parse(p).RootElement.GetProperty("service").GetString()).Order().ToList();
        Assert.Equal(["first", "fourth", "second"], saved);
    }

    /// <summary>
    /// A migrated lead-intake database in a file of its own, and a way to open contexts on it, each with its own
    /// connection as a consumer's has: works that fall back to saving alone save at the same time.
    /// </summary>
    private static async Task<Func<LeadIntakeDbContext>> FileDatabaseAsync()
    {
        var folder = TestApp.NewDataDirectory();
        Directory.CreateDirectory(folder);
        var options = new DbContextOptionsBuilder<LeadIntakeSqliteDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "lead-intake.db")}").Options;
        await using (var db = new LeadIntakeSqliteDbContext(options))
            await Dealership.Hosting.Data.ServiceDatabase.MigrateAsync(db, CancellationToken.None);
        return () => new LeadIntakeSqliteDbContext(options);
    }

    private static Task Publish(LeadIntakeDbContext db, string service)
    {
        db.Publish(new DealershipsRequested(service, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_refuse_a_work_that_changes_its_consumers_own_context_or_saves_instead_of_losing_its_changes()
    {
        var open = await FileDatabaseAsync();
        var commits = new CommitGroup<LeadIntakeDbContext>(NullLogger<CommitGroup<LeadIntakeDbContext>>.Instance);
        await using var leader = open();
        await using var next = open();
        await using var follower = open();
        var started = new TaskCompletionSource();
        var hold = new TaskCompletionSource();

        // The first work holds the group; the two after it wait and are then committed together.
        var leading = commits.SaveAsync(leader, async db =>
        {
            started.SetResult();
            await hold.Task;
            db.Publish(new DealershipsRequested("leader", DateTimeOffset.UtcNow));
        }, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var second = commits.SaveAsync(next, db =>
        {
            db.Publish(new DealershipsRequested("next", DateTimeOffset.UtcNow));
            return Task.CompletedTask;
        }, CancellationToken.None);
        // In this order: the next save is led by the first work waiting, in its own context.
        await Eventually.Get(() => Task.FromResult(commits.Waiting), n => n == 1, because: "the second work should wait for the first");
        var third = commits.SaveAsync(follower, _ =>
        {
            // The consumer's own context instead of the one given: saved by nobody.
            follower.Publish(new DealershipsRequested("follower", DateTimeOffset.UtcNow));
            return Task.CompletedTask;
        }, CancellationToken.None);
        await Eventually.Get(() => Task.FromResult(commits.Waiting), n => n == 2, because: "the two works after the first should wait for it");
        hold.SetResult();

        await leading;
        await second;
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => third);
        Assert.Contains("changes were not saved", refused.Message);

        await using var saver = open();
        var saving = await Assert.ThrowsAsync<InvalidOperationException>(() => commits.SaveAsync(saver, db => db.SaveChangesAsync(), CancellationToken.None));
        Assert.Contains("the group saves it", saving.Message);
    }

    private static Task<TestApp> StartAsync(CapturingLoggerProvider logs) =>
        TestApp.StartAsync(configure: b => b.Logging.AddProvider(logs), settings: ["--Logging:LogLevel:Dealership.Hosting.Data.CommitGroup=Debug"]);

    private static async Task<List<Guid>> AssignedLeadsAsync(TestApp app, int count)
    {
        var leads = new List<Guid>();
        for (var i = 0; i < count; i++)
            leads.Add(await app.PostLeadAsync($"GROUP-{Guid.NewGuid():N}"));
        // Quiet once each lead's consultant has had the new-lead SMS, the last event of a new lead's path.
        foreach (var lead in leads)
            await Eventually.Get(() => app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{lead}"), v => v!.Timeline.Any(e => e.Kind == "sms-sent"),
                because: "the lead should be assigned and its consultant told");
        return leads;
    }

    private static async Task<Guid> AlertAsync(TestApp app, Guid lead)
    {
        var messageId = NewId.NextGuid();
        await app.Services.GetRequiredService<IBus>().Publish(
            new SupervisorAlerted(lead, TestApp.DemoDealershipId, null, "赵经理", null, "first contact overdue", DateTimeOffset.UtcNow),
            c => c.MessageId = messageId);
        return messageId;
    }

    /// <summary>Takes lead-intake's write lock as another writer would, until disposed.</summary>
    private static async Task<SqliteConnection> HoldTheWriterAsync(TestApp app)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "lead-intake.db")};Pooling=False");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }
}
