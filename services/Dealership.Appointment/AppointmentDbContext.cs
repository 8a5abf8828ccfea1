using Dealership.Appointment.Bookings;
using Dealership.Appointment.Calendars;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment;

public class AppointmentDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "appointment";

    public DbSet<KnownLead> Leads => Set<KnownLead>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<ShowroomCalendar> Calendars => Set<ShowroomCalendar>();

    protected override void OnServiceModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<KnownLead>(e =>
        {
            e.ToTable("Leads");
            e.HasKey(l => l.LeadId);
            e.Property(l => l.DealershipCode).HasMaxLength(32);
            e.Property(l => l.Source).HasMaxLength(40);
        });
        modelBuilder.Entity<Booking>(e =>
        {
            e.Property(b => b.Purpose).HasMaxLength(60);
            e.Property(b => b.Model).HasMaxLength(100);
            e.Property(b => b.Directions).HasMaxLength(500);
            e.Property(b => b.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(b => b.BookedBy).HasMaxLength(20);
            e.Property(b => b.Resource).HasMaxLength(20);
            e.Property(b => b.Source).HasMaxLength(40);
            e.Property(b => b.IdempotencyKey).HasMaxLength(200);
            e.Property(b => b.ConfirmationAnswer).HasMaxLength(30);
            e.Property(b => b.CancelReason).HasMaxLength(300);
            e.Property(b => b.Version).IsConcurrencyToken();
            e.Ignore(b => b.Active);
            e.HasIndex(b => new { b.DealershipId, b.StartsAt });
            e.HasIndex(b => b.LeadId);
            e.HasIndex(b => new { b.Status, b.StartsAt });
            // The referees of racing bookings (ADR 0300): one booking per place of a slot, one per consultant and start.
            // Rows that hold no place (cancelled, missed) have nulls there, which unique indexes do not compare.
            e.HasIndex(b => new { b.DealershipId, b.Resource, b.StartsAt, b.Seat }).IsUnique();
            e.HasIndex(b => new { b.ConsultantSlot, b.StartsAt }).IsUnique();
            e.HasIndex(b => b.IdempotencyKey).IsUnique();
        });
        modelBuilder.Entity<ShowroomCalendar>(e =>
        {
            e.ToTable("Calendars");
            e.HasKey(c => c.DealershipId);
            e.Property(c => c.DealershipCode).HasMaxLength(32);
            e.HasIndex(c => c.DealershipCode);
            e.Property(c => c.TimeZone).HasMaxLength(64);
        });
    }
}

public sealed class AppointmentSqliteDbContext(DbContextOptions<AppointmentSqliteDbContext> options) : AppointmentDbContext(options);

public sealed class AppointmentSqlServerDbContext(DbContextOptions<AppointmentSqlServerDbContext> options) : AppointmentDbContext(options);

public sealed class AppointmentSqliteFactory : SqliteDesignTimeFactory<AppointmentSqliteDbContext>;

public sealed class AppointmentSqlServerFactory : SqlServerDesignTimeFactory<AppointmentSqlServerDbContext>;
