using System.Globalization;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.InvitationWorkflow.Engine;
using Dealership.InvitationWorkflow.InvitationFlows;
using Dealership.Workflows.Runtime;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.InvitationFlows;

public static class FlowKeys
{
    public const string InboundCall = "inbound-call";
    public const string ActiveInvitation = "active-invitation";

    /// <summary>The source process: an inbound call follows flow A, every other source flow B.</summary>
    public static string ForSource(string source) => source == "inbound-call" ? InboundCall : ActiveInvitation;
}

/// <summary>
/// Keeps the lead's source and customer (the flow is chosen by source and the calls need the customer), and starts
/// the lead's flow when its assignment got here first.
/// </summary>
[IdempotentWithoutInbox("the lead is stored once by its id and the flow started once by an id derived from the lead; "
    + "the store and the start are several commits, and an inbox row taken with the first would let a redelivery skip the start")]
public sealed class LeadAcceptedConsumer(InvitationWorkflowDbContext db, WorkflowRuntime runtime, TimeProvider clock) : IConsumer<LeadAccepted>
{
    public async Task Consume(ConsumeContext<LeadAccepted> context)
    {
        var m = context.Message;
        var lead = await LeadFlows.KnownLeadById.For(db)(db, m.LeadId, context.CancellationToken);
        if (lead is null)
        {
            lead = new KnownLead
            {
                Id = m.LeadId, DealershipId = m.DealershipId, Source = m.Source, CustomerName = m.CustomerName,
                CustomerPhone = m.CustomerPhone, VehicleOfInterest = m.VehicleOfInterest, AcceptedAt = clock.GetUtcNow(),
            };
            db.KnownLeads.Add(lead);
            await db.SaveChangesAsync(context.CancellationToken);
            db.ChangeTracker.Clear();
        }
        // Read after the lead is committed: an assignment stored before this read is started here, and one stored
        // after it finds the lead (LeadAssignedConsumer reads the lead after storing), so none is left waiting.
        var waiting = await LeadFlows.WaitingAssignmentOf.For(db)(db, m.LeadId, context.CancellationToken);
        if (waiting is not null)
            await LeadFlows.StartOnceAsync(db, runtime, lead, waiting, context.CancellationToken);
    }
}

/// <summary>Starts the lead's flow for its source, once per lead, with the lead and consultant as variables.</summary>
[IdempotentWithoutInbox("one flow per lead: its id derives from the lead, so a copy finds it started and only makes it follow the consultant it already follows; "
    + "the start and the buffered messages it takes are several commits, which one inbox row could not cover")]
public sealed class LeadAssignedConsumer(InvitationWorkflowDbContext db, WorkflowRuntime runtime, TimeProvider clock) : IConsumer<LeadAssigned>
{
    public async Task Consume(ConsumeContext<LeadAssigned> context)
    {
        var m = context.Message;
        if (await LeadFlows.IsStartedAsync(db, m.LeadId, context.CancellationToken))
        {
            // Assigned again (e.g. a manager routed it from the supervisor queue): the running flow follows the consultant.
            await LeadReassignedConsumer.FollowConsultantAsync(db, runtime, m.LeadId, m.ConsultantId, m.ConsultantName, m.ConsultantPhone,
                m.OccurredAt, completeWaitingReassignment: false, context.CancellationToken);
            return;
        }
        // LeadAccepted and LeadAssigned travel separately and either may come first (a slow or restarted consumer,
        // a redelivery): the assignment is kept until the lead is known, and whichever of the two comes second starts the flow.
        var assignment = await LeadFlows.WaitingAssignmentOf.For(db)(db, m.LeadId, context.CancellationToken);
        var kept = assignment is not null;
        // The usual order, the lead known and no assignment kept: this one starts the flow, with no row to keep and delete
        // (a commit each). The lead is committed, so its acceptance has nothing left to start.
        var lead = kept ? null : await LeadFlows.KnownLeadById.For(db)(db, m.LeadId, context.CancellationToken);
        assignment ??= new WaitingAssignment { LeadId = m.LeadId, ReceivedAt = clock.GetUtcNow() };
        if (assignment.AssignedAt <= m.OccurredAt)
        {
            assignment.DealershipId = m.DealershipId;
            assignment.ConsultantId = m.ConsultantId;
            assignment.ConsultantName = m.ConsultantName;
            assignment.ConsultantPhone = m.ConsultantPhone;
            assignment.AssignedAt = m.OccurredAt;
        }
        if (lead is null)
        {
            if (!kept)
                db.WaitingAssignments.Add(assignment);
            await db.SaveChangesAsync(context.CancellationToken);
            db.ChangeTracker.Clear();
            kept = true;
            // Read after the assignment is committed: a lead stored after this read finds it (LeadAcceptedConsumer).
            lead = await LeadFlows.KnownLeadById.For(db)(db, m.LeadId, context.CancellationToken);
        }
        if (lead is not null && !await LeadFlows.StartOnceAsync(db, runtime, lead, assignment, context.CancellationToken, kept))
        {
            // Started meanwhile by the acceptance, perhaps with an earlier assignment: the flow follows this one.
            await LeadReassignedConsumer.FollowConsultantAsync(db, runtime, m.LeadId, m.ConsultantId, m.ConsultantName, m.ConsultantPhone,
                m.OccurredAt, completeWaitingReassignment: false, context.CancellationToken);
        }
    }
}

/// <summary>The start of a lead's invitation flow, from whichever of its acceptance and its assignment came second.</summary>
internal static class LeadFlows
{
    /// <summary>
    /// Cancels the running flows of the leads (which withdraws their tasks, timers and waits) and any assignment still
    /// waiting to start one, and remembers the leads as ended, so that no flow starts for them afterwards.
    /// </summary>
    public static async Task EndAsync(InvitationWorkflowDbContext db, WorkflowRuntime runtime, List<Guid> leadIds, string reason, DateTimeOffset endedAt,
        CancellationToken cancellationToken)
    {
        // Committed before the flows are looked for; a start looks for this row after committing its flow (StartOnceAsync),
        // so of two replicas ending and starting at once at least one sees the other.
        var known = await db.EndedLeads.AsNoTracking().Where(e => leadIds.Contains(e.LeadId)).Select(e => e.LeadId).ToListAsync(cancellationToken);
        db.EndedLeads.AddRange(leadIds.Except(known).Select(id => new EndedLead { LeadId = id, EndedAt = endedAt, Reason = reason.Truncate(500)! }));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        await db.WaitingAssignments.Where(w => leadIds.Contains(w.LeadId)).ExecuteDeleteAsync(cancellationToken);
        await CancelFlowsAsync(db, runtime, leadIds, reason, cancellationToken);
    }

    private static async Task CancelFlowsAsync(InvitationWorkflowDbContext db, WorkflowRuntime runtime, List<Guid> leadIds, string reason, CancellationToken cancellationToken)
    {
        var businessKeys = leadIds.Select(id => id.ToString()).ToList();
        var instanceIds = await db.WorkflowInstances.AsNoTracking()
            .Where(i => i.BusinessKey != null && businessKeys.Contains(i.BusinessKey) && i.Status == InstanceStatus.Active
                && (i.ProcessKey == FlowKeys.InboundCall || i.ProcessKey == FlowKeys.ActiveInvitation))
            .Select(i => i.Id).ToListAsync(cancellationToken);
        foreach (var instanceId in instanceIds)
        {
            await runtime.ExecuteAsync(instanceId, async (engine, process, instance) =>
            {
                if (instance.Status != InstanceStatus.Active)
                    return false;
                await engine.CancelAsync(process, instance, reason, cancellationToken);
                return true;
            }, cancellationToken);
        }
    }

    public static Task<bool> IsStartedAsync(InvitationWorkflowDbContext db, Guid leadId, CancellationToken cancellationToken) =>
        FlowStarted.For(db)(db, leadId.ToString(), cancellationToken);

    // Compiled, as each lead's acceptance and assignment ask them: LINQ built and looked up each query's expression at
    // every call (ADR 0535).
    private static readonly CompiledQuery<Func<InvitationWorkflowDbContext, string, CancellationToken, Task<bool>>> FlowStarted =
        new(() => EF.CompileAsyncQuery((InvitationWorkflowDbContext context, string businessKey, CancellationToken _) => context.WorkflowInstances.Any(
            i => i.BusinessKey == businessKey && (i.ProcessKey == FlowKeys.InboundCall || i.ProcessKey == FlowKeys.ActiveInvitation))));

    internal static readonly CompiledQuery<Func<InvitationWorkflowDbContext, Guid, CancellationToken, Task<KnownLead?>>> KnownLeadById =
        new(() => EF.CompileAsyncQuery((InvitationWorkflowDbContext context, Guid leadId, CancellationToken _) =>
            context.KnownLeads.AsNoTracking().SingleOrDefault(l => l.Id == leadId)));

    internal static readonly CompiledQuery<Func<InvitationWorkflowDbContext, Guid, CancellationToken, Task<WaitingAssignment?>>> WaitingAssignmentOf =
        new(() => EF.CompileAsyncQuery((InvitationWorkflowDbContext context, Guid leadId, CancellationToken _) =>
            context.WaitingAssignments.SingleOrDefault(w => w.LeadId == leadId)));

    private static readonly CompiledQuery<Func<InvitationWorkflowDbContext, Guid, CancellationToken, Task<EndedLead?>>> EndedLeadById =
        new(() => EF.CompileAsyncQuery((InvitationWorkflowDbContext context, Guid leadId, CancellationToken _) =>
            context.EndedLeads.AsNoTracking().SingleOrDefault(e => e.LeadId == leadId)));

    /// <summary>
    /// Starts the flow unless it runs already; says whether it started it. <paramref name="kept"/>: the assignment is a
    /// row in <c>WaitingAssignments</c>, deleted here; a caller that kept none leaves any row to whoever kept it.
    /// </summary>
    public static async Task<bool> StartOnceAsync(
        InvitationWorkflowDbContext db, WorkflowRuntime runtime, KnownLead lead, WaitingAssignment assignment, CancellationToken cancellationToken,
        bool kept = true)
    {
        var started = false;
        // Closed (or its customer opted out) before its acceptance and assignment were both here: it gets no flow.
        var ended = await EndedLeadById.For(db)(db, lead.Id, cancellationToken) is not null;
        if (!ended && !await IsStartedAsync(db, lead.Id, cancellationToken))
        {
            var processKey = FlowKeys.ForSource(lead.Source);
            var definition = await runtime.FindPublishedVersionAsync(processKey, assignment.DealershipId, cancellationToken)
                ?? throw new WorkflowNotFoundException($"No published version of '{processKey}'.");
            var variables = new JsonObject
            {
                ["leadId"] = lead.Id.ToString(),
                ["dealershipId"] = assignment.DealershipId.ToString(),
                ["source"] = lead.Source,
                ["customerName"] = lead.CustomerName,
                ["customerPhone"] = lead.CustomerPhone,
                ["vehicleOfInterest"] = lead.VehicleOfInterest,
                ["consultantId"] = assignment.ConsultantId.ToString(),
                ["consultantName"] = assignment.ConsultantName,
                ["consultantPhone"] = assignment.ConsultantPhone,
                // The first-contact promise runs from the assignment, not from when this service got to it.
                ["assignedAt"] = assignment.AssignedAt.ToString("O"),
                ["consultantSince"] = assignment.AssignedAt.ToString("O"),
                ["noAnswerCount"] = 0,
                ["flowVersion"] = definition.Version,
            };
            // One flow per lead: the id comes from the lead, so a concurrent start fails on the key and, retried,
            // finds the flow started.
            await runtime.StartAsync(definition, assignment.DealershipId, variables, lead.Id.ToString(), null, cancellationToken,
                WorkflowRuntime.DerivedId(lead.Id, "invitation-flow"));
            started = true;
            // Ended by another replica while this one started it: that replica may have looked for the flow before it was committed.
            if (await EndedLeadById.For(db)(db, lead.Id, cancellationToken) is { } endedMeanwhile)
                await CancelFlowsAsync(db, runtime, [lead.Id], endedMeanwhile.Reason, cancellationToken);
        }
        if (kept)
            await db.WaitingAssignments.Where(w => w.LeadId == lead.Id).ExecuteDeleteAsync(cancellationToken);
        return started;
    }
}

/// <summary>Turns the other services' answers into the messages the flows wait for, correlated by the lead id.</summary>
[IdempotentWithoutInbox("the runtime records each message id per instance it reached and buffers a message once, as for CorrelateWorkflowMessage")]
public sealed class FlowReplyConsumers(WorkflowRuntime runtime) :
    IConsumer<AppointmentBooked>,
    IConsumer<AppointmentRefused>,
    IConsumer<CustomerArrived>,
    IConsumer<AppointmentMissed>,
    IConsumer<AppointmentCancelled>,
    IConsumer<AppointmentConfirmed>,
    IConsumer<AppointmentRescheduled>
{
    // A reply may come before its flow waits (a booking made by reception); kept long enough for the flow to get there.
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(14);

    private Task DeliverAsync(ConsumeContext context, string name, Guid leadId, Guid dealershipId, JsonObject variables) =>
        DeliverAsync(context, name, leadId.ToString(), dealershipId, variables);

    private Task DeliverAsync(ConsumeContext context, string name, string correlationKey, Guid dealershipId, JsonObject variables) =>
        runtime.PublishMessageAsync(name, correlationKey, variables, KeepFor,
            context.MessageId ?? throw new InvalidOperationException("The message has no MessageId."), context.CancellationToken, dealershipId);

    public Task Consume(ConsumeContext<AppointmentBooked> context)
    {
        var m = context.Message;
        return DeliverAsync(context, "appointment-booked", m.LeadId, m.DealershipId, new JsonObject
        {
            ["appointment"] = new JsonObject
            {
                ["id"] = m.AppointmentId.ToString(), ["startsAt"] = m.StartsAt.ToString("O"), ["purpose"] = m.Purpose,
                ["model"] = m.Model, ["directions"] = m.Directions,
            },
        });
    }

    public Task Consume(ConsumeContext<AppointmentRescheduled> context)
    {
        var m = context.Message;
        // Correlated by the appointment, not the lead: a move kept waiting (the flow busy with its directions SMS) must never
        // be taken later by the wait of another visit of the same lead.
        return DeliverAsync(context, "appointment-rescheduled", m.AppointmentId.ToString(), m.DealershipId, new JsonObject
        {
            ["appointment"] = new JsonObject
            {
                ["id"] = m.AppointmentId.ToString(), ["startsAt"] = m.StartsAt.ToString("O"), ["purpose"] = m.Purpose,
                ["model"] = m.Model, ["directions"] = m.Directions,
            },
        });
    }

    public Task Consume(ConsumeContext<AppointmentRefused> context)
    {
        var m = context.Message;
        return DeliverAsync(context, "appointment-refused", m.LeadId, m.DealershipId, new JsonObject { ["bookingRefused"] = m.Reason });
    }

    public Task Consume(ConsumeContext<CustomerArrived> context)
    {
        var m = context.Message;
        return DeliverAsync(context, "customer-arrived", m.LeadId, m.DealershipId, new JsonObject { ["arrivedAt"] = m.ArrivedAt.ToString("O") });
    }

    public Task Consume(ConsumeContext<AppointmentMissed> context)
    {
        var m = context.Message;
        return DeliverAsync(context, "appointment-missed", m.LeadId, m.DealershipId, new JsonObject { ["missedAt"] = m.OccurredAt.ToString("O") });
    }

    public Task Consume(ConsumeContext<AppointmentCancelled> context)
    {
        var m = context.Message;
        return DeliverAsync(context, "appointment-cancelled", m.LeadId, m.DealershipId, new JsonObject { ["cancelledAt"] = m.OccurredAt.ToString("O") });
    }

    public Task Consume(ConsumeContext<AppointmentConfirmed> context)
    {
        var m = context.Message;
        // Nothing in the default flows waits for it; a dealership's own version may (message "appointment-confirmed").
        return DeliverAsync(context, "appointment-confirmed", m.LeadId, m.DealershipId, new JsonObject { ["confirmation"] = m.Answer });
    }
}

/// <summary>
/// The lead moved to another consultant: the flows of the lead carry on with the new consultant, their
/// open tasks move, and a <c>reassign-lead</c> step waiting for the move completes.
/// </summary>
[IdempotentWithoutInbox("a copy finds the flows already following that consultant with no reassign-lead step waiting, and changes nothing; "
    + "each flow's step commits on its own, which one inbox row could not cover")]
public sealed class LeadReassignedConsumer(InvitationWorkflowDbContext db, WorkflowRuntime runtime) : IConsumer<LeadReassigned>
{
    public async Task Consume(ConsumeContext<LeadReassigned> context)
    {
        var m = context.Message;
        // Moved before its flow started (the lead's acceptance still on its way): the flow starts with the new consultant.
        await db.WaitingAssignments.Where(w => w.LeadId == m.LeadId && w.AssignedAt <= m.OccurredAt).ExecuteUpdateAsync(w => w
            .SetProperty(x => x.ConsultantId, m.ConsultantId)
            .SetProperty(x => x.ConsultantName, m.ConsultantName)
            .SetProperty(x => x.ConsultantPhone, m.ConsultantPhone)
            .SetProperty(x => x.AssignedAt, m.OccurredAt), context.CancellationToken);
        await FollowConsultantAsync(db, runtime, m.LeadId, m.ConsultantId, m.ConsultantName, m.ConsultantPhone,
            m.OccurredAt, completeWaitingReassignment: true, context.CancellationToken);
    }

    /// <summary>
    /// Gives the lead's running flows the consultant: variables, open tasks, and a waiting reassign-lead step. The latest
    /// assignment wins, not the last consumed: an older one (a redelivery, a slower replica) after a newer one changes nothing.
    /// </summary>
    internal static async Task FollowConsultantAsync(
        InvitationWorkflowDbContext db, WorkflowRuntime runtime, Guid leadId, Guid consultantId, string consultantName, string consultantPhone,
        DateTimeOffset occurredAt, bool completeWaitingReassignment, CancellationToken cancellationToken)
    {
        var variables = new JsonObject
        {
            ["consultantId"] = consultantId.ToString(), ["consultantName"] = consultantName, ["consultantPhone"] = consultantPhone,
            ["consultantSince"] = occurredAt.ToString("O"),
        };
        var businessKey = leadId.ToString();
        var instanceIds = await db.WorkflowInstances.AsNoTracking()
            .Where(i => i.BusinessKey == businessKey && i.Status == InstanceStatus.Active)
            .Select(i => i.Id).ToListAsync(cancellationToken);
        foreach (var instanceId in instanceIds)
        {
            await runtime.ExecuteAsync(instanceId, async (engine, process, instance) =>
            {
                var known = DateTimeOffset.TryParse(FlowActivities.Text(instance.Variables, "consultantSince"), CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var since);
                if (known && since > occurredAt)
                    return false;
                var waiting = completeWaitingReassignment ? instance.Jobs.Where(j => j.TaskType == "reassign-lead").ToList() : [];
                // The same assignment again (a copy of the message): nothing to do. The same consultant assigned anew still
                // moves consultantSince on, or an older move to another consultant consumed later would win.
                if (FlowActivities.Text(instance.Variables, "consultantId") == consultantId.ToString() && known && since == occurredAt && waiting.Count == 0)
                    return false;
                await engine.SetVariablesAsync(process, instance, variables, cancellationToken);
                // A role's step has no assignee and keeps none: it stays the role's (its task row follows the lead's consultant).
                foreach (var userTask in instance.UserTasks.Where(u => u.Assignee is not null).ToList())
                    engine.AssignUserTask(instance, userTask.Key, consultantId.ToString());
                foreach (var job in waiting)
                    await engine.CompleteJobAsync(process, instance, job.Key, variables, cancellationToken);
                return true;
            }, cancellationToken);
        }
    }
}

/// <summary>
/// A lead closed anywhere (by hand, by an integration) ends its flow: the running instance is cancelled, which
/// withdraws its tasks, timers and message waits in the same commit. A flow that closed the lead itself has ended
/// already and is left as it is.
/// </summary>
[IdempotentWithoutInbox("a copy finds the flow no longer active and changes nothing; each flow's cancellation commits on its own")]
public sealed class LeadClosedConsumer(InvitationWorkflowDbContext db, WorkflowRuntime runtime) : IConsumer<LeadClosed>
{
    public async Task Consume(ConsumeContext<LeadClosed> context)
    {
        var m = context.Message;
        var reason = $"lead closed as {(m.Won ? "won" : "lost")}: {m.Reason}{(m.ClosedBy is null ? "" : $" by {m.ClosedBy}")}";
        await LeadFlows.EndAsync(db, runtime, [m.LeadId], reason, m.OccurredAt, context.CancellationToken);
    }
}

/// <summary>
/// A customer who no longer wants to be called ends the flows of his or her leads at the dealership, as a closed lead does:
/// their tasks, timers and message waits are withdrawn. Opting out of SMS alone does not: notification refuses every SMS
/// to that number by its consent copy, and the calls carry on.
/// </summary>
[IdempotentWithoutInbox("a copy finds the flows no longer active and changes nothing; each flow's cancellation commits on its own")]
public sealed class CustomerOptedOutConsumer(InvitationWorkflowDbContext db, WorkflowRuntime runtime) : IConsumer<CustomerOptedOut>
{
    public async Task Consume(ConsumeContext<CustomerOptedOut> context)
    {
        var m = context.Message;
        if (!string.Equals(m.Channel, ConsentChannels.Phone, StringComparison.OrdinalIgnoreCase))
            return;
        // The customer, not the one lead: every lead of this number at the dealership, whichever one the opt-out came through.
        var leadIds = await db.KnownLeads.AsNoTracking()
            .Where(l => l.DealershipId == m.DealershipId && l.CustomerPhone == m.Phone)
            .Select(l => l.Id).ToListAsync(context.CancellationToken);
        if (m.LeadId is { } leadId && !leadIds.Contains(leadId))
            leadIds.Add(leadId);
        await LeadFlows.EndAsync(db, runtime, leadIds, $"the customer opted out of {m.Channel} calls ('{m.Keyword}')", m.OccurredAt, context.CancellationToken);
    }
}
