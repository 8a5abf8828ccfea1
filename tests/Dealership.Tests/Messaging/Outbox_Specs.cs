using System.Net.Http.Json;
using Dealership.Contracts;
using Dealership.LeadIntake;
using Dealership.LeadIntake.Leads;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

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
        var options = new DbContextOptionsBuilder<LeadIntakeSqliteDbContext>().UseSqlite($"Data Source={Path.Combine(dataDirectory, "lead-intake.db")}").Options;
        await using (var db = new LeadIntakeSqliteDbContext(options))
        {
            var now = DateTimeOffset.UtcNow;
            db.Leads.Add(new Lead
            {
                Id = leadId, DealershipId = TestApp.DemoDealershipId, DealershipCode = "DEMO01", Source = "oem", ExternalId = "CRASH-1",
                Name = "吴先生", Phone = "+8613512345678", Stage = LeadStage.New, CreatedAt = now, UpdatedAt = now,
            });
            db.Publish(new LeadAccepted(leadId, TestApp.DemoDealershipId, "DEMO01", "oem", "CRASH-1", "吴先生", "+8613512345678", now));
            await db.SaveChangesAsync();
        }
        SqliteConnection.ClearAllPools();

        await using var restarted = await TestApp.StartAsync(dataDirectory);

        var lead = await Eventually.Get(() => restarted.Client.GetFromJsonAsync<LeadView>($"/api/leads/{leadId}")!, l => l!.Stage == "assigned",
            because: "the message committed before the crash should be published on restart");
        Assert.NotNull(lead!.AssignedConsultantId);
    }
}
