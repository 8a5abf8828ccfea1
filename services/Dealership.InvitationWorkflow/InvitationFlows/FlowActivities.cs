using System.Globalization;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.InvitationWorkflow.InvitationFlows;

/// <summary>
/// The service task types the invitation flows use. Each stages its command or event on the
/// service's DbContext (the outbox), so it commits in the same transaction as the step that ran it:
/// a step that is retried after a concurrent save publishes nothing twice. Where an answer is
/// needed the diagram waits on a message correlated by the lead id (see <see cref="FlowReplyConsumers"/>).
/// </summary>
public static class FlowActivities
{
    public static ActivityRegistry AddInvitationFlowActivities(this ActivityRegistry registry) => registry
        .Register("send-sms", Scoped(SendSms))
        .Register("schedule-appointment", Scoped(ScheduleAppointment))
        .Register("notify-supervisor", ScopedAsync(NotifySupervisorAsync))
        .Register("alert-supervisor", ScopedAsync(AlertSupervisorAsync))
        .Register("reassign-lead", Scoped((_, _) => ActivityResult.Wait))
        .Register("close-lead", Scoped(CloseLead))
        .Register("publish-event", Scoped(PublishEvent))
        // What the designer offers for each type, as forms of their headers (GET /api/workflows/element-templates).
        .Describe("send-sms", new("Send an SMS", "发送短信", "Asks notification to send an SMS from one of the dealership's templates.",
            "请通知服务按经销商的短信模板发送一条短信。",
            [
                new("template", "SMS template", "短信模板", Required: true),
                new("recipient", "Recipient", "收信人", Default: SmsRecipients.Customer, Choices:
                [
                    new(SmsRecipients.Customer, "The customer", "客户"),
                    new(SmsRecipients.Consultant, "The lead's sales consultant", "线索的销售顾问"),
                ]),
            ]))
        .Describe("schedule-appointment", new("Book the visit time", "预约客户到店时间",
            "Asks the showroom's calendar for the visit time the customer accepted (the flow's visitAt).", "按客户接受的时间（流程变量 visitAt）预约展厅。",
            [new("purpose", "Purpose of the visit", "到店目的", Default: "visit")]))
        .Describe("notify-supervisor", new("Tell the supervisor: first contact overdue", "通知销售主管：首次跟进超时",
            "Tells assignment that the first contact is late; the dealership's rule may move the lead.", "告知分配服务首次跟进已超时；经销商的规则可能会重新分配线索。", []))
        .Describe("alert-supervisor", new("Alert the supervisor", "提醒销售主管",
            "Tells the consultant's supervisor that a step is late; the lead stays with its consultant.", "提醒销售主管某一步骤已超时；线索仍由原销售顾问负责。",
            [new("reason", "Reason", "原因", Required: true)]))
        .Describe("reassign-lead", new("Reassign the lead", "重新分配线索",
            "Waits until assignment has given the lead to another consultant.", "等待分配服务把线索分配给另一位销售顾问。", []))
        .Describe("close-lead", new("Close the lead", "关闭线索", "Closes the lead as won or lost, with the reason.", "关闭线索（成交或战败）并记录原因。",
            [
                new("won", "Outcome", "结果", Required: true, Default: "false", Choices: [new("true", "Won", "成交"), new("false", "Lost", "战败")]),
                new("reason", "Reason", "原因", Required: true),
            ]))
        .Describe("publish-event", new("Record a step", "记录步骤", "Puts a named milestone of the flow on the lead's timeline.",
            "在线索的时间线上记录流程的一个节点事件。",
            [new("event", "Event", "事件", Required: true)]));

    private static Func<IServiceProvider?, IWorkflowActivity> Scoped(Func<InvitationWorkflowDbContext, ActivityContext, ActivityResult> body) =>
        ScopedAsync((db, context, _) => Task.FromResult(body(db, context)));

    // The DbContext of the scope that runs the step: what an activity stages commits with the step.
    private static Func<IServiceProvider?, IWorkflowActivity> ScopedAsync(Func<InvitationWorkflowDbContext, ActivityContext, CancellationToken, Task<ActivityResult>> body) =>
        services => new DbActivity(services?.GetRequiredService<InvitationWorkflowDbContext>()
            ?? throw new InvalidOperationException("Flow activities need the service's DbContext."), body);

    private sealed class DbActivity(InvitationWorkflowDbContext db, Func<InvitationWorkflowDbContext, ActivityContext, CancellationToken, Task<ActivityResult>> body) : IWorkflowActivity
    {
        public Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) => body(db, context, cancellationToken);
    }

    /// <summary>The lead's facts every flow carries as variables (set when the flow starts).</summary>
    private static (Guid LeadId, Guid DealershipId) Lead(ActivityContext c) =>
        (Guid.Parse(Text(c.Variables, "leadId") ?? throw new InvalidOperationException("The flow has no leadId variable.")),
         Guid.Parse(Text(c.Variables, "dealershipId") ?? throw new InvalidOperationException("The flow has no dealershipId variable.")));

    internal static string? Text(JsonObject variables, string path)
    {
        JsonNode? node = variables;
        foreach (var part in path.Split('.'))
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var next) ? next : null;
        return node switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => other.ToJsonString(),
        };
    }

    private static string Header(ActivityContext c, string key) =>
        c.Headers.TryGetValue(key, out var value) && value.Length > 0 ? value
            : throw new InvalidOperationException($"The task '{c.ElementId}' has no '{key}' header.");

    /// <summary>The step's own key: a step run once more (after a crash) sends nothing twice downstream.</summary>
    private static string StepKey(ActivityContext c, Guid leadId) => $"{leadId}:{c.ProcessId}:{c.ElementId}:{c.InstanceId:N}:{c.JobKey}";

    private static ActivityResult SendSms(InvitationWorkflowDbContext db, ActivityContext c)
    {
        var (leadId, dealershipId) = Lead(c);
        var template = Header(c, "template");
        var recipient = c.Headers.GetValueOrDefault("recipient") ?? SmsRecipients.Customer;
        var phone = Text(c.Variables, recipient == SmsRecipients.Consultant ? "consultantPhone" : "customerPhone")
            ?? throw new InvalidOperationException($"The flow has no phone number for the {recipient}.");
        db.Publish(new SendSms(leadId, dealershipId, recipient, phone, template, SmsParameters(c.Variables), StepKey(c, leadId), c.Clock.GetUtcNow()));
        return ActivityResult.Complete();
    }

    /// <summary>Every placeholder the SMS templates offer that the flow knows; a template uses the ones it names.</summary>
    internal static Dictionary<string, string> SmsParameters(JsonObject variables)
    {
        var parameters = new Dictionary<string, string>();
        void Add(string name, string? value)
        {
            if (value is { Length: > 0 })
                parameters[name] = value;
        }
        Add("customer", Text(variables, "customerName"));
        Add("consultant", Text(variables, "consultantName"));
        Add("startsAt", Text(variables, "appointment.startsAt"));
        // Not a placeholder: it lets notification withdraw the SMS when that visit is cancelled or moved.
        Add("appointmentId", Text(variables, "appointment.id"));
        Add("purpose", Text(variables, "appointment.purpose"));
        Add("model", Text(variables, "appointment.model"));
        Add("directions", Text(variables, "appointment.directions"));
        Add("callbackAt", Text(variables, "callbackAt"));
        return parameters;
    }

    private static ActivityResult ScheduleAppointment(InvitationWorkflowDbContext db, ActivityContext c)
    {
        var (leadId, dealershipId) = Lead(c);
        var startsAt = DateTimeOffset.Parse(Text(c.Variables, "visitAt")
            ?? throw new InvalidOperationException("The flow has no visitAt variable: the call that accepted the invitation gives the visit time."), CultureInfo.InvariantCulture);
        db.Publish(new ScheduleAppointment(leadId, dealershipId, startsAt, c.Headers.GetValueOrDefault("purpose") ?? "visit",
            Text(c.Variables, "vehicleOfInterest"), StepKey(c, leadId), c.Clock.GetUtcNow()));
        return ActivityResult.Complete();
    }

    /// <summary>
    /// Assignment alerts the supervisor (and moves the lead by the dealership's <c>onFirstContactOverdue</c>
    /// rule) on <see cref="FirstContactOverdue"/>: that event is the alert.
    /// </summary>
    private static async Task<ActivityResult> NotifySupervisorAsync(InvitationWorkflowDbContext db, ActivityContext c, CancellationToken cancellationToken)
    {
        var (leadId, dealershipId) = Lead(c);
        var consultantId = Guid.Parse(Text(c.Variables, "consultantId") ?? throw new InvalidOperationException("The flow has no consultantId variable."));
        // The task that is late: the flow's oldest open one (the first contact).
        var task = await db.Tasks.Where(t => t.InstanceId == c.InstanceId && t.CompletedAt == null)
            .OrderBy(t => t.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var dueAt = task?.DueAt ?? c.Clock.GetUtcNow();
        db.Publish(new FirstContactOverdue(leadId, dealershipId, consultantId, task?.Id ?? Guid.Empty, dueAt, c.Clock.GetUtcNow()));
        return ActivityResult.Complete();
    }

    /// <summary>
    /// A late step (a promised answer not given by its time) is the supervisor's to know of; the lead stays with its
    /// consultant. The late task is the one the step's boundary timer is attached to: the flow's open task due first.
    /// </summary>
    private static async Task<ActivityResult> AlertSupervisorAsync(InvitationWorkflowDbContext db, ActivityContext c, CancellationToken cancellationToken)
    {
        var (leadId, dealershipId) = Lead(c);
        var consultantId = Guid.Parse(Text(c.Variables, "consultantId") ?? throw new InvalidOperationException("The flow has no consultantId variable."));
        var task = await db.Tasks.Where(t => t.InstanceId == c.InstanceId && t.CompletedAt == null)
            .OrderBy(t => t.DueAt).FirstOrDefaultAsync(cancellationToken);
        db.Publish(new AlertSupervisor(leadId, dealershipId, task?.ConsultantId ?? consultantId, task?.Id ?? Guid.Empty, task?.DueAt ?? c.Clock.GetUtcNow(),
            Header(c, "reason"), c.Clock.GetUtcNow()));
        return ActivityResult.Complete();
    }

    private static ActivityResult CloseLead(InvitationWorkflowDbContext db, ActivityContext c)
    {
        var (leadId, dealershipId) = Lead(c);
        var won = bool.TryParse(c.Headers.GetValueOrDefault("won"), out var w) && w;
        db.Publish(new LeadClosed(leadId, dealershipId, won, Header(c, "reason"), c.Clock.GetUtcNow()));
        return ActivityResult.Complete(new JsonObject { ["closed"] = new JsonObject { ["won"] = won, ["reason"] = Header(c, "reason") } });
    }

    private static ActivityResult PublishEvent(InvitationWorkflowDbContext db, ActivityContext c)
    {
        var (leadId, dealershipId) = Lead(c);
        var version = int.TryParse(Text(c.Variables, "flowVersion"), out var v) ? v : 0;
        db.Publish(new InvitationFlowEvent(leadId, dealershipId, c.ProcessId, version, c.ElementId, Header(c, "event"), c.Clock.GetUtcNow()));
        return ActivityResult.Complete();
    }
}
