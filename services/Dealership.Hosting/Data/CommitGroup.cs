using Dealership.Hosting.Messaging;
using Microsoft.Extensions.Logging;

namespace Dealership.Hosting.Data;

/// <summary>
/// Commits the work of messages a service consumes at the same moment in one transaction (ADR 0531). A consumer hands
/// its work, what it reads and changes, to <see cref="SaveAsync"/> instead of saving: when no other save of the group is
/// under way its work is saved at once, alone; while one is, it waits, and the next save takes every work that waited,
/// runs them one after another in one context and commits them together, inbox rows and outbox rows included. Nothing
/// waits for a batch to fill: a quiet service saves each message alone as before, a busy one saves what piled up during
/// the last save (one commit and one sync of the log for all of them).
/// </summary>
/// <remarks>
/// Every caller gets its own outcome: if any work of a batch throws, or the batch's save fails (a conflict, a duplicate
/// key), nothing of the batch is kept and every work runs again alone in its own context, so only the faulty message
/// fails and is retried by the bus. A work must therefore read and change only through the context it is given and do
/// nothing else that cannot be done twice; changes left in the caller's own context, or a save inside a work, are
/// refused loudly rather than lost. Messages that must not overlap (one lead's) are kept apart by the partitioner before
/// they get here, so one batch never holds two of them.
/// </remarks>
public sealed class CommitGroup<TContext>(ILogger<CommitGroup<TContext>> logger) where TContext : ServiceDbContext
{
    /// <summary>The most works committed in one transaction; the rest wait for the next.</summary>
    public const int MostInOneCommit = 32;

    private readonly Lock _gate = new();
    private readonly Queue<Member> _waiting = new();
    private bool _saving;

    private enum Turn { Lead, Saved, Alone }

    /// <summary>How many works wait for the save under way to finish.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
                return _waiting.Count;
        }
    }

    private sealed class Member(TContext own, Func<TContext, Task> work)
    {
        public TContext Own { get; } = own;
        public Func<TContext, Task> Work { get; } = work;
        public InboxMessage? Inbox { get; set; }
        public TaskCompletionSource<Turn> Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Runs <paramref name="work"/> and commits it with the inbox row and outbox rows of <paramref name="own"/>, the
    /// consumer's context, alone or together with the works of messages consumed at the same time.
    /// </summary>
    public async Task SaveAsync(TContext own, Func<TContext, Task> work, CancellationToken cancellationToken)
    {
        // Off the caller's thread first: SQLite's I/O is synchronous, and a transport that runs consumers inline (the in-memory
        // one does) would not hand over the next message while this one's save waits for the write lock, so none would join.
        await Task.Yield();
        var me = new Member(own, work);
        bool lead;
        lock (_gate)
        {
            lead = !_saving;
            if (lead)
                _saving = true;
            else
                _waiting.Enqueue(me);
        }
        // A waiting work is not cancelled: the save that took it may be committing it.
        switch (lead ? Turn.Lead : await me.Turn.Task)
        {
            case Turn.Saved:
                if (own.ChangeTracker.HasChanges())
                    throw new InvalidOperationException(
                        $"A work saved by {nameof(CommitGroup<>)} changed its consumer's own {typeof(TContext).Name}: those changes were not saved. Change only the context the work is given.");
                return;
            case Turn.Alone:
                await SaveAloneAsync(me, cancellationToken);
                return;
        }
        await LeadAsync(me, cancellationToken);
    }

    private async Task LeadAsync(Member me, CancellationToken cancellationToken)
    {
        var passed = false;
        try
        {
            List<Member> batch = [me];
            lock (_gate)
            {
                while (batch.Count < MostInOneCommit && _waiting.TryDequeue(out var next))
                    batch.Add(next);
            }
            if (batch.Count == 1)
            {
                await SaveAloneAsync(me, cancellationToken);
                return;
            }
            var saved = await SaveTogetherAsync(me.Own, batch, cancellationToken);
            passed = true;
            PassTheLead();
            foreach (var member in batch.Skip(1))
                member.Turn.SetResult(saved ? Turn.Saved : Turn.Alone);
            if (!saved)
                await SaveAloneAsync(me, cancellationToken);
        }
        finally
        {
            if (!passed)
                PassTheLead();
        }
    }

    private async Task<bool> SaveTogetherAsync(TContext db, List<Member> batch, CancellationToken cancellationToken)
    {
        try
        {
            db.Gathering = true;
            foreach (var member in batch)
            {
                // The leader's own inbox row is added by its save; the others' move into its context.
                if (!ReferenceEquals(member.Own, db) && member.Own.TakeConsuming() is { } row)
                {
                    member.Inbox = row;
                    db.InboxMessages.Add(row);
                }
                await member.Work(db);
            }
            db.Gathering = false;
            await db.SaveChangesAsync(cancellationToken);
            logger.LogDebug("{Count} messages' works committed in one transaction", batch.Count);
            return true;
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "{Count} works could not be committed together; each is saved alone", batch.Count);
            db.Gathering = false;
            db.ChangeTracker.Clear();
            db.Published.Clear();
            foreach (var member in batch.Where(m => m.Inbox is not null))
                member.Own.ConsumeOnce(member.Inbox);
            return false;
        }
    }

    private static async Task SaveAloneAsync(Member me, CancellationToken cancellationToken)
    {
        try
        {
            me.Own.Gathering = true;
            await me.Work(me.Own);
        }
        finally
        {
            me.Own.Gathering = false;
        }
        await me.Own.SaveChangesAsync(cancellationToken);
    }

    private void PassTheLead()
    {
        Member? next;
        lock (_gate)
        {
            if (!_waiting.TryDequeue(out next))
                _saving = false;
        }
        next?.Turn.SetResult(Turn.Lead);
    }
}
