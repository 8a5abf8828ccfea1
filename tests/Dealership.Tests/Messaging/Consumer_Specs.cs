using Dealership.Assignment;
using Dealership.Contracts;
using Dealership.InvitationWorkflow;
using Dealership.Notification;
using Dealership.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Messaging;

/// <summary>Consumers on MassTransit's test harness, inside the real host with its databases and outbox.</summary>
public sealed class Consumer_Specs : IAsyncLifetime
{
    private TestApp _app = null!;
    private ITestHarness _harness = null!;
    private readonly ConsumeCounter _consumes = new();

    public async Task InitializeAsync()
    {
        // The host starts the harness's bus itself; the harness only watches it.
        _app = await TestApp.StartAsync(configure: b => b.Services.AddMassTransitTestHarness());
        _harness = _app.Services.GetRequiredService<ITestHarness>();
        _harness.Bus.ConnectConsumeObserver(_consumes);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static LeadAccepted NewLead() =>
        new(NewId.NextGuid(), TestApp.DemoDealershipId, "DEMO01", "oem", Guid.NewGuid().ToString(), "孙先生", "+8613612345678", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Should_assign_an_accepted_lead_and_publish_LeadAssigned()
    {
        var lead = NewLead();
        await _harness.Bus.Publish(lead);

        await Published<LeadAssigned>(m => m.LeadId == lead.LeadId);
        await Published<ConsultantTaskCreated>(m => m.LeadId == lead.LeadId);
        await Published<SmsSent>(m => m.LeadId == lead.LeadId && m.Recipient == SmsRecipients.Consultant);
    }

    [Fact]
    public async Task Should_assign_once_when_the_same_message_is_delivered_twice()
    {
        var lead = NewLead();
        var messageId = NewId.NextGuid();
        await _harness.Bus.Publish(lead, ctx => ctx.MessageId = messageId);
        await Published<SmsSent>(m => m.LeadId == lead.LeadId);
        // The broker delivers it again, as after a lost acknowledgement.
        await _harness.Bus.Publish(lead, ctx => ctx.MessageId = messageId);
        await Eventually.Get(() => Task.FromResult(_consumes.Count(messageId, "assignment-lead-accepted")), n => n == 2,
            because: "assignment should have taken the second delivery");

        using var scope = _app.Services.CreateScope();
        var assignments = await scope.ServiceProvider.GetRequiredService<AssignmentDbContext>().Assignments.CountAsync(a => a.LeadId == lead.LeadId);
        Assert.Equal(1, assignments);
        Assert.Single(_harness.Published.Select<LeadAssigned>(x => x.Context.Message.LeadId == lead.LeadId));
        var tasks = await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().Tasks.CountAsync(t => t.LeadId == lead.LeadId);
        Assert.Equal(1, tasks);
    }

    [Fact]
    public async Task Should_send_an_sms_once_per_idempotency_key_even_with_new_message_ids()
    {
        var leadId = NewId.NextGuid();
        var request = new SendSms(leadId, TestApp.DemoDealershipId, SmsRecipients.Consultant, "+8613800138001", "new-lead",
            new Dictionary<string, string> { ["consultant"] = "王芳", ["dueAt"] = "tomorrow" }, $"{leadId}:new-lead:step-1", DateTimeOffset.UtcNow);
        await _harness.Bus.Publish(request);
        await Published<SmsSent>(m => m.LeadId == leadId);
        // A new message id: the workflow asked again, as after a retried step.
        await _harness.Bus.Publish(request);
        await Consumed<SendSms>(m => m.LeadId == leadId, times: 2);

        using var scope = _app.Services.CreateScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<NotificationDbContext>().Messages.CountAsync(m => m.LeadId == leadId));
        Assert.Single(_harness.Published.Select<SmsSent>(x => x.Context.Message.LeadId == leadId));
    }

    [Fact]
    public async Task Should_retry_a_failing_message_then_fault_it_with_the_reason()
    {
        var leadId = NewId.NextGuid();
        await _harness.Bus.Publish(new SendSms(leadId, TestApp.DemoDealershipId, SmsRecipients.Customer, "+8613800138001", "no-such-template",
            new Dictionary<string, string>(), $"{leadId}:bad", DateTimeOffset.UtcNow));

        var fault = await Published<Fault<SendSms>>(m => m.Message.LeadId == leadId);
        Assert.Contains("no-such-template", fault.Exceptions[0].Message);
        using var scope = _app.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<NotificationDbContext>().Messages.AnyAsync(m => m.LeadId == leadId));
    }

    [Fact]
    public async Task Should_start_the_flow_when_the_assignment_comes_before_the_lead_s_acceptance()
    {
        // Assignment's LeadAssigned overtook the LeadAccepted it answers (a slow or restarted consumer, a redelivery).
        var lead = NewLead();
        var assignedId = NewId.NextGuid();
        var consultantId = Guid.NewGuid();
        await _harness.Bus.Publish(new LeadAssigned(lead.LeadId, lead.DealershipId, consultantId, "王芳", "+8613800138001", "rules", DateTimeOffset.UtcNow),
            ctx => ctx.MessageId = assignedId);
        await Eventually.Get(() => Task.FromResult(_consumes.Count(assignedId, "invitation-workflow-lead-assigned")), n => n == 1,
            because: "the assignment should be taken and kept, not retried into the error queue while the lead is unknown");
        // (Lead-intake faults this LeadAssigned, as it should: the spec's lead never went through intake.)
        using (var scope = _app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
            Assert.False(await db.WorkflowInstances.AnyAsync(i => i.BusinessKey == lead.LeadId.ToString()));
        }

        // The acceptance sent to invitation-workflow alone (assignment would answer a published one with an assignment
        // of its own), so the flow and its first call can only come from the assignment kept above.
        var acceptedId = NewId.NextGuid();
        await InvitationWorkflowsAcceptance(lead, acceptedId);
        await Eventually.Get(() => Task.FromResult(_consumes.Count(acceptedId, "invitation-workflow-lead-accepted")), n => n == 1,
            because: "invitation-workflow should take the lead");
        var task = await Eventually.Get(async () =>
        {
            using var scope = _app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().Tasks.IgnoreQueryFilters()
                .SingleOrDefaultAsync(t => t.LeadId == lead.LeadId && t.ConsultantId == consultantId);
        }, t => t is not null, because: "the lead's flow should start and give 王芳 the first call");
        Assert.Equal("first-contact", task!.Kind);
    }

    [Fact]
    public async Task Should_start_one_flow_per_lead_whichever_of_acceptance_and_assignment_comes_first()
    {
        var leads = Enumerable.Range(0, 20).Select(_ => NewLead()).ToList();
        var consultantId = Guid.NewGuid();
        await Task.WhenAll(leads.SelectMany(lead => new[]
        {
            _harness.Bus.Publish(new LeadAssigned(lead.LeadId, lead.DealershipId, consultantId, "王芳", "+8613800138001", "rules", DateTimeOffset.UtcNow)),
            InvitationWorkflowsAcceptance(lead, NewId.NextGuid()),
        }));

        var ids = leads.Select(l => l.LeadId).ToList();
        var keys = ids.Select(id => id.ToString()).ToList();
        await Eventually.Get(() => Task.FromResult(_consumes.Count<LeadAssigned>("invitation-workflow-lead-assigned")), n => n >= 20,
            because: "invitation-workflow should take every assignment");
        await Eventually.Get(() => Task.FromResult(_consumes.Count<LeadAccepted>("invitation-workflow-lead-accepted")), n => n >= 20,
            because: "invitation-workflow should take every lead");
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
        var flows = await db.WorkflowInstances.Where(i => keys.Contains(i.BusinessKey!)).GroupBy(i => i.BusinessKey).Select(g => g.Count()).ToListAsync();
        Assert.Equal(20, flows.Count);
        Assert.All(flows, n => Assert.Equal(1, n));
        var firstCalls = await db.Tasks.IgnoreQueryFilters().Where(t => ids.Contains(t.LeadId) && t.Kind == "first-contact")
            .GroupBy(t => t.LeadId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(20, firstCalls.Count);
        Assert.All(firstCalls, n => Assert.Equal(1, n));
        Assert.False(await db.WaitingAssignments.AnyAsync(w => ids.Contains(w.LeadId)));
    }

    private async Task InvitationWorkflowsAcceptance(LeadAccepted lead, Guid messageId)
    {
        var queue = await _harness.Bus.GetSendEndpoint(new Uri("queue:invitation-workflow-lead-accepted"));
        await queue.Send(lead, ctx => ctx.MessageId = messageId);
    }

    private Task<T> Published<T>(Func<T, bool> match) where T : class =>
        Eventually.Get(
            () => Task.FromResult(_harness.Published.Select<T>(x => match(x.Context.Message)).Select(x => x.Context.Message).FirstOrDefault()),
            m => m is not null, because: $"{typeof(T).Name} should be published")!;

    private Task Consumed<T>(Func<T, bool> match, int times) where T : class =>
        Eventually.Get(() => Task.FromResult(_harness.Consumed.Select<T>(x => match(x.Context.Message)).Count()), n => n >= times,
            because: $"{typeof(T).Name} should be consumed {times} times");
}
