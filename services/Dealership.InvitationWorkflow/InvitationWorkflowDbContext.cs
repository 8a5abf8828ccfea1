using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.InvitationWorkflow.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow;

public class InvitationWorkflowDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "workflow";

    public DbSet<ConsultantTask> Tasks => Set<ConsultantTask>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<ConsultantTask>(e =>
        {
            e.ToTable("ConsultantTasks");
            e.Property(t => t.Kind).HasMaxLength(60);
            e.Property(t => t.Outcome).HasMaxLength(200);
            // One task of a kind per lead: a redelivered assignment never creates a second one.
            e.HasIndex(t => new { t.LeadId, t.Kind }).IsUnique();
            e.HasIndex(t => new { t.ConsultantId, t.CompletedAt, t.DueAt });
        });
    }
}

public sealed class InvitationWorkflowSqliteDbContext(DbContextOptions<InvitationWorkflowSqliteDbContext> options) : InvitationWorkflowDbContext(options);

public sealed class InvitationWorkflowSqlServerDbContext(DbContextOptions<InvitationWorkflowSqlServerDbContext> options) : InvitationWorkflowDbContext(options);

public sealed class InvitationWorkflowSqliteFactory : SqliteDesignTimeFactory<InvitationWorkflowSqliteDbContext>;

public sealed class InvitationWorkflowSqlServerFactory : SqlServerDesignTimeFactory<InvitationWorkflowSqlServerDbContext>;
