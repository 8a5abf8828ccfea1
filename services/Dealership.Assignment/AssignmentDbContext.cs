using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dealership.Assignment.Plans;
using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dealership.Assignment;

public class AssignmentDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "assignment";

    public DbSet<RoutingSettings> Settings => Set<RoutingSettings>();
    public DbSet<Consultant> Consultants => Set<Consultant>();
    public DbSet<RoutingRule> Rules => Set<RoutingRule>();
    public DbSet<LeadAssignment> Assignments => Set<LeadAssignment>();
    public DbSet<AssignmentAudit> Audit => Set<AssignmentAudit>();
    public DbSet<VisitTarget> Plans => Set<VisitTarget>();
    public DbSet<StoreVisit> Visits => Set<StoreVisit>();

    protected override void OnServiceModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RoutingSettings>(e =>
        {
            e.HasKey(s => s.DealershipId);
            e.Property(s => s.DealershipCode).HasMaxLength(32);
            e.Property(s => s.TimeZone).HasMaxLength(64);
            e.Property(s => s.OutsideHours).HasConversion<string>().HasMaxLength(40);
            e.Property(s => s.OnFirstContactOverdue).HasConversion<string>().HasMaxLength(40);
        });
        modelBuilder.Entity<Consultant>(e =>
        {
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Phone).HasMaxLength(32);
            e.Property(c => c.Team).HasMaxLength(100);
            e.Property(c => c.Role).HasConversion<string>().HasMaxLength(40);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(40);
            e.Property(c => c.Skills).AsJson();
            e.Property(c => c.Languages).AsJson();
            e.Property(c => c.WorkingHours).AsJson();
            e.Property(c => c.DaysOff).AsJson();
            // Two leads routed at once must not both take the same consultant's turn or last free slot (ADR 0200).
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => new { c.DealershipId, c.LastAssignedAt });
        });
        modelBuilder.Entity<RoutingRule>(e =>
        {
            e.ToTable("RoutingRules");
            e.Property(r => r.Name).HasMaxLength(200);
            e.Property(r => r.VehicleContains).HasMaxLength(200);
            e.Property(r => r.Language).HasMaxLength(40);
            e.Property(r => r.Team).HasMaxLength(100);
            e.Property(r => r.Sources).AsJson();
            e.Property(r => r.Steps).AsJson();
            e.HasIndex(r => new { r.DealershipId, r.Priority });
        });
        modelBuilder.Entity<LeadAssignment>(e =>
        {
            e.ToTable("Assignments");
            e.HasKey(a => a.LeadId);
            e.Property(a => a.Source).HasMaxLength(40);
            e.Property(a => a.CustomerPhone).HasMaxLength(32);
            e.Property(a => a.Vehicle).HasMaxLength(200);
            e.Property(a => a.Language).HasMaxLength(40);
            e.Property(a => a.Rule).HasMaxLength(200);
            e.Property(a => a.Reason).HasMaxLength(1000);
            e.Property(a => a.State).HasConversion<string>().HasMaxLength(40);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasIndex(a => new { a.DealershipId, a.CustomerPhone });
            e.HasIndex(a => new { a.DealershipId, a.State });
            e.HasIndex(a => new { a.ConsultantId, a.State });
            e.HasIndex(a => new { a.State, a.WaitUntil });
        });
        modelBuilder.Entity<AssignmentAudit>(e =>
        {
            e.ToTable("AssignmentAudit");
            e.Property(a => a.Action).HasMaxLength(40);
            e.Property(a => a.Actor).HasMaxLength(200);
            e.Property(a => a.Reason).HasMaxLength(1000);
            e.HasIndex(a => new { a.LeadId, a.At });
            e.HasIndex(a => new { a.DealershipId, a.At });
        });
        modelBuilder.Entity<VisitTarget>(e =>
        {
            e.ToTable("VisitTargets");
            e.Property(p => p.Month).HasMaxLength(7);
            e.Property(p => p.Source).HasMaxLength(40);
            e.HasIndex(p => new { p.DealershipId, p.Month, p.ConsultantId, p.Source }).IsUnique();
        });
        modelBuilder.Entity<StoreVisit>(e =>
        {
            e.ToTable("StoreVisits");
            e.HasKey(v => v.AppointmentId);
            e.Property(v => v.Month).HasMaxLength(7);
            e.Property(v => v.Source).HasMaxLength(40);
            e.HasIndex(v => new { v.DealershipId, v.Month });
        });
    }
}

internal static class JsonColumn
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Stores a small collection as one JSON text column, the same on SQLite and SQL Server.</summary>
    public static PropertyBuilder<T> AsJson<T>(this PropertyBuilder<T> property) where T : class
    {
        Expression<Func<T, string>> write = v => JsonSerializer.Serialize(v, Json);
        Expression<Func<string, T>> read = s => JsonSerializer.Deserialize<T>(s, Json)!;
        var comparer = new ValueComparer<T>(
            (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
            v => JsonSerializer.Serialize(v, Json).GetHashCode(),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Json), Json)!);
        property.HasConversion(write, read, comparer).HasMaxLength(4000);
        return property;
    }
}

public sealed class AssignmentSqliteDbContext(DbContextOptions<AssignmentSqliteDbContext> options) : AssignmentDbContext(options);

public sealed class AssignmentSqlServerDbContext(DbContextOptions<AssignmentSqlServerDbContext> options) : AssignmentDbContext(options);

public sealed class AssignmentSqliteFactory : SqliteDesignTimeFactory<AssignmentSqliteDbContext>;

public sealed class AssignmentSqlServerFactory : SqlServerDesignTimeFactory<AssignmentSqlServerDbContext>;
