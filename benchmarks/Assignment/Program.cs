using System.Diagnostics;
using Dealership.Assignment;
using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

// Assignment decisions per second, two ways:
//  - the rules engine alone (Router.Decide on an in-memory roster): the cost of deciding;
//  - the consumer's whole unit of work on SQLite (inbox row, load settings/rules/roster, previous
//    consultant, decide, audit row, outbox row, one SaveChanges with the concurrency check), by 1 and
//    by 4 concurrent workers: what one assignment replica sustains.
// Usage: dotnet run -c Release --project benchmarks/Assignment [-- --quick]
var quick = args.Contains("--quick");
var engineDecisions = quick ? 20_000 : 200_000;
var dbDecisions = quick ? 500 : 3_000;

Console.WriteLine($"Assignment benchmark  ({Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite)");
Console.WriteLine();
await RunAsync("dealership of 50 consultants", dealerships: 1, consultantsEach: 50);
await RunAsync("OEM network of 500 dealerships x 20 consultants", dealerships: 500, consultantsEach: 20);

async Task RunAsync(string name, int dealerships, int consultantsEach)
{
    var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T10:00+08:00")) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
    var network = Enumerable.Range(0, dealerships).Select(d => Roster(d, consultantsEach)).ToList();

    // Engine alone.
    var random = new Random(1);
    var rules = new List<RoutingRule>
    {
        new() { Name = "events", Priority = 0, Sources = ["marketing-event"], Steps = [RoutingStep.SkillMatch, RoutingStep.LeastLoaded, RoutingStep.SupervisorQueue] },
    };
    for (var i = 0; i < engineDecisions / 5; i++)
        Decide(i);
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < engineDecisions; i++)
        Decide(i);
    watch.Stop();
    Console.WriteLine($"{name}");
    Console.WriteLine($"  rules engine alone:            {engineDecisions / watch.Elapsed.TotalSeconds,10:N0} decisions/s  ({watch.Elapsed.TotalMicroseconds / engineDecisions:N1} µs each)");

    void Decide(int i)
    {
        var (settings, roster) = network[random.Next(network.Count)];
        var decision = Router.Decide(Lead(i, random), settings, rules, roster, null, clock.GetUtcNow());
        if (decision.Consultant is { } chosen)
        {
            chosen.LastAssignedAt = clock.GetUtcNow();
            chosen.OpenLeads = (chosen.OpenLeads + 1) % 30;
        }
    }

    // The consumer's unit of work on SQLite.
    foreach (var workers in new[] { 1, 4 })
    {
        var file = Path.Combine(Path.GetTempPath(), $"assignment-bench-{Guid.NewGuid():N}.db");
        var options = ServiceDatabase.UseSqlite(new DbContextOptionsBuilder<AssignmentSqliteDbContext>(), $"Data Source={file}").Options;
        await using (var db = new AssignmentSqliteDbContext(options))
        {
            await ServiceDatabase.MigrateAsync(db, CancellationToken.None);
            foreach (var (settings, roster) in Fresh(network))
            {
                db.Settings.Add(settings);
                db.Consultants.AddRange(roster);
            }
            await db.SaveChangesAsync();
        }
        // The first run of each scenario warms EF Core (model, compiled queries) and the JIT, untimed.
        var warmUp = dbDecisions / 10;
        await RouteOnDatabaseAsync(options, 1, warmUp, 0);
        var dbWatch = Stopwatch.StartNew();
        var conflicts = await RouteOnDatabaseAsync(options, workers, dbDecisions, warmUp);
        dbWatch.Stop();
        Console.WriteLine($"  consumer unit of work, {workers} worker{(workers > 1 ? "s" : " ")}: {dbDecisions / dbWatch.Elapsed.TotalSeconds,10:N0} decisions/s  ({dbWatch.Elapsed.TotalMilliseconds / dbDecisions:N2} ms each, {conflicts} concurrency retries)");
        SqliteConnection.ClearAllPools();
        foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(file) + "*"))
            File.Delete(f);
    }
    Console.WriteLine();

    async Task<int> RouteOnDatabaseAsync(DbContextOptions<AssignmentSqliteDbContext> options, int workers, int decisions, int offset)
    {
        var conflicts = 0;
        var next = offset;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var workerRandom = new Random(w);
            await using var db = new AssignmentSqliteDbContext(options);
            var assigner = new Assigner(db, clock);
            int i;
            while ((i = Interlocked.Increment(ref next)) <= offset + decisions)
            {
                var (settings, _) = network[workerRandom.Next(network.Count)];
                var facts = Lead(i, workerRandom);
                var attempt = 0;
                await db.RetryOnConflictAsync(async () =>
                {
                    if (attempt++ > 0)
                        Interlocked.Increment(ref conflicts);
                    db.InboxMessages.Add(new InboxMessage { MessageId = Guid.NewGuid(), Consumer = "LeadAcceptedConsumer", ConsumedAt = DateTimeOffset.UtcNow });
                    var routing = (await assigner.LoadAsync(settings.DealershipId, CancellationToken.None))!;
                    var lead = new LeadAssignment
                    {
                        LeadId = facts.LeadId, DealershipId = settings.DealershipId, Source = facts.Source, CustomerPhone = facts.CustomerPhone,
                        Vehicle = facts.Vehicle, Reason = "", DecidedAt = clock.GetUtcNow(),
                    };
                    db.Assignments.Add(lead);
                    await assigner.RouteAsync(lead, routing, "assigned", Assigner.Routing);
                    await db.SaveChangesAsync();
                });
            }
        })));
        return conflicts;
    }
}

static (RoutingSettings, List<Consultant>) Roster(int dealership, int consultants)
{
    var id = Guid.NewGuid();
    var settings = new RoutingSettings { DealershipId = id, DealershipCode = $"D{dealership:D4}", TimeZone = "Asia/Shanghai" };
    string[] models = ["ID.4", "Passat", "Tiguan", "Lavida", "Magotan"];
    var roster = Enumerable.Range(0, consultants).Select(c => new Consultant
    {
        Id = Guid.NewGuid(), DealershipId = id, Name = $"Consultant {dealership}-{c}", Phone = $"+86138{dealership:D4}{c:D4}",
        Team = $"team {c % 4}", Skills = [models[c % models.Length]], Languages = c % 10 == 0 ? ["en"] : [],
        // Two shifts: most work the day, a few the evening into the night.
        WorkingHours = Enum.GetValues<DayOfWeek>().Where(d => (int)d != c % 7)
            .Select(d => c % 5 == 0 ? new Shift(d, new(14, 0), new(1, 0)) : new Shift(d, new(8, 30), new(18, 0))).ToList(),
        DaysOff = [new DateOnly(2026, 12, 24)],
        MaxOpenLeads = 1_000_000,
    }).ToList();
    return (settings, roster);
}

// Fresh entities for each database, so the engine run's counters do not leak into it.
static IEnumerable<(RoutingSettings, List<Consultant>)> Fresh(List<(RoutingSettings Settings, List<Consultant> Roster)> network) =>
    network.Select(d => (
        new RoutingSettings { DealershipId = d.Settings.DealershipId, DealershipCode = d.Settings.DealershipCode, TimeZone = d.Settings.TimeZone },
        d.Roster.Select(c => new Consultant
        {
            Id = c.Id, DealershipId = c.DealershipId, Name = c.Name, Phone = c.Phone, Team = c.Team, Skills = c.Skills, Languages = c.Languages,
            WorkingHours = c.WorkingHours, DaysOff = c.DaysOff, MaxOpenLeads = c.MaxOpenLeads,
        }).ToList()));

static LeadFacts Lead(int i, Random random)
{
    string[] sources = ["oem", "dealership", "marketing-event", "inbound-call", "walk-in"];
    string?[] vehicles = [null, null, "ID.4 CROZZ", "Passat 380TSI", "Tiguan L"];
    // One lead in ten is a returning customer (a phone seen before).
    var phone = random.Next(10) == 0 ? $"+86139{random.Next(100):D8}" : $"+86139{i + 1_000_000:D8}";
    return new LeadFacts(Guid.NewGuid(), sources[random.Next(sources.Length)], phone, vehicles[random.Next(vehicles.Length)], null);
}
