using System.Text.Json.Nodes;
using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>Hands a message to the waiting workflow instances.</summary>
[IdempotentWithoutInbox("the runtime commits one step per instance, each with a delivery row for this message id (WorkflowMessageDeliveries), "
    + "so a redelivered or concurrently delivered copy finds every instance it reached already served and buffers at most once (unique message id); "
    + "one inbox row could not cover several commits")]
public sealed class CorrelateWorkflowMessageConsumer(WorkflowRuntime runtime) : IConsumer<CorrelateWorkflowMessage>
{
    public async Task Consume(ConsumeContext<CorrelateWorkflowMessage> context)
    {
        var message = context.Message;
        var messageId = context.MessageId
            ?? throw new InvalidOperationException("The message has no MessageId, so a redelivery could not be recognised.");
        var variables = message.VariablesJson is null ? null : JsonNode.Parse(message.VariablesJson)?.AsObject();
        await runtime.PublishMessageAsync(message.MessageName, message.CorrelationKey, variables, message.TimeToLive, messageId, context.CancellationToken, message.DealershipId);
    }
}
