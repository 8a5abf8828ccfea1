using System.Text.Json;
using System.Text.Json.Nodes;
using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>How many instances a message reached (correlated or started), and whether it was kept for a later one.</summary>
public sealed record MessageOutcome(int Correlated, bool Buffered);

/// <summary>A published version as a start needs it: which one, not its BPMN.</summary>
public sealed record PublishedVersion(Guid Id, string ProcessKey, Guid? DealershipId, int Version);

public sealed class WorkflowNotFoundException(string message) : Exception(message);

/// <summary>
/// Runs the engine on stored instances: loads an instance, lets the engine take its step, and saves
/// the new state, its journal, its timers and its subscriptions in one transaction, guarded by the
/// instance's concurrency stamp. A step that lost a race with another replica is run again on the
/// fresh state, where the engine finds the timer or subscription already gone.
/// </summary>
public sealed class WorkflowRuntime(
    InvitationWorkflowDbContext db,
    ActivityRegistry activities,
    TimeProvider clock,
    ProcessModelCache models,
    IServiceProvider services,
    IEnumerable<IWorkflowStepObserver> observers,
    WorkflowTimerSignal timers,
    IOptions<WorkflowOptions> options)
{
    public delegate Task<bool> Step(WorkflowEngine engine, ProcessModel process, WorkflowInstance instance);

    // The rows of the timers this runtime is firing, by instance: removed as they are, without being looked up.
    private readonly Dictionary<Guid, WorkflowTimer> _firing = [];
    // The earliest timer staged since the last save, to wake the poller for it once saved.
    private DateTimeOffset? _earliestStagedTimer;

    private WorkflowEngine NewEngine() => new(activities, clock, services);

    /// <summary>The newest published version for the dealership, else the network-wide one.</summary>
    public async Task<WorkflowDefinition?> FindPublishedAsync(string processKey, Guid? dealershipId, CancellationToken cancellationToken) =>
        await FindPublishedVersionAsync(processKey, dealershipId, cancellationToken) is { } version
            ? await db.WorkflowDefinitions.SingleAsync(d => d.Id == version.Id, cancellationToken)
            : null;

    public async Task<WorkflowInstanceRecord> StartAsync(
        string processKey, Guid? dealershipId, JsonObject? variables, string? businessKey = null, string? startEventId = null, CancellationToken cancellationToken = default)
    {
        var version = await FindPublishedVersionAsync(processKey, dealershipId, cancellationToken)
            ?? throw new WorkflowNotFoundException($"No published version of workflow '{processKey}' exists for this dealership or the network.");
        return await StartAsync(version, dealershipId, variables, businessKey, startEventId, cancellationToken);
    }

    /// <summary>
    /// As <see cref="FindPublishedAsync"/>, without reading the version's BPMN: a flow's start needs the model, which
    /// the cache keeps. Reading the XML for every lead's start took 1.4 % of the embedded host's CPU under load, most of
    /// it decoding text whose model was in memory already.
    /// </summary>
    public async Task<PublishedVersion?> FindPublishedVersionAsync(string processKey, Guid? dealershipId, CancellationToken cancellationToken)
    {
        var candidates = await PublishedVersions.For(db)(db, processKey, dealershipId).ToListAsync(cancellationToken);
        return candidates.Where(d => d.DealershipId == dealershipId).MaxBy(d => d.Version)
            ?? candidates.Where(d => d.DealershipId == null).MaxBy(d => d.Version);
    }

    // Compiled, as every lead's flow start asks it (ADR 0535).
    private static readonly CompiledQuery<Func<InvitationWorkflowDbContext, string, Guid?, IAsyncEnumerable<PublishedVersion>>> PublishedVersions =
        new(() => EF.CompileAsyncQuery((InvitationWorkflowDbContext context, string processKey, Guid? dealershipId) => context.WorkflowDefinitions.AsNoTracking()
            .Where(d => d.ProcessKey == processKey && d.Status == DefinitionStatus.Published && (d.DealershipId == dealershipId || d.DealershipId == null))
            .Select(d => new PublishedVersion(d.Id, d.ProcessKey, d.DealershipId, d.Version))));

    public Task<WorkflowInstanceRecord> StartAsync(
        WorkflowDefinition definition, Guid? dealershipId, JsonObject? variables, string? businessKey, string? startEventId, CancellationToken cancellationToken,
        Guid? instanceId = null) =>
        StartAsync(definition.Id, definition.ProcessKey, definition.Version, models.Get(definition), dealershipId, variables, businessKey, startEventId,
            instanceId, cancellationToken);

    public async Task<WorkflowInstanceRecord> StartAsync(
        PublishedVersion version, Guid? dealershipId, JsonObject? variables, string? businessKey, string? startEventId, CancellationToken cancellationToken,
        Guid? instanceId = null) =>
        await StartAsync(version.Id, version.ProcessKey, version.Version, await ModelOfAsync(version.Id, cancellationToken), dealershipId, variables,
            businessKey, startEventId, instanceId, cancellationToken);

    private async Task<WorkflowInstanceRecord> StartAsync(
        Guid definitionId, string processKey, int version, ProcessModel process, Guid? dealershipId, JsonObject? variables, string? businessKey,
        string? startEventId, Guid? instanceId, CancellationToken cancellationToken)
    {
        var instance = await NewEngine().StartAsync(process, variables, startEventId, instanceId ?? Guid.NewGuid(), cancellationToken);
        var record = new WorkflowInstanceRecord
        {
            Id = instance.Id,
            DealershipId = dealershipId,
            DefinitionId = definitionId,
            ProcessKey = processKey,
            Version = version,
            BusinessKey = businessKey,
            StartedAt = instance.StartedAt,
            StateJson = "",
        };
        db.WorkflowInstances.Add(record);
        await StageAsync(record, process, instance, null, cancellationToken);
        await SaveAsync(cancellationToken);
        await CorrelateBufferedAsync(record.Id, instance, cancellationToken);
        return record;
    }

    /// <summary>
    /// Runs one step on a stored instance and saves it. The step returns false when it changed nothing
    /// (the timer was not due, the task was gone): nothing is saved then. Returns whether it saved.
    /// </summary>
    public async Task<bool> ExecuteAsync(Guid instanceId, Step step, CancellationToken cancellationToken = default)
    {
        var saved = await StepAsync(instanceId, step, cancellationToken);
        if (saved is not null)
            await CorrelateBufferedAsync(instanceId, saved, cancellationToken);
        return saved is not null;
    }

    /// <summary>
    /// Runs and saves one step; returns the instance as saved, or null when the step changed nothing. When another
    /// replica saved the instance since it was read, the step is taken again on its state.
    /// </summary>
    private Task<WorkflowInstance?> StepAsync(Guid instanceId, Step step, CancellationToken cancellationToken) =>
        db.RetryOnConflictAsync(async () =>
        {
            var record = await db.WorkflowInstances.SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken)
                ?? throw new WorkflowNotFoundException($"Workflow instance {instanceId} does not exist.");
            var process = await ModelOfAsync(record.DefinitionId, cancellationToken);
            var before = WorkflowInstance.FromJson(record.StateJson);
            var instance = WorkflowInstance.FromJson(record.StateJson);
            if (!await step(NewEngine(), process, instance))
                return null;
            await StageAsync(record, process, instance, before, cancellationToken);
            await SaveAsync(cancellationToken);
            return instance;
        }, options.Value.ConcurrencyRetries, cancellationToken);

    /// <summary>
    /// Moves one instance of <paramref name="source"/> onto <paramref name="target"/> by the plan, or says why not; with
    /// <paramref name="dryRun"/> only says. The instance's timers and subscriptions keep their rows (and due times) where the
    /// plan keeps them; its consultant's tasks stay the same tasks.
    /// </summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(Guid instanceId, WorkflowDefinition source, WorkflowDefinition target,
        IReadOnlyDictionary<string, string> mappings, string description, bool dryRun, CancellationToken cancellationToken)
    {
        var migrated = await db.RetryOnConflictAsync<(WorkflowInstance? Instance, IReadOnlyList<string> Problems)>(async () =>
        {
            var record = await db.WorkflowInstances.SingleAsync(i => i.Id == instanceId, cancellationToken);
            if (record.DefinitionId != source.Id)
                return (null, [$"The instance runs version {record.Version} of another owner or workflow, not the source version."]);
            if (target.DealershipId is not null && target.DealershipId != record.DealershipId)
                return (null, ["The target version is another dealership's own."]);
            var before = WorkflowInstance.FromJson(record.StateJson);
            var targetProcess = models.Get(target);
            var result = NewEngine().Migrate(models.Get(source), targetProcess, before, mappings, description, cancellationToken);
            if (result.Migrated is not { } instance || dryRun)
                return (result.Migrated, result.Problems);

            var names = instance.Messages.ToDictionary(m => m.Key, m => m.MessageName);
            foreach (var row in await db.WorkflowMessageSubscriptions.Where(s => s.InstanceId == instanceId).ToListAsync(cancellationToken))
                row.MessageName = names.GetValueOrDefault(row.SubscriptionKey, row.MessageName);
            record.DefinitionId = target.Id;
            record.Version = target.Version;
            await StageAsync(record, targetProcess, instance, before, cancellationToken);
            await SaveAsync(cancellationToken);
            return (instance, result.Problems);
        }, options.Value.ConcurrencyRetries, cancellationToken);
        // A wait the target added may find its message already here.
        if (!dryRun && migrated.Instance is { } moved)
            await CorrelateBufferedAsync(instanceId, moved, cancellationToken);
        return migrated.Problems;
    }

    /// <summary>Saves, and wakes the timer poller when a timer saved now falls due before its next pass.</summary>
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        if (_earliestStagedTimer is { } due)
            timers.Scheduled(due);
        _earliestStagedTimer = null;
    }

    private void Staged(DateTimeOffset dueAt)
    {
        if (_earliestStagedTimer is null || dueAt < _earliestStagedTimer)
            _earliestStagedTimer = dueAt;
    }

    /// <summary>Stages the new state, its journal, and the changes to its timer and subscription rows (relative to <paramref name="before"/>).</summary>
    private async Task StageAsync(WorkflowInstanceRecord record, ProcessModel process, WorkflowInstance instance, WorkflowInstance? before, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        record.StateJson = instance.ToJson();
        record.Status = instance.Status;
        record.HasOpenIncident = instance.HasOpenIncident;
        record.WaitingAt = Text.Truncate(string.Join(",", instance.Elements.Where(e => e.State != ElementState.Active).Select(e => e.ElementId).Distinct()), 1000);
        record.UpdatedAt = now;
        record.EndedAt = instance.EndedAt;
        record.ConcurrencyStamp = Guid.NewGuid();

        // A step cut short by a message (the visit booked by reception while the first call waits) ends with that message's name.
        var interruptedBy = instance.Journal
            .Where(e => e is { Outcome: "interrupted", ElementInstanceKey: not null, Detail: not null })
            .Select(e => (Key: e.ElementInstanceKey!.Value, Message: process.Elements.GetValueOrDefault(e.Detail!)?.Message?.Name))
            .Where(e => e.Message is not null)
            .ToDictionary(e => e.Key, e => e.Message!);
        foreach (var entry in instance.Journal)
        {
            db.WorkflowJournal.Add(new WorkflowJournalEntry
            {
                InstanceId = record.Id,
                At = entry.At,
                ElementId = entry.ElementId,
                ElementInstanceKey = entry.ElementInstanceKey,
                Outcome = entry.Outcome,
                VariablesChangedJson = entry.VariablesChanged?.ToJsonString(),
                Detail = Text.Truncate(entry.Detail, 2000),
            });
        }
        instance.Journal.Clear();

        // Rows are read only where something went away; what is new is known from the state alone.
        var oldTimers = before?.Timers.Select(t => t.Key).ToHashSet() ?? [];
        var timerKeys = instance.Timers.Select(t => t.Key).ToHashSet();
        var goneTimers = oldTimers.Except(timerKeys).ToList();
        if (_firing.TryGetValue(record.Id, out var firing) && goneTimers.Remove(firing.TimerKey))
            db.WorkflowTimers.Remove(firing);
        if (goneTimers.Count > 0)
            db.WorkflowTimers.RemoveRange(await db.WorkflowTimers.Where(t => t.InstanceId == record.Id && goneTimers.Contains(t.TimerKey)).ToListAsync(cancellationToken));
        foreach (var timer in instance.Timers.Where(t => !oldTimers.Contains(t.Key)))
        {
            db.WorkflowTimers.Add(new WorkflowTimer { Id = Guid.NewGuid(), InstanceId = record.Id, TimerKey = timer.Key, DueAt = timer.DueAt });
            Staged(timer.DueAt);
        }

        var oldSubscriptions = before?.Messages.Select(m => m.Key).ToHashSet() ?? [];
        var subscriptionKeys = instance.Messages.Select(m => m.Key).ToHashSet();
        var goneSubscriptions = oldSubscriptions.Except(subscriptionKeys).ToList();
        if (goneSubscriptions.Count > 0)
            db.WorkflowMessageSubscriptions.RemoveRange(await db.WorkflowMessageSubscriptions
                .Where(s => s.InstanceId == record.Id && goneSubscriptions.Contains(s.SubscriptionKey)).ToListAsync(cancellationToken));
        foreach (var wait in instance.Messages.Where(m => !oldSubscriptions.Contains(m.Key)))
        {
            db.WorkflowMessageSubscriptions.Add(new WorkflowMessageSubscription
            {
                Id = Guid.NewGuid(), InstanceId = record.Id, SubscriptionKey = wait.Key, DealershipId = record.DealershipId,
                MessageName = wait.MessageName, CorrelationKey = wait.CorrelationKey, OpenedAt = wait.OpenedAt,
            });
        }

        var step = new WorkflowStep(record.Id, process, before, instance, interruptedBy, now);
        foreach (var observer in observers)
            await observer.StageAsync(step, cancellationToken);
    }


    /// <summary>
    /// Delivers a message to every instance of <paramref name="dealershipId"/> (null: the network-wide
    /// instances) that waits for it (by name and correlation key). When none
    /// waits, it is buffered for <paramref name="timeToLive"/> and taken by the first instance that
    /// opens a matching subscription. Returns how many instances took it. The same message id twice
    /// takes effect once.
    /// </summary>
    public async Task<MessageOutcome> PublishMessageAsync(
        string name, string correlationKey, JsonObject? variables, TimeSpan? timeToLive, Guid messageId, CancellationToken cancellationToken = default,
        Guid? dealershipId = null)
    {
        if (await db.BufferedWorkflowMessages.AnyAsync(m => m.MessageId == messageId, cancellationToken))
            return new MessageOutcome(0, Buffered: false);
        var served = await db.WorkflowMessageDeliveries.AnyAsync(d => d.MessageId == messageId, cancellationToken);
        var instanceIds = await db.WorkflowMessageSubscriptions
            // Correlation keys such as a lead id or a phone number are not unique across dealerships.
            .Where(s => s.MessageName == name && s.CorrelationKey == correlationKey && s.DealershipId == dealershipId)
            .OrderBy(s => s.OpenedAt)
            .Select(s => s.InstanceId)
            .Distinct()
            .ToListAsync(cancellationToken);
        var correlated = 0;
        foreach (var instanceId in instanceIds)
        {
            var took = await ExecuteAsync(instanceId, async (engine, process, instance) =>
            {
                if (WorkflowEngine.FindSubscription(instance, name, correlationKey) is not { } wait
                    || await db.WorkflowMessageDeliveries.AnyAsync(d => d.MessageId == messageId && d.InstanceId == instanceId, cancellationToken))
                    return false;
                // Saved with the step: a copy of this message that comes again finds the instance served.
                db.WorkflowMessageDeliveries.Add(new WorkflowMessageDelivery { MessageId = messageId, InstanceId = instanceId, DeliveredAt = clock.GetUtcNow() });
                return await engine.CorrelateMessageAsync(process, instance, wait.Key, variables, cancellationToken);
            }, cancellationToken);
            if (took)
                correlated++;
        }
        var (started, startedBefore) = await StartByMessageAsync(name, correlationKey, variables, messageId, dealershipId, cancellationToken);
        correlated += started;
        served |= startedBefore;
        var ttl = timeToLive ?? options.Value.MessageTimeToLive;
        // A copy of a message that already reached an instance is not buffered for another one.
        if (correlated > 0 || served || ttl <= TimeSpan.Zero)
            return new MessageOutcome(correlated, Buffered: false);

        var now = clock.GetUtcNow();
        db.ChangeTracker.Clear();
        db.BufferedWorkflowMessages.Add(new BufferedWorkflowMessage
        {
            Id = Guid.NewGuid(), MessageId = messageId, DealershipId = dealershipId, MessageName = name, CorrelationKey = correlationKey,
            VariablesJson = variables?.ToJsonString(), ReceivedAt = now, ExpiresAt = now + ttl,
        });
        try
        {
            await SaveAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same message arriving twice at once is buffered once; anything else is a real failure.
            db.ChangeTracker.Clear();
            if (!await db.BufferedWorkflowMessages.AsNoTracking().AnyAsync(m => m.MessageId == messageId, cancellationToken))
                throw;
            return new MessageOutcome(0, Buffered: false);
        }
        return new MessageOutcome(0, Buffered: true);
    }

    /// <summary>
    /// Starts an instance of every workflow whose version for the dealership (else the network's) has
    /// a message start event of this name. The instance id is derived from the message id and the
    /// workflow, so a copy of the message starts nothing more.
    /// </summary>
    private async Task<(int Started, bool StartedBefore)> StartByMessageAsync(
        string name, string correlationKey, JsonObject? variables, Guid messageId, Guid? dealershipId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var keys = await db.WorkflowDefinitions.AsNoTracking()
            .Where(d => d.Status == DefinitionStatus.Published && (d.DealershipId == null || d.DealershipId == dealershipId))
            .Select(d => d.ProcessKey).Distinct().ToListAsync(cancellationToken);
        var started = 0;
        var startedBefore = false;
        foreach (var key in keys)
        {
            var definition = (await FindPublishedVersionAsync(key, dealershipId, cancellationToken))!;
            var process = await ModelOfAsync(definition.Id, cancellationToken);
            if (StartEvents.ForMessage(process, name) is not { } start)
                continue;
            var instanceId = DerivedId(messageId, key);
            if (await db.WorkflowInstances.AnyAsync(i => i.Id == instanceId, cancellationToken))
            {
                startedBefore = true;
                continue;
            }
            var instance = await NewEngine().StartAsync(process, variables, start.Id, instanceId, cancellationToken);
            var record = new WorkflowInstanceRecord
            {
                Id = instance.Id, DealershipId = dealershipId, DefinitionId = definition.Id, ProcessKey = key,
                Version = definition.Version, BusinessKey = correlationKey, StartedAt = instance.StartedAt, StateJson = "",
            };
            db.WorkflowInstances.Add(record);
            await StageAsync(record, process, instance, null, cancellationToken);
            try
            {
                await SaveAsync(cancellationToken);
                started++;
            }
            catch (DbUpdateException)
            {
                // Another replica started it from a copy of the same message.
                db.ChangeTracker.Clear();
                if (!await db.WorkflowInstances.AnyAsync(i => i.Id == instanceId, cancellationToken))
                    throw;
                startedBefore = true;
            }
        }
        return (started, startedBefore);
    }

    private static readonly Func<InvitationWorkflowDbContext, string, string, DateTimeOffset, CancellationToken, Task<bool>> AnyBuffered =
        EF.CompileAsyncQuery((InvitationWorkflowDbContext context, string name, string key, DateTimeOffset at, CancellationToken _) =>
            context.BufferedWorkflowMessages.Any(m => m.MessageName == name && m.CorrelationKey == key && m.CorrelatedInstanceId == null && m.ExpiresAt > at));

    internal static Guid DerivedId(Guid messageId, string processKey)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{messageId:N}/{processKey}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>
    /// Gives an instance the buffered messages its open subscriptions wait for, one at a time. <paramref name="saved"/> is
    /// the instance as just saved: its waits (mostly one) are asked about first, by a compiled query each, since nearly
    /// every step opens waits that nothing is buffered for, and reading the instance back and asking wait by wait cost
    /// a fifth of a flow's start.
    /// </summary>
    private async Task CorrelateBufferedAsync(Guid instanceId, WorkflowInstance saved, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        var anyBuffered = false;
        foreach (var wait in saved.Messages.DistinctBy(m => (m.MessageName, m.CorrelationKey)))
        {
            if (await AnyBuffered(db, wait.MessageName, wait.CorrelationKey, at, cancellationToken))
            {
                anyBuffered = true;
                break;
            }
        }
        if (!anyBuffered)
            return;
        var dealershipId = await db.WorkflowInstances.Where(i => i.Id == instanceId).Select(i => i.DealershipId).SingleAsync(cancellationToken);
        while (true)
        {
            var took = await StepAsync(instanceId, async (engine, process, instance) =>
            {
                var now = clock.GetUtcNow();
                foreach (var wait in instance.Messages.OrderBy(m => m.Key))
                {
                    var buffered = await db.BufferedWorkflowMessages
                        .Where(m => m.MessageName == wait.MessageName && m.CorrelationKey == wait.CorrelationKey && m.DealershipId == dealershipId
                            && m.CorrelatedInstanceId == null && m.ExpiresAt > now)
                        .OrderBy(m => m.ReceivedAt)
                        .FirstOrDefaultAsync(cancellationToken);
                    if (buffered is null)
                        continue;
                    // Marked in the same transaction as the step: with the instance's stamp, it is taken once.
                    buffered.CorrelatedInstanceId = instance.Id;
                    var variables = buffered.VariablesJson is null ? null : JsonNode.Parse(buffered.VariablesJson)?.AsObject();
                    return await engine.CorrelateMessageAsync(process, instance, wait.Key, variables, cancellationToken);
                }
                return false;
            }, cancellationToken);
            if (took is null)
                return;
        }
    }

    /// <summary>Fires one due timer row; true when it took effect or turned out stale (and was cleaned up).</summary>
    public async Task<bool> FireTimerAsync(WorkflowTimer timer, CancellationToken cancellationToken)
    {
        if (timer.InstanceId is { } instanceId)
        {
            _firing[instanceId] = timer;
            return await ExecuteAsync(instanceId, Firing(timer, cancellationToken), cancellationToken);
        }
        return await FireStartTimerAsync(timer.Id, cancellationToken);
    }

    private static Step Firing(WorkflowTimer timer, CancellationToken cancellationToken) => async (engine, process, instance) =>
        await engine.FireTimerAsync(process, instance, timer.TimerKey, cancellationToken)
        // A timer the instance no longer has (withdrawn, or fired by another replica): save, so its row goes.
        || instance.Timers.All(t => t.Key != timer.TimerKey);

    private Task<ProcessModel> ModelOfAsync(Guid definitionId, CancellationToken cancellationToken) =>
        models.GetAsync(definitionId, () => db.WorkflowDefinitions.AsNoTracking().SingleAsync(d => d.Id == definitionId, cancellationToken));

    /// <summary>
    /// Fires due timers of different instances and saves them in one transaction: after a restart or a burst, a commit
    /// per timer is what limits how fast overdue timers go. False when the batch could not be saved as one (an instance
    /// changed meanwhile, or one step failed): then nothing of it is kept, and the caller fires each on its own, where
    /// a conflict is retried and a failure is the one timer's.
    /// </summary>
    public async Task<bool> FireTimersAsync(IReadOnlyList<WorkflowTimer> timers, CancellationToken cancellationToken)
    {
        var ids = timers.Select(t => t.InstanceId).OfType<Guid>().ToList();
        if (ids.Count != timers.Count || ids.Distinct().Count() != ids.Count)
            throw new ArgumentException("A batch takes instance timers, one per instance.", nameof(timers));
        var stepped = new List<WorkflowInstance>();
        try
        {
            foreach (var timer in timers)
                _firing[timer.InstanceId!.Value] = timer;
            var records = await db.WorkflowInstances.Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
            foreach (var timer in timers)
            {
                if (!records.TryGetValue(timer.InstanceId!.Value, out var record))
                    return Abandon();
                var process = await ModelOfAsync(record.DefinitionId, cancellationToken);
                var before = WorkflowInstance.FromJson(record.StateJson);
                var instance = WorkflowInstance.FromJson(record.StateJson);
                if (!await Firing(timer, cancellationToken)(NewEngine(), process, instance))
                    continue;
                await StageAsync(record, process, instance, before, cancellationToken);
                stepped.Add(instance);
            }
            await SaveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Abandon();
        }
        foreach (var instance in stepped)
            await CorrelateBufferedAsync(instance.Id, instance, cancellationToken);
        return true;

        bool Abandon()
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private async Task<bool> FireStartTimerAsync(Guid timerId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var row = await db.WorkflowTimers.SingleOrDefaultAsync(t => t.Id == timerId, cancellationToken);
        if (row is null || row.DueAt > clock.GetUtcNow())
            return false;
        var definition = await db.WorkflowDefinitions.SingleAsync(d => d.Id == row.DefinitionId, cancellationToken);
        var process = models.Get(definition);
        var start = process.Element(row.StartEventId!);
        var instance = await NewEngine().StartAsync(process, null, start.Id, Guid.NewGuid(), cancellationToken);
        var record = new WorkflowInstanceRecord
        {
            Id = instance.Id, DealershipId = definition.DealershipId, DefinitionId = definition.Id, ProcessKey = definition.ProcessKey,
            Version = definition.Version, StartedAt = instance.StartedAt, StateJson = "",
        };
        db.WorkflowInstances.Add(record);
        await StageAsync(record, process, instance, null, cancellationToken);
        var next = StartEvents.NextDue(start, definition.PublishedAt ?? definition.CreatedAt, row.Fired + 1, clock);
        if (next is null)
        {
            db.WorkflowTimers.Remove(row);
        }
        else
        {
            row.Fired++;
            row.DueAt = next.Value;
            Staged(next.Value);
            row.LockedUntil = null;
            row.LockedBy = null;
        }
        try
        {
            // The row's Fired count is its concurrency token: of two replicas firing it, one saves.
            await SaveAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    public static JsonObject? ParseVariables(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } e ? JsonNode.Parse(e.GetRawText())!.AsObject() : null;
}
