using System.Text.Json.Nodes;
using Dealership.Contracts;
using MassTransit;

namespace Dealership.InvitationWorkflow.Workflows;

/// <summary>
/// Hands a message to the waiting workflow instances. No inbox row here: the runtime commits one
/// step per instance, each with a delivery row for this message id (WorkflowMessageDeliveries), so a
/// redelivered or concurrently delivered copy finds every instance it reached already served and
/// buffers at most once (unique message id).
/// </summary>
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
