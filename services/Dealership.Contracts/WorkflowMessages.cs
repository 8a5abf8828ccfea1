namespace Dealership.Contracts;

// MassTransit routes by full type name: never move these records to another namespace.

/// <summary>
/// Delivers a BPMN message to the workflow instances that wait for it (message catch events,
/// receive tasks, message boundary events) by name and correlation key. When none waits yet it is
/// kept for <paramref name="TimeToLive"/> (the service's default when null) for the first one that
/// starts waiting. Each message id takes effect at most once per instance.
/// </summary>
public record CorrelateWorkflowMessage(
    Guid DealershipId,
    Guid? LeadId,
    string MessageName,
    string CorrelationKey,
    string? VariablesJson,
    TimeSpan? TimeToLive,
    DateTimeOffset OccurredAt);
