using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.Notification.Sms;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification;

public class NotificationDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "notification";

    public DbSet<CustomerContact> Contacts => Set<CustomerContact>();
    public DbSet<SmsMessage> Messages => Set<SmsMessage>();
    public DbSet<CustomerConsent> Consents => Set<CustomerConsent>();
    public DbSet<DealershipSmsSettings> Settings => Set<DealershipSmsSettings>();
    public DbSet<SmsTemplate> Templates => Set<SmsTemplate>();
    public DbSet<KnownVisit> Visits => Set<KnownVisit>();

    protected override void OnServiceModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CustomerContact>(e =>
        {
            e.ToTable("Contacts");
            e.HasKey(c => c.LeadId);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Phone).HasMaxLength(32);
            e.Property(c => c.CloseReason).HasMaxLength(100);
        });
        modelBuilder.Entity<KnownVisit>(e =>
        {
            e.ToTable("Visits");
            e.HasKey(v => v.AppointmentId);
            e.Property(v => v.State).HasMaxLength(20);
        });
        modelBuilder.Entity<SmsMessage>(e =>
        {
            e.ToTable("SmsMessages");
            e.Property(m => m.Recipient).HasMaxLength(20);
            e.Property(m => m.Phone).HasMaxLength(32);
            e.Property(m => m.Template).HasMaxLength(60);
            e.Property(m => m.Language).HasMaxLength(10);
            // A 500-character template with the showroom's address, parking note and map link written into it.
            e.Property(m => m.Text).HasMaxLength(2000);
            e.Property(m => m.IdempotencyKey).HasMaxLength(200);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.Reason).HasMaxLength(300);
            e.Property(m => m.CarrierMessageId).HasMaxLength(100);
            e.Property(m => m.LastError).HasMaxLength(300);
            e.Property(m => m.TraceParent).HasMaxLength(100);
            e.Ignore(m => m.ForCustomer);
            // At most one SMS per business reason, whatever is redelivered.
            e.HasIndex(m => m.IdempotencyKey).IsUnique();
            e.HasIndex(m => new { m.LeadId, m.CreatedAt });
            // The sender's scan for due messages, the weekly cap and the reply lookup.
            e.HasIndex(m => new { m.Status, m.SendAt });
            e.HasIndex(m => new { m.Phone, m.CreatedAt });
            e.HasIndex(m => m.CarrierMessageId);
            // The day's spending, asked before each customer message is sent: without it, a scan of every message ever kept.
            e.HasIndex(m => new { m.DealershipId, m.SentAt, m.CostFen });
        });
        modelBuilder.Entity<CustomerConsent>(e =>
        {
            e.ToTable("Consents");
            e.HasKey(c => new { c.DealershipId, c.Phone, c.Channel });
            e.Property(c => c.Phone).HasMaxLength(32);
            e.Property(c => c.Channel).HasMaxLength(20);
            e.Property(c => c.Source).HasMaxLength(100);
        });
        modelBuilder.Entity<DealershipSmsSettings>(e =>
        {
            e.ToTable("DealershipSettings");
            e.HasKey(s => s.DealershipId);
            e.Property(s => s.DealershipCode).HasMaxLength(32);
            e.HasIndex(s => s.DealershipCode);
            e.Property(s => s.TimeZone).HasMaxLength(64);
            e.Property(s => s.Signature).HasMaxLength(40);
            e.Property(s => s.Language).HasMaxLength(10);
            e.Property(s => s.NameZh).HasMaxLength(200);
            e.Property(s => s.NameEn).HasMaxLength(200);
            e.Property(s => s.ShowroomAddress).HasMaxLength(500);
            e.Property(s => s.ShowroomMapLink).HasMaxLength(500);
            e.Property(s => s.ParkingNote).HasMaxLength(200);
        });
        modelBuilder.Entity<SmsTemplate>(e =>
        {
            e.ToTable("Templates");
            e.Property(t => t.Purpose).HasMaxLength(60);
            e.Property(t => t.Language).HasMaxLength(10);
            e.Property(t => t.Body).HasMaxLength(500);
            e.HasIndex(t => new { t.DealershipId, t.Purpose, t.Language }).IsUnique();
        });
    }
}

public sealed class NotificationSqliteDbContext(DbContextOptions<NotificationSqliteDbContext> options) : NotificationDbContext(options);

public sealed class NotificationSqlServerDbContext(DbContextOptions<NotificationSqlServerDbContext> options) : NotificationDbContext(options);

public sealed class NotificationSqliteFactory : SqliteDesignTimeFactory<NotificationSqliteDbContext>;

public sealed class NotificationSqlServerFactory : SqlServerDesignTimeFactory<NotificationSqlServerDbContext>;
