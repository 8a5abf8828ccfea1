using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Runtime;

public sealed partial class WorkflowEngine
{
    /// <summary>Delivers a message to one of the instance's open subscriptions; false when it is gone.</summary>
    public async Task<bool> CorrelateMessageAsync(ProcessModel process, WorkflowInstance instance, long subscriptionKey, JsonObject? variables = null, CancellationToken cancellationToken = default)
    {
        var wait = instance.Messages.FirstOrDefault(m => m.Key == subscriptionKey);
        if (wait is null || instance.Status != InstanceStatus.Active)
            return false;
        await Resume(process, instance, cancellationToken, run =>
        {
            run.Log(wait.ElementId, wait.ElementInstanceKey, "message-correlated", detail: $"{wait.MessageName} / {wait.CorrelationKey}");
            run.Trigger(wait.ElementInstanceKey, process.Element(wait.ElementId), wait, variables);
        });
        return true;
    }

    /// <summary>Finds the open subscription a message with this name and key would take.</summary>
    public static MessageWait? FindSubscription(WorkflowInstance instance, string messageName, string correlationKey) =>
        instance.Messages.Where(m => m.MessageName == messageName && m.CorrelationKey == correlationKey).OrderBy(m => m.Key).FirstOrDefault();

    private sealed partial class Run
    {
        private void OpenMessageWait(ElementInstance owner, FlowElement eventElement, FlowElement messageElement)
        {
            var message = messageElement.Message ?? throw new IncidentException("unsupported", $"'{eventElement.Id}' has no message.");
            var key = message.CorrelationKey is null ? null : EvaluateValue(message.CorrelationKey, owner, "correlation key") switch
            {
                null => null,
                string s => s,
                decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture),
                var other => throw new IncidentException("expression", $"The correlation key gave {FeelValues.Describe(other)}; it must be a string or a number."),
            };
            if (key is null)
                throw new IncidentException("expression", $"The correlation key \"{message.CorrelationKey?.Raw.Trim()}\" of message '{message.Name}' is null.");
            instance.Messages.Add(new MessageWait
            {
                Key = instance.NewKey(), ElementInstanceKey = owner.Key, ElementId = eventElement.Id,
                MessageName = message.Name!, CorrelationKey = key, OpenedAt = Now,
            });
            Log(eventElement.Id, owner.Key, "message-awaited", detail: $"{message.Name} / {key}");
        }
    }
}
