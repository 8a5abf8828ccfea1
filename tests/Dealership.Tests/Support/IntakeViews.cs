namespace Dealership.Tests.Support;

public record ItemResult(int Index, string Outcome, Guid? LeadId, Guid? RejectionId, Dictionary<string, string[]>? Errors);
public record SubmitResult(Guid Id, string Outcome, bool Duplicate);
public record EnquiryView(string Source, string ExternalId, string? SourceDetail, string? VehicleOfInterest, string? Note, DateTimeOffset ReceivedAt);
public record FullLeadView(
    Guid Id, string DealershipCode, string Source, string ExternalId, string? SourceDetail, string? Name, string? Phone, string? Email,
    string? VehicleOfInterest, string Stage, Guid? AssignedConsultantId, List<EnquiryView> Enquiries, List<TimelineView> Timeline);
public record LeadSummary(Guid Id, string? Name, string MaskedPhone, string Source, string? SourceDetail, string Stage, Guid? AssignedConsultantId, DateTimeOffset CreatedAt);
public record LeadPage(int Page, int PageSize, int Total, List<LeadSummary> Items);
public record RejectionSummary(Guid Id, string? DealershipCode, string Channel, string? Source, string? ExternalId, List<string> Reasons, string Status, DateTimeOffset ReceivedAt);
public record RejectionView(Guid Id, string? DealershipCode, string Channel, List<string> Reasons, string Status, string RawPayload, Guid? ResubmittedAsLeadId);
public record ImportView(Guid Id, string Encoding, string Status, int Rows, int Imported, int Merged, int Duplicates, int Rejected, string? Error);
public record ImportRowView(int Row, string Outcome, Guid? LeadId, Guid? RejectionId, List<string> Reasons);
public record ConsentView(string Channel, bool Granted, string Source, DateTimeOffset At);
public record CustomerConsent(string MaskedPhone, List<ConsentView> Current, List<ConsentView> History);
