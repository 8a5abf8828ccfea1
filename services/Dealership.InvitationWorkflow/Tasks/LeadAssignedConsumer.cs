using Dealership.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dealership.InvitationWorkflow.Tasks;

public class FirstContactOptions
{
    /// <summary>The source process: the first follow-up within 24 hours of assignment.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Opens the consultant's first-contact task and alerts the consultant by SMS.</summary>
public sealed class LeadAssignedConsumer(InvitationWorkflowDbContext db, TimeProvider clock, IOptions<FirstContactOptions> options) : IConsumer<LeadAssigned>
{
    public async Task Consume(ConsumeContext<LeadAssigned> context)
    {
        var assigned = context.Message;
        if (!await db.FirstDeliveryAsync(context, nameof(LeadAssignedConsumer)))
            return;
        if (await db.Tasks.AnyAsync(t => t.LeadId == assigned.LeadId && t.Kind == TaskKinds.FirstContact, context.CancellationToken))
            return;

        var task = new ConsultantTask
        {
            Id = NewId.NextGuid(),
            LeadId = assigned.LeadId,
            DealershipId = assigned.DealershipId,
            ConsultantId = assigned.ConsultantId,
            Kind = TaskKinds.FirstContact,
            CreatedAt = clock.GetUtcNow(),
            // The promise runs from the assignment, not from when this service got round to it.
            DueAt = assigned.OccurredAt + options.Value.Deadline,
        };
        db.Tasks.Add(task);
        db.Publish(new ConsultantTaskCreated(task.Id, task.LeadId, task.DealershipId, task.ConsultantId, task.Kind, task.DueAt, task.CreatedAt));
        db.Publish(new SendSms(
            assigned.LeadId,
            assigned.DealershipId,
            SmsRecipients.Consultant,
            assigned.ConsultantPhone,
            "new-lead",
            new Dictionary<string, string>
            {
                ["consultant"] = assigned.ConsultantName,
                ["dueAt"] = task.DueAt.ToString("yyyy-MM-dd HH:mm 'UTC'"),
            },
            IdempotencyKey: $"{assigned.LeadId}:new-lead:{task.Id}",
            task.CreatedAt));
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
