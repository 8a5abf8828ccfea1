using Dealership.Assignment.Routing;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment;

public class AssignmentDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "assignment";

    public DbSet<Consultant> Consultants => Set<Consultant>();
    public DbSet<LeadAssignment> Assignments => Set<LeadAssignment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Consultant>(e =>
        {
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Phone).HasMaxLength(32);
            // Two leads routed at once must not both take the same "next" consultant unnoticed.
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => new { c.DealershipId, c.LastAssignedAt });
        });
        modelBuilder.Entity<LeadAssignment>(e =>
        {
            e.ToTable("Assignments");
            e.HasKey(a => a.LeadId);
            e.Property(a => a.Reason).HasMaxLength(500);
        });
    }
}

public sealed class AssignmentSqliteDbContext(DbContextOptions<AssignmentSqliteDbContext> options) : AssignmentDbContext(options);

public sealed class AssignmentSqlServerDbContext(DbContextOptions<AssignmentSqlServerDbContext> options) : AssignmentDbContext(options);

public sealed class AssignmentSqliteFactory : SqliteDesignTimeFactory<AssignmentSqliteDbContext>;

public sealed class AssignmentSqlServerFactory : SqlServerDesignTimeFactory<AssignmentSqlServerDbContext>;
