using System.Collections.Concurrent;
using System.Linq.Expressions;
using Dealership.Hosting.Data;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dealership.Hosting.Messaging;

/// <summary>
/// Base of every service's DbContext: adds the outbox and inbox tables, the service's schema on
/// SQL Server, the conventions SQLite needs, and the one filter that keeps each caller to the rows
/// of its own dealerships.
/// </summary>
/// <remarks>
/// Every entity with a <c>DealershipId</c> is filtered by the dealerships of the person or client
/// whose HTTP request uses the context, so an endpoint cannot read another dealership's rows even
/// when it forgets to check. Work that runs outside a request (consumers, timers, the outbox) is a
/// service acting for itself and sees every row. A consultant's own leads and tasks are narrowed
/// further where a context declares who owns a row (<see cref="VisibleToOwnConsultant{T}"/>).
/// </remarks>
public abstract class ServiceDbContext(DbContextOptions options) : DbContext(options)
{
    public const string DealershipFilter = "dealership";
    public const string ConsultantFilter = "consultant";

    private CallerScope? _set;
    private (System.Security.Claims.ClaimsPrincipal? User, CallerScope Scope) _ofRequest;

    /// <summary>The SQL Server schema that holds this service's tables.</summary>
    protected abstract string Schema { get; }

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    /// <summary>Queues a message to be published once the current changes are saved.</summary>
    public void Publish<T>(T message) where T : class
    {
        var row = OutboxMessage.Create(message);
        OutboxMessages.Add(row);
        Published.Add(row);
    }

    /// <summary>
    /// The rows <see cref="Publish{T}"/> queued since the last save that succeeded: what the outbox's interceptor leases
    /// and hands over, read from here because a scan of the change tracker detects the changes of every tracked
    /// entity, on every save (issue 14's profile: 3 % of the host's CPU).
    /// </summary>
    internal List<OutboxMessage> Published { get; } = [];

    /// <summary>
    /// The inbox row of the message being consumed (set by <see cref="InboxFilter{TConsumer}"/>), added to the
    /// first save that succeeds, so it commits in the same transaction as the consumer's changes and outbox rows.
    /// </summary>
    private InboxMessage? _consuming;

    internal void ConsumeOnce(InboxMessage? row) => _consuming = row;

    /// <summary>
    /// True when the message being consumed has meanwhile been committed by a copy delivered at the same time
    /// (a save of this one failed on the inbox's key): retrying here would only fail again.
    /// </summary>
    internal async Task<bool> ConsumedElsewhereAsync(CancellationToken cancellationToken) =>
        _consuming is { } row && await ConsumedAsync(row.MessageId, row.Consumer, cancellationToken);

    /// <summary>Whether <paramref name="consumer"/> has committed the message: asked before every message a consumer takes.</summary>
    internal Task<bool> ConsumedAsync(Guid messageId, string consumer, CancellationToken cancellationToken) =>
        InboxLookups.GetOrAdd(GetType(), _ => EF.CompileAsyncQuery((ServiceDbContext db, Guid id, string name, CancellationToken _) =>
            db.InboxMessages.Any(i => i.MessageId == id && i.Consumer == name)))(this, messageId, consumer, cancellationToken);

    // Compiled once per context type (each has its own model and SQL), since the inbox's lookup runs before every message
    // and a LINQ query pays for building and matching its expression tree on every run.
    private static readonly ConcurrentDictionary<Type, Func<ServiceDbContext, Guid, string, CancellationToken, Task<bool>>> InboxLookups = new();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var consumed = StageInboxRow();
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        if (consumed)
            _consuming = null;
        return saved;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var consumed = StageInboxRow();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (consumed)
            _consuming = null;
        return saved;
    }

    private bool StageInboxRow()
    {
        if (_consuming is null)
            return false;
        // Added again when a retry cleared the change tracker after a failed save.
        if (Entry(_consuming).State == EntityState.Detached)
            InboxMessages.Add(_consuming);
        return true;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time-with-offset type; stored as a sortable number in UTC, comparisons and ordering translate.
        if (Database.IsSqlite())
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcBinaryConverter>();
    }

    /// <summary>
    /// Forgets everything the last scope that used this context left in it (contexts are pooled, see
    /// <c>ServiceDatabase.AddPooledContext</c>): a field added to this class must be reset here.
    /// </summary>
    internal void StartOver()
    {
        _set = null;
        _ofRequest = default;
        _consuming = null;
        Published.Clear();
    }

    /// <summary>Whose rows this context reads: the HTTP request's caller, unless a handler that has checked access sets it.</summary>
    public CallerScope Scope
    {
        get
        {
            if (_set is not null)
                return _set;
            // Recomputed when the request's user changes: authentication may read this context before it signs the caller in.
            var http = this.GetService<IHttpContextAccessor>().HttpContext;
            if (http is null)
                return CallerScope.Service;
            if (!ReferenceEquals(_ofRequest.User, http.User))
                _ofRequest = (http.User, CallerScope.Of(http));
            return _ofRequest.Scope;
        }
        set => _set = value;
    }

    // Read by the query filters; EF Core evaluates them per query, on this instance.
    private bool ScopeAll => Scope.AllDealerships;
    private List<Guid> ScopeDealerships => Scope.Dealerships;
    private Guid? ScopeConsultant => Scope.OwnConsultant;

    /// <summary>The service's own tables; the base adds the outbox and inbox, then the dealership filters.</summary>
    protected abstract void OnServiceModelCreating(ModelBuilder modelBuilder);

    /// <summary>A consultant who is only a consultant sees the rows whose <paramref name="owner"/> is he or she.</summary>
    protected void VisibleToOwnConsultant<T>(ModelBuilder modelBuilder, Expression<Func<T, Guid?>> owner) where T : class
    {
        var row = owner.Parameters[0];
        Expression<Func<Guid?>> consultant = () => ScopeConsultant;
        var body = Expression.OrElse(
            Expression.Equal(consultant.Body, Expression.Constant(null, typeof(Guid?))),
            Expression.Equal(owner.Body, consultant.Body));
        modelBuilder.Entity<T>().HasQueryFilter(ConsultantFilter, Expression.Lambda<Func<T, bool>>(body, row));
    }

    protected sealed override void OnModelCreating(ModelBuilder modelBuilder)
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
            e.HasIndex(i => i.ConsumedAt);
        });

        OnServiceModelCreating(modelBuilder);
        FilterByDealership(modelBuilder);
    }

    private void FilterByDealership(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(t => t.ClrType.GetProperty("DealershipId") is not null && !t.IsOwned()).ToList())
        {
            var property = entity.ClrType.GetProperty("DealershipId")!;
            var row = Expression.Parameter(entity.ClrType, "row");
            Expression id = Expression.Property(row, property);
            Expression<Func<bool>> all = () => ScopeAll;
            Expression<Func<List<Guid>>> dealerships = () => ScopeDealerships;
            var contains = typeof(List<Guid>).GetMethod(nameof(List<Guid>.Contains))!;
            Expression allowed;
            if (property.PropertyType == typeof(Guid))
                allowed = Expression.Call(dealerships.Body, contains, id);
            else if (property.PropertyType == typeof(Guid?))
            {
                // A row of no dealership (a network-wide definition, a lead whose dealership was unknown)
                // belongs to the network; an entity that everyone may read says so by SharedWhenNoDealership.
                var own = Expression.AndAlso(Expression.NotEqual(id, Expression.Constant(null, typeof(Guid?))),
                    Expression.Call(dealerships.Body, contains, Expression.Property(id, "Value")));
                allowed = entity.ClrType.IsDefined(typeof(SharedWhenNoDealershipAttribute), inherit: true)
                    ? Expression.OrElse(Expression.Equal(id, Expression.Constant(null, typeof(Guid?))), own)
                    : own;
            }
            else
                continue;
            modelBuilder.Entity(entity.ClrType).HasQueryFilter(DealershipFilter, Expression.Lambda(Expression.OrElse(all.Body, allowed), row));
        }
    }
}

/// <summary>Rows of this entity with no dealership are the network's, readable by every dealership.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SharedWhenNoDealershipAttribute : Attribute;
