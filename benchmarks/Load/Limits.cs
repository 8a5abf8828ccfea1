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
        var (commits, elapsed) = SqliteCommits(folder, (_, elapsed) => elapsed < duration);
        return commits / elapsed.TotalSeconds;
    }

    /// <summary>The same commits, <paramref name="count"/> of them, for a caller that measures the CPU they take.</summary>
    public static void SqliteCommits(string folder, int count) => SqliteCommits(folder, (done, _) => done < count);

    private static (int Commits, TimeSpan Elapsed) SqliteCommits(string folder, Func<int, TimeSpan, bool> more)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"commit-probe-{Guid.NewGuid():N}.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
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
        while (more(commits, clock.Elapsed))
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            id.Value = Guid.NewGuid().ToString();
            at.Value = clock.ElapsedTicks;
            insert.ExecuteNonQuery();
            transaction.Commit();
            commits++;
        }
        return (commits, clock.Elapsed);
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
        await using var probe = await BusProbe.StartAsync(create);
        var clock = Stopwatch.StartNew();
        var consumed = await probe.RunAsync((_, elapsed) => elapsed < duration, concurrency);
        return consumed / clock.Elapsed.TotalSeconds;
    }
}

/// <summary>
/// A bus with one queue of <see cref="LimitProbe"/> messages, started and warmed (its exchange, queue and binding exist)
/// before anything is measured, so that a caller can time or count the CPU of the messages alone.
/// </summary>
public sealed class BusProbe : IAsyncDisposable
{
    private readonly IBusControl _bus;
    private int _consumed;

    private BusProbe(Func<Action<IReceiveConfigurator>, IBusControl> create)
    {
        var queue = "load-limit-probe-" + Guid.NewGuid().ToString("N")[..8];
        _bus = create(cfg => cfg.ReceiveEndpoint(queue, e => e.Handler<LimitProbe>(_ =>
        {
            Interlocked.Increment(ref _consumed);
            return Task.CompletedTask;
        })));
    }

    public static async Task<BusProbe> StartAsync(Func<Action<IReceiveConfigurator>, IBusControl> create)
    {
        var probe = new BusProbe(create);
        await probe._bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        await probe._bus.Publish(new LimitProbe(0));
        var warm = Stopwatch.StartNew();
        while (Volatile.Read(ref probe._consumed) == 0 && warm.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(10);
        return probe;
    }

    /// <summary>
    /// Publishes from <paramref name="concurrency"/> publishers while <paramref name="more"/> (given the messages published
    /// and the time taken) says so, then waits until all are consumed (30 s at most); answers how many were.
    /// </summary>
    public async Task<int> RunAsync(Func<int, TimeSpan, bool> more, int concurrency = 32)
    {
        Interlocked.Exchange(ref _consumed, 0);
        var claimed = 0;
        var published = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            // Each publisher claims its message's number first, so that publishers racing for the last of a count never overshoot it.
            while (Interlocked.Increment(ref claimed) is var number && more(number - 1, clock.Elapsed))
            {
                await _bus.Publish(new LimitProbe(number));
                Interlocked.Increment(ref published);
            }
        }));
        var drain = Stopwatch.StartNew();
        while (Volatile.Read(ref _consumed) < published && drain.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(5);
        return Volatile.Read(ref _consumed);
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
