using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake.Leads;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake;

public class LeadIntakeDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "leads";

    public DbSet<IntakeDealership> Dealerships => Set<IntakeDealership>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<LeadTask> Tasks => Set<LeadTask>();
    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<IntakeDealership>(e =>
        {
            e.ToTable("Dealerships");
            e.Property(d => d.Code).HasMaxLength(32);
            e.Property(d => d.Name).HasMaxLength(200);
            e.HasIndex(d => d.Code).IsUnique();
        });
        modelBuilder.Entity<Lead>(e =>
        {
            e.Property(l => l.Source).HasMaxLength(40);
            e.Property(l => l.ExternalId).HasMaxLength(100);
            e.Property(l => l.Name).HasMaxLength(200);
            e.Property(l => l.Phone).HasMaxLength(32);
            e.Property(l => l.Email).HasMaxLength(200);
            e.Property(l => l.VehicleOfInterest).HasMaxLength(200);
            e.Property(l => l.AssignedConsultantName).HasMaxLength(200);
            e.Property(l => l.Stage).HasConversion<string>().HasMaxLength(40);
            // The same source and external id is the same lead, also when two copies arrive at once.
            e.HasIndex(l => new { l.DealershipId, l.Source, l.ExternalId }).IsUnique();
            e.HasIndex(l => new { l.DealershipId, l.CreatedAt });
        });
        modelBuilder.Entity<LeadTask>(e =>
        {
            e.ToTable("Tasks");
            e.Property(t => t.Kind).HasMaxLength(60);
            e.HasIndex(t => t.LeadId);
        });
        modelBuilder.Entity<TimelineEntry>(e =>
        {
            e.ToTable("Timeline");
            e.Property(t => t.Kind).HasMaxLength(60);
            e.Property(t => t.Text).HasMaxLength(1000);
            e.HasIndex(t => new { t.LeadId, t.At });
        });
    }
}

public sealed class LeadIntakeSqliteDbContext(DbContextOptions<LeadIntakeSqliteDbContext> options) : LeadIntakeDbContext(options);

public sealed class LeadIntakeSqlServerDbContext(DbContextOptions<LeadIntakeSqlServerDbContext> options) : LeadIntakeDbContext(options);

public sealed class LeadIntakeSqliteFactory : SqliteDesignTimeFactory<LeadIntakeSqliteDbContext>;

public sealed class LeadIntakeSqlServerFactory : SqlServerDesignTimeFactory<LeadIntakeSqlServerDbContext>;
