using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dealership.Hosting.Data;

/// <summary>
/// Lets SQLite itself wait for the write lock when another connection holds it. Without a busy timeout SQLite answers
/// "busy" at once and Microsoft.Data.Sqlite sleeps 150 ms on the calling thread before it tries again, so two consumers
/// of one service writing at the same moment cost the loser 150 ms, however short the winner's transaction. SQLite's
/// own handler retries after 1, 2, 5, 10 … ms instead (ADR 0524).
/// </summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    private readonly int _milliseconds = (int)timeout.TotalMilliseconds;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    // A pooled connection keeps the setting, but setting it again is one native call, cheaper than remembering which
    // handles have it.
    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
            SQLitePCL.raw.sqlite3_busy_timeout(handle, _milliseconds);
    }
}
