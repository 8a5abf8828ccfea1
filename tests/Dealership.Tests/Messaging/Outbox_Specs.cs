using System.Net;
using System.Net.Http.Json;
using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake;
using Dealership.LeadIntake.Leads;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dealership.Tests.Messaging;

public class Outbox_Specs
{
    [Fact]
    public async Task Should_publish_after_a_restart_what_was_committed_before_a_crash()
    {
        var dataDirectory = TestApp.NewDataDirectory();
        // First run: creates and seeds the databases.
        await (await TestApp.StartAsync(dataDirectory)).App.StopAsync();

        // The lead and its LeadAccepted were committed, then the process died before publishing.
        var leadId = NewId.NextGuid();
        var options = Dealership.Hosting.Data.ServiceDatabase.UseSqlite(new DbContextOptionsBuilder<LeadIntakeSqliteDbContext>(), $"Data Source={Path.Combine(dataDirectory, "lead-intake.db")}").Options;
        await using (var db = new LeadIntakeSqliteDbContext(options))
        {
            db.Publish(AddNewLead(db, leadId, "CRASH-1", "吴先生", "+8613512345678", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        SqliteConnection.ClearAllPools();

        await using var restarted = await TestApp.StartAsync(dataDirectory);

        var lead = await Eventually.Get(() => restarted.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.Stage == "assigned",
            because: "the message committed before the crash should be published on restart");
        Assert.NotNull(lead!.AssignedConsultantId);
    }

    [Fact]
    public async Task Should_be_unready_while_a_message_waits_too_long_and_ready_again_once_it_is_sent()
    {
        await using var app = await TestApp.StartAsync();
        var leadId = NewId.NextGuid();
        var createdAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10);
        OutboxMessage stuck;
        using (var scope = app.Services.CreateScope())
        {
            var db = app.Scoped<LeadIntakeDbContext>(scope);
            stuck = OutboxMessage.Create(AddNewLead(db, leadId, "STUCK-1", "钱先生", "+8613612345678", createdAt));
            // Accepted ten minutes ago and claimed by a dispatcher whose publish never came back: its lease keeps
            // this host's dispatcher off the row, as a hung publish kept the issue's outbox stuck.
            stuck.CreatedAt = createdAt;
            stuck.LockedBy = Guid.NewGuid();
            stuck.LockedUntil = DateTimeOffset.UtcNow + TimeSpan.FromHours(1);
            db.OutboxMessages.Add(stuck);
            await db.SaveChangesAsync();
        }

        await Eventually.Get(() => ReadinessAsync(app), s => s == HttpStatusCode.ServiceUnavailable,
            because: "a message ten minutes unsent should make the service unready");
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == "lead-intake-outbox");
        var entry = report.Entries["lead-intake-outbox"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Matches(@"^lead-intake's oldest unsent outbox message is 6\d\d s old", entry.Description);

        // The lease runs out: this host's dispatcher takes the row over and publishes it.
        using (var scope = app.Services.CreateScope())
        {
            await app.Scoped<LeadIntakeDbContext>(scope).OutboxMessages.Where(m => m.Id == stuck.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedUntil, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1)));
        }

        await Eventually.Get(() => ReadinessAsync(app), s => s == HttpStatusCode.OK, because: "the service should be ready once the message is sent");
        // Marked sent with the rows published around it, within Outbox:MarkSentWithin of its publish (ADR 0530).
        using (var scope = app.Services.CreateScope())
        {
            var row = await Eventually.Get(() => app.Scoped<LeadIntakeDbContext>(scope).OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == stuck.Id),
                r => r.SentAt is not null, TimeSpan.FromSeconds(5), because: "the message sent should be marked sent");
            Assert.NotNull(row.SentAt);
        }
        await Eventually.Get(() => app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.Stage == "assigned",
            because: "the message sent late should still reach the other services");
    }

    [Fact]
    public async Task Should_never_publish_a_message_whose_wider_transaction_was_rolled_back()
    {
        await using var app = await TestApp.StartAsync();
        var rolledBack = NewId.NextGuid();
        using (var scope = app.Services.CreateScope())
        {
            // A save inside a transaction of the caller's own has not committed when it returns; the rollback
            // takes its lead and its message away, and no other service may hear of that lead.
            var db = app.Scoped<LeadIntakeDbContext>(scope);
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Publish(AddNewLead(db, rolledBack, "ROLLED-BACK-1", "孙先生", "+8613712345678", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        // A lead accepted after it goes out through the same outbox and is assigned by the same dealership's
        // routing, one lead at a time in arrival order: once it is assigned, the first would have been.
        var posted = await app.KeyClient().PostAsJsonAsync("/api/leads",
            new { dealershipCode = "DEMO01", source = "oem", externalId = "AFTER-ROLLBACK-1", name = "周女士", phone = "+8613712345679" });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var after = (await posted.Content.ReadFromJsonAsync<SubmitResult>())!.Id;
        await Eventually.Get(() => app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{after}")!, l => l!.Stage == "assigned",
            because: "the lead accepted after the rollback should be assigned");

        using (var scope = app.Services.CreateScope())
            Assert.False(await app.Scoped<Dealership.Assignment.AssignmentDbContext>(scope).Assignments.AnyAsync(a => a.LeadId == rolledBack),
                "the rolled-back lead reached assignment: its message was published before its transaction ended");
    }

    [Fact]
    public async Task Should_publish_each_message_at_once_and_mark_those_published_together_sent_in_one_statement()
    {
        var dataDirectory = TestApp.NewDataDirectory();
        // Long enough that no pass marks the rows while the spec runs: what is marked at the end, the stop marked.
        await using var app = await TestApp.StartAsync(dataDirectory, settings: ["--Outbox:MarkSentWithin=00:04:00", "--Outbox:LeaseDuration=00:05:00"]);
        var leads = new List<Guid>();
        for (var i = 1; i <= 3; i++)
            leads.Add(await app.PostLeadAsync($"MARK-{i}", phone: TestApp.UniquePhone()));

        // Each lead's LeadAccepted went out on its own save, not held back for the mark.
        foreach (var lead in leads)
            await Eventually.Get(() => app.Client.GetFromJsonAsync<LeadView>($"/api/leads/{lead}")!, l => l!.Stage == "assigned",
                because: "a published message should reach its consumers before it is marked sent");
        using (var scope = app.Services.CreateScope())
        {
            var unmarked = await app.Scoped<LeadIntakeDbContext>(scope).OutboxMessages
                .Where(m => m.MessageType == typeof(LeadAccepted).FullName && m.SentAt == null).CountAsync();
            Assert.True(unmarked >= 3, $"{unmarked} LeadAccepted rows unmarked: the three leads' rows were marked one by one");
        }
        await app.App.StopAsync();
        SqliteConnection.ClearAllPools();

        var options = Dealership.Hosting.Data.ServiceDatabase.UseSqlite(new DbContextOptionsBuilder<LeadIntakeSqliteDbContext>(), $"Data Source={Path.Combine(dataDirectory, "lead-intake.db")}").Options;
        await using var db = new LeadIntakeSqliteDbContext(options);
        var marks = await db.OutboxMessages.Where(m => m.MessageType == typeof(LeadAccepted).FullName).Select(m => m.SentAt).Distinct().ToListAsync();
        Assert.Single(marks);
        Assert.NotNull(marks[0]);
    }

    /// <summary>Adds a new OEM lead of the demo dealership as intake stores it, and returns the event intake publishes for it.</summary>
    private static LeadAccepted AddNewLead(LeadIntakeDbContext db, Guid id, string externalId, string name, string phone, DateTimeOffset at)
    {
        db.Leads.Add(new Lead
        {
            Id = id, DealershipId = TestApp.DemoDealershipId, DealershipCode = "DEMO01", Source = "oem", ExternalId = externalId,
            Name = name, Phone = phone, Stage = LeadStage.New, CreatedAt = at, UpdatedAt = at,
        });
        return new LeadAccepted(id, TestApp.DemoDealershipId, "DEMO01", "oem", externalId, name, phone, at);
    }

    private static async Task<HttpStatusCode> ReadinessAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync("/health/ready");
        return response.StatusCode;
    }
}
