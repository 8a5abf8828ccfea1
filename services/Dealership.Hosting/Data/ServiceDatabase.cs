using Dealership.Hosting.Lag;
using Dealership.Hosting.Messaging;
using Dealership.Hosting.Polling;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Data;

public static class ServiceDatabase
{
    public const string Sqlite = "Sqlite";
    public const string SqlServer = "SqlServer";

    /// <summary>
    /// Registers a service's DbContext on the configured provider (<c>Database:Provider</c>, SQLite by
    /// default) with its outbox dispatcher and the readiness checks of both. Each provider has its own
    /// context subclass so that each keeps its own set of migrations.
    /// </summary>
    /// <param name="configure">What else the service's options need (pooled contexts may not change them in OnConfiguring).</param>
    public static void AddServiceDatabase<TContext, TSqlite, TSqlServer>(this WebApplicationBuilder builder, string serviceName,
        Action<DbContextOptionsBuilder>? configure = null)
        where TContext : ServiceDbContext
        where TSqlite : TContext
        where TSqlServer : TContext
    {
        var configuration = builder.Configuration;
        var provider = configuration["Database:Provider"] ?? Sqlite;
        var connectionString = configuration.GetConnectionString(serviceName);
        var services = builder.Services;

        services.AddSingleton<OutboxSignal<TContext>>();
        services.AddSingleton<OutboxSignalInterceptor<TContext>>();

        if (provider.Equals(Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            connectionString ??= $"Data Source={Path.Combine(DataDirectory(configuration), serviceName + ".db")}";
            // As long as a command may wait for the lock anyway (Microsoft.Data.Sqlite's default command timeout).
            var busyTimeout = new SqliteBusyTimeout(TimeSpan.FromSeconds(30));
            AddPooledContext<TContext, TSqlite>(services, options => UseSqlite(options, connectionString).AddInterceptors(busyTimeout), configure);
        }
        else if (provider.Equals(SqlServer, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException($"Database:Provider is SqlServer but ConnectionStrings:{serviceName} is not set.");
            AddPooledContext<TContext, TSqlServer>(services, options => options.UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure()), configure);
        }
        else
        {
            throw new InvalidOperationException($"Database:Provider '{provider}' is not supported: use {Sqlite} or {SqlServer}.");
        }

        services.AddSingleton(new MigratedContext(typeof(TContext), serviceName));
        services.AddPollingWorker<OutboxDispatcher<TContext>>();
        services.AddHealthChecks()
            .AddDbContextCheck<TContext>($"{serviceName}-database", tags: [HealthTags.Ready])
            .AddTypeActivatedCheck<OutboxHealthCheck<TContext>>($"{serviceName}-outbox", failureStatus: null, tags: [HealthTags.Ready], args: serviceName);
    }

    /// <summary>
    /// The service's context for each scope (a message, a request), on the provider <paramref name="useProvider"/> sets, with
    /// the outbox's interceptor and what the service adds, rented from a pool and given back when the scope ends.
    /// </summary>
    /// <remarks>
    /// A context built anew for every scope had EF Core build its options and resolve its few dozen internal services each
    /// time: 4 % of the embedded host's CPU under load, in issue 14's profile. A rented context keeps those; EF Core resets
    /// its change tracker and connection when it is given back, and <see cref="ServiceDbContext.StartOver"/> forgets what
    /// the last scope told it (whose rows it reads above all), here, before any code of the new scope can see it.
    /// </remarks>
    private static void AddPooledContext<TContext, TImplementation>(IServiceCollection services, Action<DbContextOptionsBuilder> useProvider,
        Action<DbContextOptionsBuilder>? configure)
        where TContext : ServiceDbContext
        where TImplementation : TContext
    {
        services.AddPooledDbContextFactory<TImplementation>((sp, options) =>
        {
            useProvider(options);
            options.AddInterceptors(sp.GetRequiredService<OutboxSignalInterceptor<TContext>>());
            configure?.Invoke(options);
        });
        services.AddScoped<TContext>(sp =>
        {
            var db = sp.GetRequiredService<IDbContextFactory<TImplementation>>().CreateDbContext();
            db.StartOver();
            return db;
        });
    }

    /// <summary>
    /// SQLite as every service context uses it, for whatever opens one (the hosts, specs, tools). One configuration,
    /// so one EF Core model per context type: a compiled query is bound to the first model it runs with and refuses
    /// any other (ADR 0535).
    /// </summary>
    public static DbContextOptionsBuilder UseSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, SqliteOptions);

    /// <inheritdoc cref="UseSqlite(DbContextOptionsBuilder, string)"/>
    public static DbContextOptionsBuilder<TContext> UseSqlite<TContext>(DbContextOptionsBuilder<TContext> options, string connectionString)
        where TContext : DbContext =>
        options.UseSqlite(connectionString, SqliteOptions);

    /// <inheritdoc cref="UseSqlite(DbContextOptionsBuilder, string)"/>
    public static DbContextOptionsBuilder UseSqlite(DbContextOptionsBuilder options, System.Data.Common.DbConnection connection) =>
        options.UseSqlite(connection, SqliteOptions);

    // A list in a query (the dealership filter's above all) as one JSON parameter: as one parameter per element, EF
    // Core's default, the SQL of every filtered query was generated again at each execution (ADR 0532).
    private static void SqliteOptions(Microsoft.EntityFrameworkCore.Infrastructure.SqliteDbContextOptionsBuilder sqlite) =>
        sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);

    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration["Database:DataDirectory"] ?? "data");

    /// <summary>Applies pending migrations; on SQLite also switches the file to WAL so readers never block the writer.</summary>
    public static async Task MigrateAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            var dataSource = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(folder))
                Directory.CreateDirectory(folder);
        }
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}

/// <summary>A service's DbContext, whose database is migrated on start and whose outbox the lag is measured on.</summary>
public sealed record MigratedContext(Type ContextType, string Service);

/// <summary>
/// Leases the outbox rows a save adds (those queued by <see cref="ServiceDbContext.Publish{T}"/>) to this process's
/// dispatcher, hands them over once committed, and wakes the dispatcher (<see cref="OutboxSignal{TContext}"/>).
/// </summary>
public sealed class OutboxSignalInterceptor<TContext>(OutboxSignal<TContext> signal, IOptions<OutboxOptions> options) : SaveChangesInterceptor
    where TContext : ServiceDbContext
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Lease(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Lease(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        HandOver(eventData.Context);
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        HandOver(eventData.Context);
        return base.SavedChanges(eventData, result);
    }

    private void Lease(DbContext? context)
    {
        // Only a save that is its own transaction has committed when it returns; rows saved inside a wider one are
        // claimed from the table once that commits.
        if (context is not ServiceDbContext db || db.Published.Count == 0
            || db.Database.CurrentTransaction is not null || System.Transactions.Transaction.Current is not null)
            return;
        var room = signal.Room(options.Value.BatchSize);
        var until = DateTimeOffset.UtcNow + options.Value.LeaseDuration;
        foreach (var row in db.Published)
        {
            if (room-- <= 0)
                break;
            if (row is { LockedBy: null, SentAt: null })
            {
                row.LockedBy = signal.Owner;
                row.LockedUntil = until;
                row.HandOverOnSave = true;
            }
        }
    }

    private void HandOver(DbContext? context)
    {
        if (context is not ServiceDbContext db || db.Published.Count == 0)
            return;
        foreach (var row in db.Published)
        {
            // A row the change tracker let go of (a retry on fresh data clears it) was not saved.
            if (row.HandOverOnSave && db.Entry(row).State == EntityState.Unchanged)
                signal.HandOver(row);
            row.HandOverOnSave = false;
        }
        db.Published.Clear();
        signal.Notify();
    }
}
