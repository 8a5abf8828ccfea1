using Dealership.Appointment.Bookings;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment;

public class AppointmentDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "appointment";

    public DbSet<KnownLead> Leads => Set<KnownLead>();
    public DbSet<Booking> Bookings => Set<Booking>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<KnownLead>(e =>
        {
            e.ToTable("Leads");
            e.HasKey(l => l.LeadId);
            e.Property(l => l.DealershipCode).HasMaxLength(32);
        });
        modelBuilder.Entity<Booking>(e =>
        {
            e.Property(b => b.Purpose).HasMaxLength(60);
            e.Property(b => b.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(b => new { b.DealershipId, b.StartsAt });
            e.HasIndex(b => b.LeadId);
        });
    }
}

public sealed class AppointmentSqliteDbContext(DbContextOptions<AppointmentSqliteDbContext> options) : AppointmentDbContext(options);

public sealed class AppointmentSqlServerDbContext(DbContextOptions<AppointmentSqlServerDbContext> options) : AppointmentDbContext(options);

public sealed class AppointmentSqliteFactory : SqliteDesignTimeFactory<AppointmentSqliteDbContext>;

public sealed class AppointmentSqlServerFactory : SqlServerDesignTimeFactory<AppointmentSqlServerDbContext>;
