using Dealership.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Leads;

/// <summary>
/// Keeps lead-intake's view of each lead (stage, consultant, open tasks, timeline) from the other
/// services' events, so one request shows the whole story of a lead.
/// </summary>
public sealed class LeadTimelineConsumer(LeadIntakeDbContext db) :
    IConsumer<LeadAssigned>,
    IConsumer<LeadUnassigned>,
    IConsumer<ConsultantTaskCreated>,
    IConsumer<ConsultantTaskCompleted>,
    IConsumer<SmsSent>,
    IConsumer<AppointmentBooked>,
    IConsumer<LeadReassigned>,
    IConsumer<LeadPooled>,
    IConsumer<LeadAwaitingShift>,
    IConsumer<SupervisorAlerted>
{
    public async Task Consume(ConsumeContext<LeadAssigned> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        MoveTo(lead, LeadStage.Assigned);
        lead.AssignedConsultantId = m.ConsultantId;
        lead.AssignedConsultantName = m.ConsultantName;
        await CommitAsync(context, lead, m.OccurredAt, "assigned", $"Assigned to {m.ConsultantName}: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<LeadUnassigned> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        MoveTo(lead, LeadStage.Unassigned);
        // Escalation may take a lead away from its consultant into the supervisor queue.
        lead.AssignedConsultantId = null;
        lead.AssignedConsultantName = null;
        await CommitAsync(context, lead, m.OccurredAt, "unassigned", $"Not assigned: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<ConsultantTaskCreated> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        db.Tasks.Add(new LeadTask { Id = m.TaskId, LeadId = m.LeadId, ConsultantId = m.ConsultantId, Kind = m.Kind, DueAt = m.DueAt });
        await CommitAsync(context, lead, m.OccurredAt, "task-created", $"Task {m.Kind} created, due {m.DueAt:u}");
    }

    public async Task Consume(ConsumeContext<ConsultantTaskCompleted> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        if (await db.Tasks.FindAsync([m.TaskId], context.CancellationToken) is { } task)
            task.CompletedAt = m.OccurredAt;
        await CommitAsync(context, lead, m.OccurredAt, "task-completed", $"Task completed: {m.Outcome}");
    }

    public async Task Consume(ConsumeContext<SmsSent> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "sms-sent", $"SMS '{m.Template}' sent to the {m.Recipient} ({m.MaskedPhone})");
    }

    public async Task Consume(ConsumeContext<AppointmentBooked> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        lead.Stage = LeadStage.AppointmentBooked;
        await CommitAsync(context, lead, m.OccurredAt, "appointment-booked", $"Visit booked for {m.StartsAt:u} ({m.Purpose})");
    }

    public async Task Consume(ConsumeContext<LeadReassigned> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        MoveTo(lead, LeadStage.Assigned);
        lead.AssignedConsultantId = m.ConsultantId;
        lead.AssignedConsultantName = m.ConsultantName;
        await CommitAsync(context, lead, m.OccurredAt, "reassigned", $"Reassigned to {m.ConsultantName}: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<LeadPooled> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        MoveTo(lead, LeadStage.Unassigned);
        lead.AssignedConsultantId = null;
        lead.AssignedConsultantName = null;
        await CommitAsync(context, lead, m.OccurredAt, "pooled", $"In the open pool: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<LeadAwaitingShift> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        lead.AssignedConsultantId = null;
        lead.AssignedConsultantName = null;
        await CommitAsync(context, lead, m.OccurredAt, "awaiting-shift", $"Waiting for the next shift ({m.WaitUntil:u}): {m.Reason}");
    }

    public async Task Consume(ConsumeContext<SupervisorAlerted> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "supervisor-alerted", $"Supervisor {m.SupervisorName ?? "(none on the roster)"} alerted: {m.Reason}");
    }

    // Events from different services arrive in any order: a late (re)assignment must not undo a booked visit.
    private static void MoveTo(Lead lead, LeadStage stage)
    {
        if (lead.Stage != LeadStage.AppointmentBooked)
            lead.Stage = stage;
    }

    /// <summary>The lead to update, or null when this message was already applied.</summary>
    private async Task<Lead?> FirstDeliveryAsync(ConsumeContext context, Guid leadId)
    {
        if (!await db.FirstDeliveryAsync(context, nameof(LeadTimelineConsumer)))
            return null;
        // Events about a lead follow its LeadAccepted, which this service committed before publishing;
        // a missing lead is a real fault: the message is retried, then parked in the error queue.
        return await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Lead {leadId} is not known to lead-intake.");
    }

    private Task CommitAsync(ConsumeContext context, Lead lead, DateTimeOffset at, string kind, string text)
    {
        if (at > lead.UpdatedAt)
            lead.UpdatedAt = at;
        db.Timeline.Add(new TimelineEntry { Id = NewId.NextGuid(), LeadId = lead.Id, At = at, Kind = kind, Text = text });
        return db.SaveChangesAsync(context.CancellationToken);
    }
}
