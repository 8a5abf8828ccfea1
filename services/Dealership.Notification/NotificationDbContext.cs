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

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<CustomerContact>(e =>
        {
            e.ToTable("Contacts");
            e.HasKey(c => c.LeadId);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Phone).HasMaxLength(32);
        });
        modelBuilder.Entity<SmsMessage>(e =>
        {
            e.ToTable("SmsMessages");
            e.Property(m => m.Recipient).HasMaxLength(20);
            e.Property(m => m.Phone).HasMaxLength(32);
            e.Property(m => m.Template).HasMaxLength(60);
            e.Property(m => m.Text).HasMaxLength(1000);
            e.Property(m => m.IdempotencyKey).HasMaxLength(200);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            // At most one SMS per business reason, whatever is redelivered.
            e.HasIndex(m => m.IdempotencyKey).IsUnique();
            e.HasIndex(m => new { m.LeadId, m.CreatedAt });
        });
    }
}

public sealed class NotificationSqliteDbContext(DbContextOptions<NotificationSqliteDbContext> options) : NotificationDbContext(options);

public sealed class NotificationSqlServerDbContext(DbContextOptions<NotificationSqlServerDbContext> options) : NotificationDbContext(options);

public sealed class NotificationSqliteFactory : SqliteDesignTimeFactory<NotificationSqliteDbContext>;

public sealed class NotificationSqlServerFactory : SqlServerDesignTimeFactory<NotificationSqlServerDbContext>;
