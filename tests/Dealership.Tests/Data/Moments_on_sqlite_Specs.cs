using Dealership.InvitationWorkflow;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Tests.Data;

/// <summary>
/// SQLite keeps a moment as a number; queries compare and order those numbers. A moment given with the
/// showroom's offset (+08:00, as callers and the specs' clocks give them) and one given in UTC must still
/// compare as the instants they are, or a poller finds a timer due hours early or late.
/// </summary>
public sealed class Moments_on_sqlite_Specs : IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private ServiceDatabase<InvitationWorkflowDbContext> _database = null!;

    public async Task InitializeAsync() => _database = await ServiceDatabase<InvitationWorkflowDbContext>.CreateAsync<InvitationWorkflowSqliteDbContext>();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Should_compare_and_order_moments_as_instants_whatever_offset_they_were_given_with()
    {
        var tenInShanghai = new DateTimeOffset(2030, 1, 14, 10, 0, 0, Shanghai);
        var halfPastTwoUtc = new DateTimeOffset(2030, 1, 14, 2, 30, 0, TimeSpan.Zero);
        await using (var db = _database.Open())
        {
            db.WorkflowTimers.Add(new WorkflowTimer { Id = Guid.NewGuid(), TimerKey = 1, DueAt = halfPastTwoUtc });
            db.WorkflowTimers.Add(new WorkflowTimer { Id = Guid.NewGuid(), TimerKey = 2, DueAt = tenInShanghai });
            await db.SaveChangesAsync();
        }

        await using var read = _database.Open();
        async Task<List<long>> DueAsync(DateTimeOffset now) =>
            await read.WorkflowTimers.AsNoTracking().Where(t => t.DueAt <= now).OrderBy(t => t.DueAt).Select(t => t.TimerKey).ToListAsync();

        // 09:30 in Shanghai is 01:30 UTC: nothing is due yet, though 09:30 reads later than 02:30.
        Assert.Empty(await DueAsync(new DateTimeOffset(2030, 1, 14, 9, 30, 0, Shanghai)));
        Assert.Equal([2], await DueAsync(new DateTimeOffset(2030, 1, 14, 2, 0, 0, TimeSpan.Zero)));
        Assert.Equal([2, 1], await DueAsync(new DateTimeOffset(2030, 1, 14, 10, 30, 0, Shanghai)));
        Assert.Equal(tenInShanghai, (await read.WorkflowTimers.AsNoTracking().SingleAsync(t => t.TimerKey == 2)).DueAt);
    }
}
