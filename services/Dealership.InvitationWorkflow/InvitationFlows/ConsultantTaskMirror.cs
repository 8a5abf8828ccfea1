using Dealership.Contracts;
using Dealership.InvitationWorkflow.InvitationFlows;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.InvitationFlows;

/// <summary>
/// Keeps the consultant's tasks in step with a flow's user tasks: staged with the instance's new
/// state, so a task opens, closes or moves in the same transaction as the step that caused it, with its
/// ConsultantTaskCreated / Completed / Reassigned in the outbox.
/// Only instances that carry a lead (a <c>leadId</c> variable) have consultant tasks.
/// </summary>
public sealed class ConsultantTaskMirror(InvitationWorkflowDbContext db) : IWorkflowStepObserver
{
    public async Task StageAsync(WorkflowStep step, CancellationToken cancellationToken)
    {
        var (instanceId, process, before, instance, interruptedBy, now) = (step.InstanceId, step.Process, step.Before, step.Instance, step.InterruptedBy, step.Now);
        var variables = instance.Variables;
        if (!Guid.TryParse(FlowActivities.Text(variables, "leadId"), out var leadId)
            || !Guid.TryParse(FlowActivities.Text(variables, "dealershipId"), out var dealershipId))
            return;

        var oldKeys = before?.UserTasks.Select(t => t.Key).ToHashSet() ?? [];
        var keys = instance.UserTasks.Select(t => t.Key).ToHashSet();
        var gone = oldKeys.Except(keys).Select(k => (long?)k).ToList();
        if (gone.Count > 0)
        {
            var closing = await db.Tasks.Where(t => t.InstanceId == instanceId && gone.Contains(t.UserTaskKey) && t.CompletedAt == null).ToListAsync(cancellationToken);
            // Completed through the task API, the row already carries its outcome (same tracked entity).
            closing.AddRange(db.Tasks.Local.Where(t => t.InstanceId == instanceId && gone.Contains(t.UserTaskKey) && t.CompletedAt is not null && t.Outcome is not null && !closing.Contains(t)));
            foreach (var task in closing)
            {
                task.CompletedAt ??= now;
                task.Outcome ??= task.UserTaskKey is { } key && interruptedBy.TryGetValue(key, out var message) ? message : "withdrawn";
                db.Publish(new ConsultantTaskCompleted(task.Id, task.LeadId, task.DealershipId, task.Outcome, now));
            }
        }

        foreach (var userTask in instance.UserTasks.Where(t => !oldKeys.Contains(t.Key)))
        {
            var element = process.Element(userTask.ElementId) as TaskElement;
            string? Header(string key) => element?.Headers.GetValueOrDefault(key) is { Length: > 0 } v ? v : null;
            var consultantId = Guid.TryParse(userTask.Assignee, out var assignee) ? assignee
                : Guid.TryParse(FlowActivities.Text(variables, "consultantId"), out var c) ? c
                : Guid.Empty;
            // A step of a role (reception's) belongs to no one person: the lead's consultant stays its owner, so he or she
            // sees it on the lead's card and may take it, and anyone of the role at the dealership finds it in the role's list.
            var role = userTask.Assignee is null ? userTask.CandidateGroups?.FirstOrDefault() : null;
            var task = new ConsultantTask
            {
                Id = NewId.NextGuid(),
                LeadId = leadId,
                DealershipId = dealershipId,
                ConsultantId = consultantId,
                Role = role,
                Kind = Header("kind") ?? userTask.ElementId,
                CreatedAt = now,
                DueAt = userTask.DueAt ?? now,
                InstanceId = instanceId,
                UserTaskKey = userTask.Key,
                ElementId = userTask.ElementId,
                Title = userTask.Name,
                TitleEn = Header("name-en"),
                Outcomes = Header("outcomes") is { } outcomes ? string.Join(",", outcomes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : null,
                AsksPurpose = Header("asks")?.Split(',', StringSplitOptions.TrimEntries).Contains("purpose") == true,
                Why = Header("why"),
                Offer = Header("offer"),
                // Not the documentation: it holds the element's English description, which a Chinese reader would get as steps.
                Steps = Header("steps"),
                WhyZh = Header("why-zh"),
                OfferZh = Header("offer-zh"),
                StepsZh = Header("steps-zh"),
                CustomerName = FlowActivities.Text(variables, "customerName"),
                CustomerPhone = FlowActivities.Text(variables, "customerPhone"),
                Source = FlowActivities.Text(variables, "source"),
                VehicleOfInterest = FlowActivities.Text(variables, "vehicleOfInterest"),
            };
            db.Tasks.Add(task);
            db.Publish(new ConsultantTaskCreated(task.Id, leadId, dealershipId, consultantId, task.Kind, task.DueAt, now));
            // A step may tell the consultant by SMS that the task is theirs (the first contact does: "new-lead").
            if (role is null && Header("alertTemplate") is { } template && FlowActivities.Text(variables, "consultantPhone") is { } phone)
            {
                var parameters = FlowActivities.SmsParameters(variables);
                // As a moment: notification writes it in the dealership's time zone.
                parameters["dueAt"] = task.DueAt.ToString("o");
                db.Publish(new SendSms(leadId, dealershipId, SmsRecipients.Consultant, phone, template, parameters,
                    $"{leadId}:{template}:{task.Id}", now));
            }
        }

        // A migration to another version keeps a user task's key and may give it another element id: the task row follows.
        var movedElements = before is null ? [] : instance.UserTasks
            .Where(t => before.UserTasks.Any(b => b.Key == t.Key && b.ElementId != t.ElementId))
            .ToDictionary(t => t.Key, t => t.ElementId);
        if (movedElements.Count > 0)
        {
            var moved = movedElements.Keys.Select(k => (long?)k).ToList();
            foreach (var task in await db.Tasks.Where(t => t.InstanceId == instanceId && t.CompletedAt == null && moved.Contains(t.UserTaskKey)).ToListAsync(cancellationToken))
                task.ElementId = movedElements[task.UserTaskKey!.Value];
        }

        // The lead's consultant changed (the variable, set by the reassignment): the open tasks follow, a role's step too, since
        // its owner is the lead's consultant. Assignees of user tasks the flow moved through the engine already.
        if (before is not null && FlowActivities.Text(variables, "consultantId") is { } newConsultant && Guid.TryParse(newConsultant, out var leadConsultant)
            && FlowActivities.Text(before.Variables, "consultantId") != newConsultant)
        {
            var open = await db.Tasks.Where(t => t.InstanceId == instanceId && t.CompletedAt == null && t.ConsultantId != leadConsultant).ToListAsync(cancellationToken);
            foreach (var task in open)
            {
                task.ConsultantId = leadConsultant;
                db.Publish(new ConsultantTaskReassigned(task.Id, task.LeadId, task.DealershipId, leadConsultant, now));
            }
        }
    }
}
