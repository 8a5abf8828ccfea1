using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Dealership.Hosting.Messaging;

/// <summary>
/// Base of every service's DbContext: adds the outbox and inbox tables, the service's schema on
/// SQL Server, and the conventions SQLite needs.
/// </summary>
public abstract class ServiceDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The SQL Server schema that holds this service's tables.</summary>
    protected abstract string Schema { get; }

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    /// <summary>Queues a message to be published once the current changes are saved.</summary>
    public void Publish<T>(T message) where T : class => OutboxMessages.Add(OutboxMessage.Create(message));

    /// <summary>
    /// True the first time <paramref name="consumer"/> sees this message, and then stages the inbox row
    /// so it commits with the consumer's changes. A concurrent duplicate fails on the inbox's key and is
    /// retried, and then sees the message as consumed.
    /// </summary>
    public async Task<bool> FirstDeliveryAsync(ConsumeContext context, string consumer)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException("The message has no MessageId, so a redelivery could not be recognised.");
        if (await InboxMessages.AnyAsync(i => i.MessageId == messageId && i.Consumer == consumer, context.CancellationToken))
            return false;
        InboxMessages.Add(new InboxMessage { MessageId = messageId, Consumer = consumer, ConsumedAt = DateTimeOffset.UtcNow });
        return true;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time-with-offset type; stored as a sortable number, comparisons and ordering translate.
        if (Database.IsSqlite())
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        if (Database.IsSqlServer())
            modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("OutboxMessages");
            e.Property(m => m.MessageType).HasMaxLength(200);
            e.Property(m => m.TraceParent).HasMaxLength(100);
            e.Property(m => m.LastError).HasMaxLength(2000);
            e.HasIndex(m => new { m.SentAt, m.CreatedAt });
        });
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable("InboxMessages");
            e.HasKey(i => new { i.MessageId, i.Consumer });
            e.Property(i => i.Consumer).HasMaxLength(200);
        });
    }
}
