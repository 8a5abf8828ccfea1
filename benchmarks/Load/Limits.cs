using System.Diagnostics;
using MassTransit;
using Microsoft.Data.Sqlite;

namespace Dealership.Load;

/// <summary>A message with nothing in it, so that a rate of it is the transport's own.</summary>
public sealed record LimitProbe(int Number);

/// <summary>
/// The machine's raw rates, measured in the same run as the load so that each figure can be set against them: SQLite
/// commits with synchronous=FULL, and messages published and consumed through MassTransit, as the services use both.
/// </summary>
public static class Limits
{
    /// <summary>
    /// Commits a second of one small row each into a fresh file in <paramref name="folder"/> (the services' file system), in
    /// WAL mode with synchronous=FULL as the services' files are: every commit waits for its fsync.
    /// </summary>
    public static double SqliteCommitsPerSecond(string folder, TimeSpan duration)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "commit-probe.db");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()))
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE Probe (Id TEXT PRIMARY KEY, At INTEGER NOT NULL, Body TEXT NOT NULL);");
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO Probe (Id, At, Body) VALUES ($id, $at, $body)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            // About the size of an outbox row's JSON body.
            insert.Parameters.AddWithValue("$body", new string('x', 400));
            var commits = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                id.Value = Guid.NewGuid().ToString();
                at.Value = clock.ElapsedTicks;
                insert.ExecuteNonQuery();
                transaction.Commit();
                commits++;
            }
            return commits / clock.Elapsed.TotalSeconds;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Messages a second published and consumed through a MassTransit bus made by <paramref name="create"/> (one receive
    /// endpoint with the transport's default prefetch and concurrency, as the services' endpoints have): publishers keep
    /// <paramref name="concurrency"/> publishes under way for <paramref name="duration"/>, and the rate is the messages
    /// consumed over the time until the last one was.
    /// </summary>
    public static async Task<double> BusMessagesPerSecond(Func<Action<IReceiveConfigurator>, IBusControl> create, TimeSpan duration, int concurrency = 32)
    {
        var consumed = 0;
        var queue = "load-limit-probe-" + Guid.NewGuid().ToString("N")[..8];
        var bus = create(cfg => cfg.ReceiveEndpoint(queue, e => e.Handler<LimitProbe>(_ =>
        {
            Interlocked.Increment(ref consumed);
            return Task.CompletedTask;
        })));
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            // A first message through, so that the exchange, the queue and their binding exist before the clock starts.
            await bus.Publish(new LimitProbe(0));
            var warm = Stopwatch.StartNew();
            while (Volatile.Read(ref consumed) == 0 && warm.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(10);
            Interlocked.Exchange(ref consumed, 0);

            var published = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (clock.Elapsed < duration)
                    await bus.Publish(new LimitProbe(Interlocked.Increment(ref published)));
            }));
            while (Volatile.Read(ref consumed) < published && clock.Elapsed < duration + TimeSpan.FromSeconds(30))
                await Task.Delay(5);
            return Volatile.Read(ref consumed) / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
