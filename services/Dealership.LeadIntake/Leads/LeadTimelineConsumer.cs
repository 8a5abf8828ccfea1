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
    IConsumer<LeadClosed>,
    IConsumer<LeadReassigned>,
    IConsumer<LeadPooled>,
    IConsumer<LeadAwaitingShift>,
    IConsumer<SupervisorAlerted>,
    IConsumer<AppointmentRefused>,
    IConsumer<AppointmentRescheduled>,
    IConsumer<AppointmentCancelled>,
    IConsumer<AppointmentConfirmed>,
    IConsumer<CustomerArrived>,
    IConsumer<AppointmentMissed>,
    IConsumer<SmsHeld>,
    IConsumer<SmsRefused>,
    IConsumer<SmsFailed>,
    IConsumer<ConsultantCallLogged>,
    IConsumer<ConsultantTaskReassigned>,
    IConsumer<InvitationFlowEvent>
{
    public async Task Consume(ConsumeContext<LeadAssigned> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        Advance(lead, LeadStage.Assigned);
        lead.AssignedConsultantId = m.ConsultantId;
        lead.AssignedConsultantName = m.ConsultantName;
        await CommitAsync(context, lead, m.OccurredAt, "assigned", $"Assigned to {m.ConsultantName}: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<LeadUnassigned> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        Advance(lead, LeadStage.Unassigned);
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
        Advance(lead, LeadStage.AppointmentBooked);
        await CommitAsync(context, lead, m.OccurredAt, "appointment-booked", $"Visit booked for {m.StartsAt:u} ({m.Purpose})");
    }

    public async Task Consume(ConsumeContext<LeadClosed> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        lead.Stage = m.Won ? LeadStage.Won : LeadStage.Lost;
        // The customer's next enquiry opens a new lead.
        if (lead.CustomerId is { } customerId && await db.Customers.FindAsync([customerId], context.CancellationToken) is { } customer
            && customer.OpenLeadId == lead.Id)
        {
            customer.OpenLeadId = null;
            customer.Version++;
        }
        await CommitAsync(context, lead, m.OccurredAt, "closed", $"Closed as {(m.Won ? "won" : "lost")}: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<LeadReassigned> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        Advance(lead, LeadStage.Assigned);
        lead.AssignedConsultantId = m.ConsultantId;
        lead.AssignedConsultantName = m.ConsultantName;
        await CommitAsync(context, lead, m.OccurredAt, "reassigned", $"Reassigned to {m.ConsultantName}: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<LeadPooled> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        Advance(lead, LeadStage.Unassigned);
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

    public async Task Consume(ConsumeContext<AppointmentRefused> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "appointment-refused", $"Visit for {m.StartsAt:u} could not be booked: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<AppointmentRescheduled> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "appointment-rescheduled", $"Visit moved from {m.PreviousStartsAt:u} to {m.StartsAt:u} by the {m.By}");
    }

    public async Task Consume(ConsumeContext<AppointmentCancelled> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "appointment-cancelled",
            $"Visit of {m.StartsAt:u} cancelled by the {m.By}{(string.IsNullOrEmpty(m.Reason) ? "" : ": " + m.Reason)}");
    }

    public async Task Consume(ConsumeContext<AppointmentConfirmed> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "appointment-confirmed", $"Customer answered '{m.Answer}' for the visit of {m.StartsAt:u} (by {m.Channel})");
    }

    public async Task Consume(ConsumeContext<CustomerArrived> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "customer-arrived", $"Customer arrived at the showroom at {m.ArrivedAt:u}");
    }

    public async Task Consume(ConsumeContext<AppointmentMissed> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "appointment-missed", $"Customer did not come to the visit of {m.StartsAt:u}");
    }

    public async Task Consume(ConsumeContext<SmsHeld> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "sms-held", $"SMS '{m.Template}' to the {m.Recipient} ({m.MaskedPhone}) held until {m.SendAt:u}: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<SmsRefused> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "sms-refused", $"SMS '{m.Template}' to the {m.Recipient} ({m.MaskedPhone}) not sent: {m.Reason}");
    }

    public async Task Consume(ConsumeContext<SmsFailed> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "sms-failed", $"SMS '{m.Template}' to the {m.Recipient} ({m.MaskedPhone}) failed: {m.Reason}");
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

    public async Task Consume(ConsumeContext<ConsultantCallLogged> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        var outcome = m.Answer switch
        {
            null => m.Contact,
            "accepted" => $"accepted, visit at {m.VisitAt:u}",
            "callback" => $"wants a callback at {m.CallbackAt:u}",
            var answer => answer,
        };
        var note = string.IsNullOrWhiteSpace(m.Note) ? "" : $" ({m.Note})";
        await CommitAsync(context, lead, m.OccurredAt, "call-logged", $"Call logged for task {m.Kind}: {outcome}{note}");
    }

    public async Task Consume(ConsumeContext<ConsultantTaskReassigned> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        if (await db.Tasks.FindAsync([m.TaskId], context.CancellationToken) is { } task)
            task.ConsultantId = m.ConsultantId;
        await CommitAsync(context, lead, m.OccurredAt, "task-reassigned", "Open task moved to the new consultant");
    }

    public async Task Consume(ConsumeContext<InvitationFlowEvent> context)
    {
        var m = context.Message;
        if (await FirstDeliveryAsync(context, m.LeadId) is not { } lead)
            return;
        await CommitAsync(context, lead, m.OccurredAt, "flow-event", $"{m.Name} ({m.ProcessKey} v{m.Version})");
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
        lead.Version++;
        db.Timeline.Add(new TimelineEntry { Id = NewId.NextGuid(), LeadId = lead.Id, At = at, Kind = kind, Text = text });
        return db.SaveChangesAsync(context.CancellationToken);
    }
}
