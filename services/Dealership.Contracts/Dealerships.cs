namespace Dealership.Contracts;

// MassTransit routes by full type name: never move these records to another namespace.

/// <summary>
/// A dealership was created or its reference data changed (the identity service owns it). Carries
/// everything, so a service that missed earlier changes is up to date with the last one. The map link and the parking
/// note came later: null in a message an older identity service published.
/// </summary>
public record DealershipChanged(
    Guid DealershipId,
    string Code,
    string NameZh,
    string NameEn,
    string TimeZone,
    string PhoneRegion,
    string? ShowroomAddress,
    bool Active,
    long Version,
    DateTimeOffset OccurredAt,
    string? ShowroomMapLink = null,
    string? ParkingNote = null);

/// <summary>
/// A person or an integration client changed something through a service's API: who, when, what,
/// to what, from where. The identity service keeps the audit log of them all.
/// </summary>
public record ActionAudited(
    Guid? DealershipId,
    string Actor,
    Guid? ActorId,
    string ActorKind,
    string Action,
    string? Subject,
    int Status,
    string? From,
    DateTimeOffset OccurredAt);

/// <summary>
/// A service started and asks for every dealership's reference data; the identity service answers
/// with one <see cref="DealershipChanged"/> per dealership. Covers a service whose queue did not
/// exist yet when a dealership was created.
/// </summary>
public record DealershipsRequested(string Service, DateTimeOffset OccurredAt);
