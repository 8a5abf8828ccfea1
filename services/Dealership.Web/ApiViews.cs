namespace Dealership.Web;

// The parts of the services' answers the pages show; the services' OpenAPI documents describe them whole.

public sealed record DealershipView(Guid Id, string Code, string NameZh, string NameEn, string TimeZone, bool Active);

public sealed record TaskGuidance(string? Customer, string? Phone, string? Source, string? VehicleOfInterest, string? Why);

public sealed record TaskView(Guid Id, Guid LeadId, Guid ConsultantId, string Kind, string? Title, DateTimeOffset CreatedAt, DateTimeOffset DueAt, TaskGuidance Guidance);
