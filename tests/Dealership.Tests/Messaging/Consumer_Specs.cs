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

    private Task<T> Published<T>(Func<T, bool> match) where T : class =>
        Eventually.Get(
            () => Task.FromResult(_harness.Published.Select<T>(x => match(x.Context.Message)).Select(x => x.Context.Message).FirstOrDefault()),
            m => m is not null, because: $"{typeof(T).Name} should be published")!;

    private Task Consumed<T>(Func<T, bool> match, int times) where T : class =>
        Eventually.Get(() => Task.FromResult(_harness.Consumed.Select<T>(x => match(x.Context.Message)).Count()), n => n >= times,
            because: $"{typeof(T).Name} should be consumed {times} times");
}
