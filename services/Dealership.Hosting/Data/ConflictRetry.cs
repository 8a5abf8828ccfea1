using Dealership.Hosting.Messaging;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Hosting.Data;

public static class ConflictRetry
{
    /// <summary>
    /// Runs <paramref name="attempt"/> (which reads, decides and saves) again on fresh data when another
    /// writer committed first: a row's concurrency token changed since it was read, or a unique index
    /// took the other writer's row. Each attempt starts with an empty change tracker, so it reads what
    /// the database holds now; anything tracked before the call is dropped. After the last attempt the
    /// conflict propagates (a consumer's message is then retried by the bus), and so does any other failure.
    /// </summary>
    public static async Task<T> RetryOnConflictAsync<T>(this ServiceDbContext db, Func<Task<T>> attempt, int attempts = 10,
        CancellationToken cancellationToken = default)
    {
        for (var i = 1; ; i++)
        {
            db.ChangeTracker.Clear();
            try
            {
                return await attempt();
            }
            catch (DbUpdateException ex) when (i < attempts && IsConflict(ex))
            {
                // A copy of the message being consumed committed first: the bus's retry finds it consumed.
                if (await db.ConsumedElsewhereAsync(cancellationToken))
                    throw;
                // Jitter spreads the losers of a race apart so they do not collide again at once.
                await Task.Delay(Random.Shared.Next(1, 10 * Math.Min(i, 10)), cancellationToken);
            }
        }
    }

    public static Task RetryOnConflictAsync(this ServiceDbContext db, Func<Task> attempt, int attempts = 10, CancellationToken cancellationToken = default) =>
        db.RetryOnConflictAsync(async () =>
        {
            await attempt();
            return true;
        }, attempts, cancellationToken);

    /// <summary>Another writer won a race: a stale concurrency token, or a duplicate key in a unique index (SQLite or SQL Server).</summary>
    public static bool IsConflict(DbUpdateException ex) => ex is DbUpdateConcurrencyException || ex.InnerException switch
    {
        // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        // Cannot insert duplicate key: in a unique index, in a unique constraint or primary key
        SqlException sql => sql.Number is 2601 or 2627,
        _ => false,
    };
}
