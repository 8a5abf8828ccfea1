namespace Dealership.Web;

// The parts of the services' answers the pages show; the services' OpenAPI documents describe them whole.

/// <summary>The source channels lead-intake takes, in the order the source process names them.</summary>
public static class LeadSources
{
    public static readonly string[] All = ["oem", "dealership", "marketing-event", "other", "consultant-own", "inbound-call", "walk-in"];
}

public sealed record DealershipView(Guid Id, string Code, string NameZh, string NameEn, string TimeZone, bool Active, string? PhoneRegion = null, string? ShowroomAddress = null,
    string? ShowroomMapLink = null, string? ParkingNote = null)
{
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    public string Name(System.Globalization.CultureInfo culture) => culture.TwoLetterISOLanguageName == "zh" ? NameZh : NameEn;
}

public sealed record TaskGuidance(string? Customer, string? Phone, string? Source, string? VehicleOfInterest, string? Why, string? Offer, string? Steps);

/// <summary>A step of a lead's flow: a consultant's own, or a role's (<see cref="Role"/>); <see cref="Outcomes"/> are what the step lets a person record (none: a call's).</summary>
public sealed record TaskView(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, string? Title, DateTimeOffset CreatedAt, DateTimeOffset DueAt, TaskGuidance Guidance,
    string? Role = null, IReadOnlyList<string>? Outcomes = null, bool AsksPurpose = false);

public sealed record LeadOpenTask(Guid Id, string Kind, Guid ConsultantId, DateTimeOffset DueAt);

public sealed record LeadTimelineEntry(DateTimeOffset At, string Kind, string Text, IReadOnlyDictionary<string, string>? Facts);

public sealed record LeadEnquiry(string Source, string ExternalId, string? SourceDetail, string? VehicleOfInterest, string? Note, DateTimeOffset ReceivedAt,
    PurchaseTimeframe? Timeframe = null, IReadOnlyList<LeadVehicle>? Vehicles = null);

/// <summary>How soon the customer means to buy: the sender's words, and the window of dates where given.</summary>
public sealed record PurchaseTimeframe(string? Description, DateOnly? EarliestDate, DateOnly? LatestDate);

/// <summary>A vehicle an enquiry names; interest trade-in for the one the customer means to trade in.</summary>
public sealed record LeadVehicle(string Interest, string? Status, int? Year, string? Make, string? Model, string? Trim, string? Vin,
    int? Odometer, string? OdometerUnits, string? Condition, string? Comments);

public sealed record PostalAddress(string? Street, string? City, string? Region, string? PostalCode, string? Country);

public sealed record LeadDetail(
    Guid Id, Guid DealershipId, string DealershipCode, string Source, string? SourceDetail, string? Name, string? Phone, string? Email,
    string? VehicleOfInterest, string Stage, Guid? AssignedConsultantId, string? AssignedConsultantName,
    DateTimeOffset CreatedAt, IReadOnlyList<LeadEnquiry> Enquiries, IReadOnlyList<LeadOpenTask> OpenTasks, IReadOnlyList<LeadTimelineEntry> Timeline,
    PurchaseTimeframe? Timeframe = null, LeadVehicle? TradeIn = null, PostalAddress? Address = null, string? PreferredContact = null,
    string? PreferredContactTime = null);

public sealed record SlotView(DateTimeOffset StartsAt, int FreeReceptionDesks, int FreeTestDriveCars);

public sealed record BookingView(Guid Id, Guid LeadId, string DealershipCode, DateTimeOffset StartsAt, string Purpose, string? Model, string Status, DateTimeOffset? ConfirmedAt, DateTimeOffset? ArrivedAt);

public sealed record LeadListItem(Guid Id, string? Name, string MaskedPhone, string Source, string? SourceDetail, string Stage,
    Guid? AssignedConsultantId, string? AssignedConsultantName, DateTimeOffset CreatedAt);

public sealed record LeadPage(int Page, int PageSize, int Total, IReadOnlyList<LeadListItem> Items);

public sealed record FunnelRow(string Source, int Leads, int Reached, int Invited, int Booked, int Arrived);

public sealed record FirstFollowUpRow(Guid ConsultantId, string Name, int Assigned, int WithinDeadline, int Late, int Waiting);

public sealed record LostRow(string Reason, int Leads);

public sealed record FunnelView(FunnelRow Total, IReadOnlyList<FunnelRow> BySource, IReadOnlyList<FirstFollowUpRow> FirstFollowUp, IReadOnlyList<LostRow> Lost);

public sealed record PlanSourceFigure(string Source, int Target, int Actual);

public sealed record PlanFigures(int Target, int Actual, IReadOnlyList<PlanSourceFigure> BySource);

public sealed record PlanConsultantFigures(Guid ConsultantId, string Name, string? Team, int Target, int Actual, IReadOnlyList<PlanSourceFigure> BySource);

public sealed record PlanView(string Month, PlanFigures Dealership, IReadOnlyList<PlanConsultantFigures> Consultants);

public sealed record VisitReportRow(string Key, int Booked, int Confirmed, int Arrived, int Missed, int Cancelled);

public sealed record ImportView(Guid Id, string DealershipCode, string Source, string? Campaign, string? FileName, string Status,
    int Rows, int Imported, int Merged, int Duplicates, int Rejected, string? Error, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

public sealed record ImportRowView(int Row, string Outcome, Guid? LeadId, Guid? RejectionId, IReadOnlyList<string> Reasons);

public sealed record CsvColumnView(string Header, string? Field);

public sealed record CsvMissingView(IReadOnlyList<string> Fields, string Message, int Rows, bool RefusesFile);

public sealed record CsvPreviewRowView(int Line, IReadOnlyDictionary<string, string?> Fields, IReadOnlyList<string> Reasons);

public sealed record CsvPreviewView(string Encoding, int Rows, IReadOnlyList<CsvColumnView> Columns, IReadOnlyList<CsvMissingView> Missing, IReadOnlyList<CsvPreviewRowView> FirstRows);

public sealed record ConsultantView(Guid Id, string Name, string Role, string? Team, bool OnDuty, string Status, int? MaxOpenLeads, int OpenLeads, int MissedFirstContacts);

public sealed record AssignmentView(Guid LeadId, string Source, string? CustomerPhone, string? Vehicle, string State, Guid? ConsultantId, string? Rule, string Reason,
    DateTimeOffset DecidedAt, DateTimeOffset? WaitUntil);

public sealed record ReassignmentResult(Guid LeadId, string Outcome, Guid? ConsultantId, string Reason);

public sealed record AbsenceResult(ConsultantView Consultant, IReadOnlyList<ReassignmentResult> Redistributed);

public sealed record RejectionSummary(Guid Id, string? DealershipCode, string Channel, string? Source, string? ExternalId, IReadOnlyList<string> Reasons,
    string Status, DateTimeOffset ReceivedAt);

public sealed record RejectionView(Guid Id, string? DealershipCode, string Channel, string? Source, string? ExternalId, IReadOnlyList<string> Reasons,
    string Status, string SubmittedBy, DateTimeOffset ReceivedAt, string RawPayload, Guid? ResubmittedAsLeadId);

public sealed record SmsTemplateView(string Purpose, string Language, string Recipient, string Body, bool Custom, IReadOnlyList<string> Placeholders);

/// <summary>A draft as a phone would show it; <see cref="MissingValues"/>: placeholders the dealership has no value for now (such an SMS is held).</summary>
public sealed record SmsPreview(string Text, int Characters, int Segments, IReadOnlyList<string> UnknownPlaceholders, IReadOnlyList<string>? MissingValues = null);

/// <summary>A routing rule as assignment holds it; steps are the service's names (roundRobin, pool…), tried in order.</summary>
public sealed record RoutingRuleView(string Name, List<string> Sources, string? VehicleContains, string? Language, string? Team, List<string> Steps);

public sealed record RoutingView(Guid DealershipId, string DealershipCode, string TimeZone, string OutsideHours, string OnFirstContactOverdue, List<RoutingRuleView> Rules);

public sealed record PersonView(Guid Id, string UserName, string DisplayName, Guid? DealershipId, string? DealershipCode, Guid? ConsultantId, string Language,
    IReadOnlyList<string> Roles, DateTimeOffset? LockedUntil);

public sealed record ApiClientView(Guid Id, string Name, string KeyPrefix, IReadOnlyList<string> Scopes, IReadOnlyList<string> Dealerships,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy);

/// <summary>A new integration client and its key, which the identity service answers this once and never again.</summary>
public sealed record CreatedApiClient(ApiClientView Client, string Key);

/// <summary>A workflow as the designer lists it: the network's (no dealership code) or a dealership's own.</summary>
public sealed record WorkflowSummaryView(string ProcessKey, string? Name, string? DealershipCode, int? PublishedVersion, int? DraftVersion, int LatestVersion);

/// <summary>One version of a workflow; <see cref="Status"/> is draft, published or retired. <see cref="Label"/> tells whose it
/// is (N3 the network's, DEMO01-2 a dealership's); <see cref="RestoredFrom"/> is the label a rollback published again.</summary>
public sealed record WorkflowVersionView(string ProcessKey, string? DealershipCode, int Version, string Status, string? Name, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, string? PublishedBy, DateTimeOffset? RetiredAt, string? Label = null, string? RestoredFrom = null);

/// <summary>What changed between two versions, by id: elements and sequence flows added, removed or changed (and which properties).</summary>
public sealed record WorkflowDiffView(WorkflowVersionView From, WorkflowVersionView To, List<WorkflowElementChange> Elements, List<WorkflowFlowChange> Flows);

public sealed record WorkflowElementChange(string Id, string Change, string Type, string? Name, List<string> Properties);

public sealed record WorkflowFlowChange(string Id, string Change, string SourceId, string TargetId, List<string> Properties);

/// <summary>What the workflow service found of one element of a diagram: the reasons the engine would refuse it.</summary>
public sealed record WorkflowElementFinding(string ElementId, string ElementType, string? Name, bool Supported, List<string> Reasons);

public sealed record WorkflowCheckView(bool Publishable, List<string> Problems, List<WorkflowElementFinding> Elements);

public sealed record SavedDraftView(WorkflowVersionView Version, WorkflowCheckView Check);

/// <summary>A workflow instance as the workflow service lists it; <see cref="VersionLabel"/> tells whose version it runs (N3 the network's, DEMO01-2 a dealership's).</summary>
public sealed record InstanceSummaryView(Guid Id, string ProcessKey, int Version, string VersionLabel, string? DealershipCode, string? BusinessKey, string Status,
    bool HasOpenIncident, IReadOnlyList<string> WaitingAt, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset? EndedAt);

public sealed record InstanceUserTaskView(long Key, string ElementId, string? Name, string? Assignee, DateTimeOffset? DueAt, DateTimeOffset CreatedAt);

public sealed record InstanceJobView(long Key, string ElementId, string TaskType, DateTimeOffset CreatedAt);

public sealed record InstanceTimerView(long Key, string ElementId, DateTimeOffset DueAt);

public sealed record InstanceMessageView(long Key, string ElementId, string MessageName, string CorrelationKey, DateTimeOffset OpenedAt);

/// <summary>A step that failed; open while <see cref="ResolvedAt"/> is null.</summary>
public sealed record InstanceIncidentView(long Key, string ElementId, string Kind, string Message, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt);

public sealed record InstanceJournalEntryView(DateTimeOffset At, string ElementId, string Outcome, string? Detail);

/// <summary>The elements the instance completed and the flows it took, by the ids of its own version's diagram.</summary>
public sealed record InstancePathView(IReadOnlyList<string> CompletedElements, IReadOnlyList<string> TakenFlows);

public sealed record InstanceDetailView(InstanceSummaryView Instance, IReadOnlyList<InstanceUserTaskView> UserTasks, IReadOnlyList<InstanceJobView> Jobs,
    IReadOnlyList<InstanceTimerView> Timers, IReadOnlyList<InstanceMessageView> MessageSubscriptions, IReadOnlyList<InstanceIncidentView> Incidents,
    IReadOnlyList<InstanceJournalEntryView> Journal, InstancePathView Path);

public sealed record InstanceMigrationView(Guid Id, string? BusinessKey, bool Migrated, IReadOnlyList<string> Problems);

/// <summary>What a migration did (or, as a dry run, would do) to each instance.</summary>
public sealed record MigrationReportView(bool DryRun, string Source, string Target, int Migrated, int Refused, IReadOnlyList<InstanceMigrationView> Instances);

/// <summary>One service's lag (<c>GET /api/lag/&lt;service&gt;</c>): its oldest unsent outbox message's age (none: it has no outbox) and how long its recent messages waited; state normal, behind or stuck; whether lead intake's process refuses new leads now.</summary>
public sealed record LagView(string Service, double? OutboxAgeSeconds, double ConsumeLagSeconds, string State, bool RefusesLeads);

/// <summary>A simulation's figures for one version (<c>POST /api/workflows/{key}/simulations</c>): SMS per purpose, the first-contact promise, tasks, visits, closes, answers.</summary>
public sealed record SimulationFiguresView(
    string Version, string Status, int Leads, Dictionary<string, int> Sms, int SmsTotal, SimulationSmsRulesView? SmsRules, SimulationFirstContactView FirstContact, SimulationTasksView Tasks,
    int BookingsRequested, int VisitsBooked, int ClosedLost, int ClosedWon, Dictionary<string, int> LostByReason, int SupervisorAlerts,
    SimulationAnswersView Answers, SimulationInstancesView Instances);

/// <summary>Customer SMS notification's rules would hold until the quiet hours end, and refuse at the weekly cap.</summary>
public sealed record SimulationSmsRulesView(int HeldByQuietHours, int StoppedByWeeklyCap, Dictionary<string, int> Held, Dictionary<string, int> Stopped);

/// <summary>The dealership's SMS rules the simulation applied.</summary>
public sealed record SimulationAppliedRulesView(string TimeZone, TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, int WeeklyCap, DateTimeOffset AnnouncedAt);

public sealed record SimulationFirstContactView(int Kept, int Missed, int Pending, List<string> MissedLeads);

public sealed record SimulationTasksView(int Total, DateOnly? PeakDay, int PeakDayTasks, double AveragePerDay, List<SimulationConsultantTasksView> PerConsultant);

public sealed record SimulationConsultantTasksView(string Consultant, int Total, DateOnly PeakDay, int PeakDayTasks, double AveragePerDay);

public sealed record SimulationAnswersView(int Replayed, int Drawn, int WithoutRecord);

public sealed record SimulationInstancesView(int Completed, int Active, int Cancelled, int WithIncident);

/// <summary>A lead the two versions take different ways: the elements each completed and the flows each took.</summary>
public sealed record SimulationDifferingLeadView(string LeadId, List<string> SimulatedPath, List<string> PublishedPath, List<string>? SimulatedFlows, List<string>? PublishedFlows);

public sealed record SimulationReportView(
    string ProcessKey, string DealershipCode, DateTimeOffset From, DateTimeOffset To, DateTimeOffset Until, int Seed, int Leads, SimulationAppliedRulesView? SmsRules,
    SimulationFiguresView Simulated, SimulationFiguresView? Published, List<SimulationDifferingLeadView> DifferingLeads, double ElapsedMilliseconds);

public sealed record PlayTaskView(long Key, string ElementId, string? Name, List<string> Outcomes, DateTimeOffset? DueAt);

public sealed record PlayTimerView(long Key, string ElementId, DateTimeOffset DueAt);

public sealed record PlayMessageView(long Key, string ElementId, string MessageName);

public sealed record PlayJobView(long Key, string ElementId, string TaskType);

public sealed record PlayEventView(DateTimeOffset At, string ElementId, string What, string? Detail);

/// <summary>A play (<c>POST /api/workflows/{key}/plays</c>): where its tokens are, what it waits for, what it did; <see cref="State"/> goes back with the next step.</summary>
public sealed record PlayView(
    string ProcessKey, string Version, string Status, DateTimeOffset StartedAt, DateTimeOffset At, List<string> Completed, List<string> Taken, List<string> WaitingAt,
    List<PlayTaskView> Tasks, List<PlayTimerView> Timers, List<PlayMessageView> Messages, List<PlayJobView> Jobs, List<string> Incidents,
    List<PlayEventView> Events, string State);
