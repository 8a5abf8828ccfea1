using Dealership.Hosting.Messaging;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Support;

/// <summary>
/// One service's database, migrated, in memory and without a host: for the specs of rules that read
/// and write it (SMS requests, intake, bookings), which then take milliseconds instead of a host's
/// seconds, so that mutation testing can run them for every mutant.
/// </summary>
public sealed class ServiceDatabase<TContext> : IAsyncDisposable where TContext : ServiceDbContext
{
    private readonly SqliteConnection _connection;
    private readonly ServiceProvider _services;

    private ServiceDatabase(SqliteConnection connection, ServiceProvider services)
    {
        _connection = connection;
        _services = services;
    }

    /// <param name="TSqlite">The service's SQLite context, which holds its SQLite migrations.</param>
    public static async Task<ServiceDatabase<TContext>> CreateAsync<TSqlite>() where TSqlite : TContext
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var services = new ServiceCollection()
            .AddHttpContextAccessor()
            .AddDbContext<TContext, TSqlite>(options => Dealership.Hosting.Data.ServiceDatabase.UseSqlite(options, connection))
            .BuildServiceProvider();
        var database = new ServiceDatabase<TContext>(connection, services);
        await using (var db = database.Open())
            await db.Database.MigrateAsync();
        return database;
    }

    /// <summary>A new context on the database, as a consumer or an endpoint gets one; the caller disposes it.</summary>
    public TContext Open() => _services.CreateScope().ServiceProvider.GetRequiredService<TContext>();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
