using System.Globalization;
using Dealership.Contracts;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Leads;

/// <summary>
/// Keeps lead-intake's view of each lead (stage, consultant, open tasks, timeline) from the other
/// services' events, so one request shows the whole story of a lead. Each event is one timeline
/// entry, in English and as its facts (<see cref="TimelineFacts"/>), and some also change the lead.
/// </summary>
public sealed class LeadTimelineConsumer(LeadIntakeDbContext db, LeadViewCues cues) :
    IConsumer<LeadAssigned>,
    IConsumer<LeadUnassigned>,
    IConsumer<LeadReassigned>,
    IConsumer<LeadPooled>,
    IConsumer<LeadAwaitingShift>,
    IConsumer<SupervisorAlerted>,
    IConsumer<LeadClosed>,
    IConsumer<ConsultantTaskCreated>,
    IConsumer<ConsultantTaskCompleted>,
    IConsumer<AppointmentBooked>,
    IConsumer<AppointmentRefused>,
    IConsumer<AppointmentRescheduled>,
    IConsumer<AppointmentCancelled>,
    IConsumer<AppointmentConfirmed>,
    IConsumer<CustomerArrived>,
    IConsumer<AppointmentMissed>,
    IConsumer<SmsSent>,
    IConsumer<SmsHeld>,
    IConsumer<SmsRefused>,
    IConsumer<SmsFailed>,
    IConsumer<SmsWithdrawn>,
    IConsumer<ConsultantCallLogged>,
    IConsumer<ConsultantTaskReassigned>,
    IConsumer<InvitationFlowEvent>
{
    private sealed record Entry(Guid LeadId, DateTimeOffset At, string Kind, string Text, Dictionary<string, string?> Facts);

    public Task Consume(ConsumeContext<LeadAssigned> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "assigned", $"Assigned to {m.ConsultantName}: {m.Reason}",
            new() { ["consultant"] = m.ConsultantName, ["reason"] = m.Reason }),
        (lead, m) =>
        {
            AssignTo(lead, m.ConsultantId, m.ConsultantName, m.OccurredAt);
            // The earliest assignment, whichever order they are consumed in: it started the first-follow-up clock.
            if (lead.FirstAssignedAt is null || m.OccurredAt < lead.FirstAssignedAt)
                (lead.FirstAssignedAt, lead.FirstConsultantId, lead.FirstConsultantName) = (m.OccurredAt, m.ConsultantId, m.ConsultantName);
        });

    public Task Consume(ConsumeContext<LeadReassigned> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "reassigned", $"Reassigned to {m.ConsultantName}: {m.Reason}",
            new() { ["consultant"] = m.ConsultantName, ["reason"] = m.Reason }),
        (lead, m) => AssignTo(lead, m.ConsultantId, m.ConsultantName, m.OccurredAt));

    // Escalation may take a lead away from its consultant into the supervisor queue or the pool.
    public Task Consume(ConsumeContext<LeadUnassigned> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "unassigned", $"Not assigned: {m.Reason}", new() { ["reason"] = m.Reason }),
        (lead, m) => Unassign(lead, LeadStage.Unassigned, m.OccurredAt));

    public Task Consume(ConsumeContext<LeadPooled> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "pooled", $"In the open pool: {m.Reason}", new() { ["reason"] = m.Reason }),
        (lead, m) => Unassign(lead, LeadStage.Unassigned, m.OccurredAt));

    public Task Consume(ConsumeContext<LeadAwaitingShift> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "awaiting-shift", $"Waiting for the next shift ({m.WaitUntil:u}): {m.Reason}",
            new() { ["waitUntil"] = TimelineFacts.Moment(m.WaitUntil), ["reason"] = m.Reason }),
        (lead, m) => Unassign(lead, null, m.OccurredAt));

    public Task Consume(ConsumeContext<SupervisorAlerted> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "supervisor-alerted", $"Supervisor {m.SupervisorName ?? "(none on the roster)"} alerted: {m.Reason}",
            new() { ["supervisor"] = m.SupervisorName, ["reason"] = m.Reason }));

    public async Task Consume(ConsumeContext<LeadClosed> context)
    {
        // A closed lead stays closed: a person and the flow closing it at the same moment leave the first close.
        if (await db.Leads.AsNoTracking().AnyAsync(l => l.Id == context.Message.LeadId && (l.Stage == LeadStage.Won || l.Stage == LeadStage.Lost), context.CancellationToken))
            return;
        await Apply(context,
            m => new(m.LeadId, m.OccurredAt, "closed",
                $"Closed as {(m.Won ? "won" : "lost")}: {m.Reason}{(m.ClosedBy is null ? "" : $" by {m.ClosedBy}")}{(m.Note is null ? "" : $" ({m.Note})")}",
                new() { ["outcome"] = m.Won ? "won" : "lost", ["reason"] = m.Reason, ["by"] = m.ClosedBy, ["note"] = m.Note }),
            async (lead, m) =>
            {
                lead.Stage = m.Won ? LeadStage.Won : LeadStage.Lost;
                lead.LostReason = m.Won ? null : m.Reason;
                // The customer's next enquiry opens a new lead.
                if (lead.CustomerId is { } customerId && await db.Customers.FindAsync([customerId], context.CancellationToken) is { } customer
                    && customer.OpenLeadId == lead.Id)
                {
                    customer.OpenLeadId = null;
                    customer.Version++;
                }
            });
    }

    public Task Consume(ConsumeContext<ConsultantTaskCreated> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "task-created", $"Task {m.Kind} created, due {m.DueAt:u}",
            new() { ["taskKind"] = m.Kind, ["dueAt"] = TimelineFacts.Moment(m.DueAt) }),
        async (_, m) =>
        {
            var task = await TaskAsync(m.TaskId, m.LeadId, context.CancellationToken);
            task.ConsultantId = m.ConsultantId;
            task.Kind = m.Kind;
            task.DueAt = m.DueAt;
        });

    public Task Consume(ConsumeContext<ConsultantTaskCompleted> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "task-completed", $"Task completed: {m.Outcome}", new() { ["outcome"] = m.Outcome }),
        async (_, m) => (await TaskAsync(m.TaskId, m.LeadId, context.CancellationToken)).CompletedAt = m.OccurredAt);

    public Task Consume(ConsumeContext<AppointmentBooked> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "appointment-booked", $"Visit booked for {m.StartsAt:u} ({m.Purpose})",
            new() { ["visitAt"] = TimelineFacts.Moment(m.StartsAt), ["purpose"] = m.Purpose, ["model"] = m.Model, ["by"] = m.BookedBy }),
        (lead, m) =>
        {
            Advance(lead, LeadStage.AppointmentBooked);
            Reach(lead, Milestone.Booked, m.OccurredAt);
        });

    public Task Consume(ConsumeContext<AppointmentRefused> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "appointment-refused", $"Visit for {m.StartsAt:u} could not be booked: {m.Reason}",
            new() { ["visitAt"] = TimelineFacts.Moment(m.StartsAt), ["reason"] = m.Reason }));

    public Task Consume(ConsumeContext<AppointmentRescheduled> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "appointment-rescheduled", $"Visit moved from {m.PreviousStartsAt:u} to {m.StartsAt:u} by the {m.By}",
            new() { ["previousVisitAt"] = TimelineFacts.Moment(m.PreviousStartsAt), ["visitAt"] = TimelineFacts.Moment(m.StartsAt), ["by"] = m.By }));

    public Task Consume(ConsumeContext<AppointmentCancelled> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "appointment-cancelled",
            $"Visit of {m.StartsAt:u} cancelled by the {m.By}{(string.IsNullOrEmpty(m.Reason) ? "" : ": " + m.Reason)}",
            new() { ["visitAt"] = TimelineFacts.Moment(m.StartsAt), ["by"] = m.By, ["reason"] = m.Reason }),
        (lead, _) => NoLongerBooked(lead));

    public Task Consume(ConsumeContext<AppointmentConfirmed> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "appointment-confirmed", $"Customer answered '{m.Answer}' for the visit of {m.StartsAt:u} (by {m.Channel})",
            new() { ["visitAt"] = TimelineFacts.Moment(m.StartsAt), ["answer"] = m.Answer, ["channel"] = m.Channel }));

    public Task Consume(ConsumeContext<CustomerArrived> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "customer-arrived", $"Customer arrived at the showroom at {m.ArrivedAt:u}",
            new() { ["arrivedAt"] = TimelineFacts.Moment(m.ArrivedAt) }),
        (lead, m) => Reach(lead, Milestone.Arrived, m.ArrivedAt));

    public Task Consume(ConsumeContext<AppointmentMissed> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "appointment-missed", $"Customer did not come to the visit of {m.StartsAt:u}",
            new() { ["visitAt"] = TimelineFacts.Moment(m.StartsAt) }),
        (lead, _) => NoLongerBooked(lead));

    public Task Consume(ConsumeContext<SmsSent> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "sms-sent", $"SMS '{m.Template}' sent to the {m.Recipient} ({m.MaskedPhone})",
            Sms(m.Template, m.Recipient, m.MaskedPhone)));

    public Task Consume(ConsumeContext<SmsHeld> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "sms-held", $"SMS '{m.Template}' to the {m.Recipient} ({m.MaskedPhone}) held until {m.SendAt:u}: {m.Reason}",
            Sms(m.Template, m.Recipient, m.MaskedPhone, m.Reason, m.SendAt)));

    public Task Consume(ConsumeContext<SmsRefused> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "sms-refused", $"SMS '{m.Template}' to the {m.Recipient} ({m.MaskedPhone}) not sent: {m.Reason}",
            Sms(m.Template, m.Recipient, m.MaskedPhone, m.Reason)));

    public Task Consume(ConsumeContext<SmsFailed> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "sms-failed", $"SMS '{m.Template}' to the {m.Recipient} ({m.MaskedPhone}) failed: {m.Reason}",
            Sms(m.Template, m.Recipient, m.MaskedPhone, m.Reason)));

    public Task Consume(ConsumeContext<SmsWithdrawn> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "sms-withdrawn", $"SMS '{m.Template}' to the {m.Recipient} ({m.MaskedPhone}) withdrawn: {m.Reason}",
            Sms(m.Template, m.Recipient, m.MaskedPhone, m.Reason)));

    public Task Consume(ConsumeContext<ConsultantCallLogged> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "call-logged", $"Call logged for task {m.Kind}: {CallOutcome(m)}{(string.IsNullOrWhiteSpace(m.Note) ? "" : $" ({m.Note})")}",
            new()
            {
                ["taskKind"] = m.Kind, ["contact"] = m.Contact, ["answer"] = m.Answer, ["visitAt"] = TimelineFacts.Moment(m.VisitAt),
                ["callbackAt"] = TimelineFacts.Moment(m.CallbackAt), ["note"] = m.Note?.Trim(),
            }),
        (lead, m) =>
        {
            if (lead.FirstCallAt is null || m.OccurredAt < lead.FirstCallAt)
                lead.FirstCallAt = m.OccurredAt;
            if (m.Answer is not null)
                Reach(lead, Milestone.Invited, m.OccurredAt);
            else if (m.Contact == "reached")
                Reach(lead, Milestone.Reached, m.OccurredAt);
        });

    public Task Consume(ConsumeContext<ConsultantTaskReassigned> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "task-reassigned", "Open task moved to the new consultant", []),
        async (_, m) =>
        {
            if (await db.Tasks.FindAsync([m.TaskId], context.CancellationToken) is { } task)
                task.ConsultantId = m.ConsultantId;
        });

    public Task Consume(ConsumeContext<InvitationFlowEvent> context) => Apply(context,
        m => new(m.LeadId, m.OccurredAt, "flow-event", $"{m.Name} ({m.ProcessKey} v{m.Version})",
            new() { ["name"] = m.Name, ["processKey"] = m.ProcessKey, ["version"] = m.Version.ToString(CultureInfo.InvariantCulture) }));

    /// <summary>
    /// The task's row, or a new one with no kind yet. The workflow announces a task's creation first, but a
    /// retried delivery can bring its completion here before it: the completion still has to stick, or the
    /// creation arriving after it would list a done task as open for ever. The creation fills in the rest
    /// and leaves the completion in place.
    /// </summary>
    private async Task<LeadTask> TaskAsync(Guid taskId, Guid leadId, CancellationToken cancellationToken)
    {
        if (await TaskById.For(db)(db, taskId, cancellationToken) is { } task)
            return task;
        task = new LeadTask { Id = taskId, LeadId = leadId, Kind = "" };
        db.Tasks.Add(task);
        return task;
    }

    private static Dictionary<string, string?> Sms(string template, string recipient, string maskedPhone, string? reason = null, DateTimeOffset? sendAt = null) =>
        new() { ["template"] = template, ["recipient"] = recipient, ["maskedPhone"] = maskedPhone, ["reason"] = reason, ["sendAt"] = TimelineFacts.Moment(sendAt) };

    private static string? CallOutcome(ConsultantCallLogged m) => m.Answer switch
    {
        null => m.Contact,
        "accepted" => $"accepted, visit at {m.VisitAt:u}",
        "callback" => $"wants a callback at {m.CallbackAt:u}",
        var answer => answer,
    };

    private Task Apply<T>(ConsumeContext<T> context, Func<T, Entry> entry, Action<Lead, T>? change = null) where T : class =>
        Apply(context, entry, change is null ? null : (lead, m) =>
        {
            change(lead, m);
            return Task.CompletedTask;
        });

    /// <summary>Adds the event's timeline entry and its change to the lead, once per message, in one commit.</summary>
    private async Task Apply<T>(ConsumeContext<T> context, Func<T, Entry> entry, Func<Lead, T, Task>? change) where T : class
    {
        var (leadId, at, kind, text, facts) = entry(context.Message);
        // Events about a lead follow its LeadAccepted, which this service committed before publishing;
        // a missing lead is a real fault: the message is retried, then parked in the error queue.
        var lead = await LeadById.For(db)(db, leadId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Lead {leadId} is not known to lead-intake.");
        if (change is not null)
            await change(lead, context.Message);
        if (at > lead.UpdatedAt)
            lead.UpdatedAt = at;
        lead.Version++;
        db.Timeline.Add(new TimelineEntry { Id = NewId.NextGuid(), LeadId = lead.Id, At = at, Kind = kind, Text = text, Facts = TimelineFacts.Write(facts) });
        await db.SaveChangesAsync(context.CancellationToken);
        cues.Changed(lead.DealershipId);
    }

    // Compiled: every event of every lead reads its lead first (three times per lead before its first call).
    private static readonly CompiledQuery<Func<LeadIntakeDbContext, Guid, CancellationToken, Task<Lead?>>> LeadById =
        new(() => EF.CompileAsyncQuery((LeadIntakeDbContext context, Guid id, CancellationToken _) => context.Leads.SingleOrDefault(l => l.Id == id)));

    // Compiled as well: each task's creation and completion look for its row (ADR 0535).
    private static readonly CompiledQuery<Func<LeadIntakeDbContext, Guid, CancellationToken, Task<LeadTask?>>> TaskById =
        new(() => EF.CompileAsyncQuery((LeadIntakeDbContext context, Guid id, CancellationToken _) => context.Tasks.SingleOrDefault(t => t.Id == id)));

    private static void AssignTo(Lead lead, Guid consultantId, string consultantName, DateTimeOffset at)
    {
        if (!FollowsLatest(lead, at))
            return;
        Advance(lead, LeadStage.Assigned);
        lead.AssignedConsultantId = consultantId;
        lead.AssignedConsultantName = consultantName;
    }

    private static void Unassign(Lead lead, LeadStage? stage, DateTimeOffset at)
    {
        if (!FollowsLatest(lead, at))
            return;
        if (stage is not null)
            Advance(lead, stage.Value);
        lead.AssignedConsultantId = null;
        lead.AssignedConsultantName = null;
    }

    /// <summary>
    /// The latest assignment wins, not the last consumed: a redelivered or slower replica's older LeadAssigned after a
    /// LeadReassigned must not give the lead back to the consultant it was taken from. Says whether the event is the latest.
    /// </summary>
    private static bool FollowsLatest(Lead lead, DateTimeOffset at)
    {
        if (lead.ConsultantChangedAt > at)
            return false;
        lead.ConsultantChangedAt = at;
        return true;
    }

    /// <summary>
    /// Records the first time the lead got this far, and the earlier milestones it passed on the way (a booking
    /// made by the customer's SMS answer still means the customer was reached and invited).
    /// </summary>
    private static void Reach(Lead lead, Milestone milestone, DateTimeOffset at)
    {
        if (milestone >= Milestone.Arrived && (lead.ArrivedAt is null || at < lead.ArrivedAt))
            lead.ArrivedAt = at;
        if (milestone >= Milestone.Booked && (lead.BookedAt is null || at < lead.BookedAt))
            lead.BookedAt = at;
        if (milestone >= Milestone.Invited && (lead.InvitedAt is null || at < lead.InvitedAt))
            lead.InvitedAt = at;
        if (lead.ReachedAt is null || at < lead.ReachedAt)
            lead.ReachedAt = at;
    }

    /// <summary>
    /// A cancelled or missed visit sends the lead back to its consultant's follow-up (the process invites again), as
    /// where it stood before the booking; the funnel keeps that it was booked once (<see cref="Lead.BookedAt"/>).
    /// </summary>
    private static void NoLongerBooked(Lead lead)
    {
        if (lead.Stage == LeadStage.AppointmentBooked)
            lead.Stage = lead.AssignedConsultantId is null ? LeadStage.Unassigned : LeadStage.Assigned;
    }

    /// <summary>
    /// Moves the lead's stage forward only: events of different services arrive in any order (a visit
    /// may be booked before the assignment is heard of), and a late one must not take the lead back.
    /// Assigned and unassigned are one step: escalation moves a lead between them both ways.
    /// </summary>
    private static void Advance(Lead lead, LeadStage stage)
    {
        static int Rank(LeadStage s) => s switch
        {
            LeadStage.New => 0,
            LeadStage.Assigned or LeadStage.Unassigned => 1,
            LeadStage.AppointmentBooked => 2,
            _ => 3,
        };
        if (Rank(stage) >= Rank(lead.Stage))
            lead.Stage = stage;
    }
}
