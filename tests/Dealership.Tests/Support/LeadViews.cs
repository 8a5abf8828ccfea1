namespace Dealership.Tests.Support;

// What a client reads back, as a client would declare it: the tests do not borrow the services' types.

public record TaskView(Guid Id, string Kind, Guid ConsultantId, DateTimeOffset DueAt);
public record TimelineView(DateTimeOffset At, string Kind, string Text, Dictionary<string, string>? Facts = null);
public record LeadView(
    Guid Id, string DealershipCode, string Source, string ExternalId, string? Name, string? Phone, string Stage,
    Guid? AssignedConsultantId, string? AssignedConsultantName, List<TaskView> OpenTasks, List<TimelineView> Timeline);
public record SmsView(Guid Id, Guid LeadId, string Recipient, string Phone, string Template, string Text, string Status, DateTimeOffset CreatedAt);
