using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.IntegrationTests.Support;
using Dealership.InvitationWorkflow;
using Dealership.InvitationWorkflow.Engine;
using Dealership.Tests.Support;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.IntegrationTests.Broker;

/// <summary>Two invitation-workflow replicas on one database and a real RabbitMQ: no timer or message takes effect twice.</summary>
public sealed class Workflow_replicas_Specs(RabbitMqBroker broker) : IClassFixture<RabbitMqBroker>
{
    private Task<TestApp> StartReplicaAsync(string data) => TestApp.StartAsync(data, settings:
    [
        "--services=invitation-workflow",
        $"--ConnectionStrings:RabbitMq={broker.Url}",
        "--Workflow:Engine:TimerPollInterval=00:00:00.100",
    ]);

    private static string Diagram(string id, string body, string extras = "") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
          {extras}
          <bpmn:process id="{id}" isExecutable="true">{body}</bpmn:process>
        </bpmn:definitions>
        """;

    private static async Task PublishAsync(HttpClient ops, string key, string xml)
    {
        (await ops.PutAsync($"/api/workflows/{key}/draft", new StringContent(xml, Encoding.UTF8, "application/xml"))).EnsureSuccessStatusCode();
        (await ops.PostAsync($"/api/workflows/{key}/draft/publish", null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Should_fire_every_timer_and_take_every_message_once_across_two_replicas()
    {
        var data = TestApp.NewDataDirectory();
        await using var one = await StartReplicaAsync(data);
        await using var two = await StartReplicaAsync(data);
        var consumes = new ConsumeCounter();
        foreach (var replica in new[] { one, two })
            replica.Services.GetRequiredService<IBus>().ConnectConsumeObserver(consumes);
        // Each replica's network admin (no identity service runs beside the workflow here).
        var clients = new[] { one.Client, two.Client };
        // Nor does it announce DEMO01: the spec does, on the bus, as the identity service would.
        await one.Services.GetRequiredService<IBus>().Publish(new DealershipChanged(
            TestApp.DemoDealershipId, "DEMO01", "演示汽车上海店", "Demo Motors Shanghai", "Asia/Shanghai", "CN", null, true, 1, DateTimeOffset.UtcNow));
        await Eventually.Get(async () =>
        {
            using var scope = one.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>().KnownDealerships.AnyAsync(d => d.Code == "DEMO01");
        }, known => known, because: "the workflow service should learn of DEMO01");
        await PublishAsync(clients[0], "waiting", Diagram("waiting", """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
            <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
            <bpmn:endEvent id="end" />
            """));
        await PublishAsync(clients[0], "reply", Diagram("reply", """
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="replied" />
            <bpmn:intermediateCatchEvent id="replied"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="replied" targetRef="end" />
            <bpmn:endEvent id="end" />
            """, """<bpmn:message id="m" name="CustomerReplied"><bpmn:extensionElements><zeebe:subscription correlationKey="= leadId" /></bpmn:extensionElements></bpmn:message>"""));

        const int count = 40;
        for (var i = 0; i < count; i++)
        {
            var client = clients[i % 2];
            (await client.PostAsJsonAsync("/api/workflow-instances", new { processKey = "waiting" })).EnsureSuccessStatusCode();
            (await client.PostAsJsonAsync("/api/workflow-instances", new { processKey = "reply", dealershipCode = "DEMO01", variables = new { leadId = $"L-{i}" } })).EnsureSuccessStatusCode();
        }
        // Every message twice under one id, as a redelivery would bring it, from both replicas' buses:
        // the two replicas compete for the queue.
        for (var i = 0; i < count; i++)
        {
            var message = new CorrelateWorkflowMessage(TestApp.DemoDealershipId, null, "CustomerReplied", $"L-{i}", null, null, DateTimeOffset.UtcNow);
            var messageId = NewId.NextGuid();
            await one.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = messageId);
            await two.Services.GetRequiredService<IBus>().Publish(message, ctx => ctx.MessageId = messageId);
        }

        async Task<(int Completed, List<(Guid, string)> Effects)> ProbeAsync()
        {
            using var scope = one.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<InvitationWorkflowDbContext>();
            var completed = await db.WorkflowInstances.CountAsync(i => i.Status == Dealership.Workflows.Runtime.InstanceStatus.Completed);
            var effects = await db.WorkflowJournal.AsNoTracking().Where(j => j.Outcome == "timer-fired" || j.Outcome == "message-correlated")
                .Select(j => new { j.InstanceId, j.Outcome }).ToListAsync();
            return (completed, effects.Select(e => (e.InstanceId, e.Outcome)).ToList());
        }
        await Eventually.Get(ProbeAsync, p => p.Completed == 2 * count, TimeSpan.FromSeconds(60));
        // Nothing more can take effect: every copy of every message has been consumed by one replica or the
        // other, and each replica's timer poller has run a pass that began after every instance completed.
        await Eventually.Get(() => Task.FromResult(consumes.Count<CorrelateWorkflowMessage>("invitation-workflow-correlate-workflow-message")),
            n => n >= 2 * count, TimeSpan.FromSeconds(60), "every copy of every message should be consumed");
        await Task.WhenAll(one.Services.GetRequiredService<WorkflowTimerPoller>().WaitForNextPassAsync(),
            two.Services.GetRequiredService<WorkflowTimerPoller>().WaitForNextPassAsync());
        var (done, effects) = await ProbeAsync();

        Assert.Equal(2 * count, done);
        Assert.Equal(count, effects.Count(e => e.Item2 == "timer-fired"));
        Assert.Equal(count, effects.Count(e => e.Item2 == "message-correlated"));
        Assert.Equal(2 * count, effects.Select(e => e.Item1).Distinct().Count());
        foreach (var client in clients)
            client.Dispose();
    }
}
