using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.InvitationWorkflow.InvitationFlows;
using Dealership.InvitationWorkflow.Engine;
using Dealership.InvitationWorkflow.Simulation;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow;

public class InvitationWorkflowDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "workflow";

    public DbSet<ConsultantTask> Tasks => Set<ConsultantTask>();
    public DbSet<KnownLead> KnownLeads => Set<KnownLead>();
    public DbSet<WaitingAssignment> WaitingAssignments => Set<WaitingAssignment>();
    public DbSet<EndedLead> EndedLeads => Set<EndedLead>();
    public DbSet<WorkflowDefinition> WorkflowDefinitions => Set<WorkflowDefinition>();
    public DbSet<WorkflowInstanceRecord> WorkflowInstances => Set<WorkflowInstanceRecord>();
    public DbSet<WorkflowJournalEntry> WorkflowJournal => Set<WorkflowJournalEntry>();
    public DbSet<WorkflowTimer> WorkflowTimers => Set<WorkflowTimer>();
    public DbSet<WorkflowMessageSubscription> WorkflowMessageSubscriptions => Set<WorkflowMessageSubscription>();
    public DbSet<BufferedWorkflowMessage> BufferedWorkflowMessages => Set<BufferedWorkflowMessage>();
    public DbSet<KnownDealership> KnownDealerships => Set<KnownDealership>();
    public DbSet<DealershipSmsRules> SmsRules => Set<DealershipSmsRules>();
    public DbSet<WorkflowMessageDelivery> WorkflowMessageDeliveries => Set<WorkflowMessageDelivery>();

    protected override void OnServiceModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ConsultantTask>(e =>
        {
            e.ToTable("ConsultantTasks");
            e.Property(t => t.Kind).HasMaxLength(60);
            e.Property(t => t.Outcome).HasMaxLength(200);
            e.Property(t => t.ElementId).HasMaxLength(200);
            e.Property(t => t.Title).HasMaxLength(300);
            e.Property(t => t.TitleEn).HasMaxLength(300);
            e.Property(t => t.Role).HasMaxLength(60);
            e.Property(t => t.Outcomes).HasMaxLength(300);
            e.Property(t => t.Why).HasMaxLength(1000);
            e.Property(t => t.Offer).HasMaxLength(1000);
            e.Property(t => t.Steps).HasMaxLength(2000);
            e.Property(t => t.WhyZh).HasMaxLength(1000);
            e.Property(t => t.OfferZh).HasMaxLength(1000);
            e.Property(t => t.StepsZh).HasMaxLength(2000);
            e.Property(t => t.CustomerName).HasMaxLength(200);
            e.Property(t => t.CustomerPhone).HasMaxLength(20);
            e.Property(t => t.Source).HasMaxLength(60);
            e.Property(t => t.VehicleOfInterest).HasMaxLength(200);
            e.HasIndex(t => t.LeadId);
            // One consultant task per user task of a flow instance.
            e.HasIndex(t => new { t.InstanceId, t.UserTaskKey }).IsUnique();
            e.HasIndex(t => new { t.ConsultantId, t.CompletedAt, t.DueAt });
            e.HasIndex(t => new { t.DealershipId, t.Role, t.CompletedAt, t.DueAt });
        });
        VisibleToOwnConsultant<ConsultantTask>(modelBuilder, t => t.ConsultantId);
        modelBuilder.Entity<KnownLead>(e =>
        {
            e.ToTable("KnownLeads");
            e.Property(l => l.Source).HasMaxLength(60);
            e.Property(l => l.CustomerName).HasMaxLength(200);
            e.Property(l => l.CustomerPhone).HasMaxLength(20);
            e.Property(l => l.VehicleOfInterest).HasMaxLength(200);
        });
        modelBuilder.Entity<WaitingAssignment>(e =>
        {
            e.ToTable("WaitingAssignments");
            e.HasKey(w => w.LeadId);
            e.Property(w => w.ConsultantName).HasMaxLength(200);
            e.Property(w => w.ConsultantPhone).HasMaxLength(20);
        });
        modelBuilder.Entity<EndedLead>(e =>
        {
            e.ToTable("EndedLeads");
            e.HasKey(l => l.LeadId);
            e.Property(l => l.Reason).HasMaxLength(500);
        });
        modelBuilder.Entity<WorkflowDefinition>(e =>
        {
            e.ToTable("WorkflowDefinitions");
            e.Property(d => d.ProcessKey).HasMaxLength(200);
            e.Property(d => d.Name).HasMaxLength(300);
            e.Property(d => d.PublishedBy).HasMaxLength(200);
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(d => new { d.ProcessKey, d.DealershipId, d.Version }).IsUnique();
        });
        modelBuilder.Entity<WorkflowInstanceRecord>(e =>
        {
            e.ToTable("WorkflowInstances");
            e.Property(i => i.ProcessKey).HasMaxLength(200);
            e.Property(i => i.BusinessKey).HasMaxLength(200);
            e.Property(i => i.WaitingAt).HasMaxLength(1000);
            e.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(i => i.ConcurrencyStamp).IsConcurrencyToken();
            e.HasIndex(i => new { i.ProcessKey, i.Status, i.StartedAt });
            e.HasIndex(i => i.BusinessKey);
        });
        modelBuilder.Entity<WorkflowJournalEntry>(e =>
        {
            e.ToTable("WorkflowJournal");
            e.Property(j => j.ElementId).HasMaxLength(200);
            e.Property(j => j.Outcome).HasMaxLength(60);
            e.Property(j => j.Detail).HasMaxLength(2000);
            e.HasIndex(j => new { j.InstanceId, j.Id });
        });
        modelBuilder.Entity<WorkflowTimer>(e =>
        {
            e.ToTable("WorkflowTimers");
            e.Property(t => t.StartEventId).HasMaxLength(200);
            e.Property(t => t.LastError).HasMaxLength(2000);
            e.Property(t => t.Fired).IsConcurrencyToken();
            e.HasIndex(t => t.DueAt);
            e.HasIndex(t => new { t.InstanceId, t.TimerKey });
        });
        modelBuilder.Entity<WorkflowMessageSubscription>(e =>
        {
            e.ToTable("WorkflowMessageSubscriptions");
            e.Property(m => m.MessageName).HasMaxLength(200);
            e.Property(m => m.CorrelationKey).HasMaxLength(200);
            e.HasIndex(m => new { m.MessageName, m.CorrelationKey, m.DealershipId });
            e.HasIndex(m => new { m.InstanceId, m.SubscriptionKey }).IsUnique();
        });
        modelBuilder.Entity<BufferedWorkflowMessage>(e =>
        {
            e.ToTable("BufferedWorkflowMessages");
            e.Property(m => m.MessageName).HasMaxLength(200);
            e.Property(m => m.CorrelationKey).HasMaxLength(200);
            // The same message published twice is buffered once.
            e.HasIndex(m => m.MessageId).IsUnique();
            e.HasIndex(m => new { m.MessageName, m.CorrelationKey, m.DealershipId, m.ExpiresAt });
        });
        modelBuilder.Entity<WorkflowMessageDelivery>(e =>
        {
            e.ToTable("WorkflowMessageDeliveries");
            e.HasKey(d => new { d.MessageId, d.InstanceId });
        });
        modelBuilder.Entity<KnownDealership>(e =>
        {
            e.ToTable("KnownDealerships");
            e.Property(d => d.Code).HasMaxLength(32);
        });
        modelBuilder.Entity<DealershipSmsRules>(e =>
        {
            e.ToTable("DealershipSmsRules");
            e.HasKey(r => r.DealershipId);
            e.Property(r => r.TimeZone).HasMaxLength(64);
            e.Ignore(r => r.QuietHours);
        });
    }
}

public sealed class InvitationWorkflowSqliteDbContext(DbContextOptions<InvitationWorkflowSqliteDbContext> options) : InvitationWorkflowDbContext(options);

public sealed class InvitationWorkflowSqlServerDbContext(DbContextOptions<InvitationWorkflowSqlServerDbContext> options) : InvitationWorkflowDbContext(options);

public sealed class InvitationWorkflowSqliteFactory : SqliteDesignTimeFactory<InvitationWorkflowSqliteDbContext>;

public sealed class InvitationWorkflowSqlServerFactory : SqlServerDesignTimeFactory<InvitationWorkflowSqlServerDbContext>;
