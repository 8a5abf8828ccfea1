namespace Dealership.Contracts;

/// <summary>
/// Asks appointment to book a visit for a lead, as a workflow step does. <see cref="IdempotencyKey"/>
/// names the step: the same key books at most once.
/// </summary>
public record ScheduleAppointment(
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset StartsAt,
    string Purpose,
    string? Model,
    string IdempotencyKey,
    DateTimeOffset OccurredAt);

/// <summary>A booking that could not be made (a workflow's <see cref="ScheduleAppointment"/>), with the reason.</summary>
public record AppointmentRefused(
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset StartsAt,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>The visit moved to another slot; purpose, model and directions let the customer be told again.</summary>
public record AppointmentRescheduled(
    Guid AppointmentId,
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset PreviousStartsAt,
    DateTimeOffset StartsAt,
    string By,
    string Purpose,
    string? Model,
    string? Directions,
    DateTimeOffset OccurredAt);

public record AppointmentCancelled(
    Guid AppointmentId,
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset StartsAt,
    string By,
    string? Reason,
    DateTimeOffset OccurredAt);

/// <summary>The customer answered the day-before confirmation: <c>confirmed</c>, <c>reschedule-requested</c> or <c>cancelled</c>.</summary>
public record AppointmentConfirmed(
    Guid AppointmentId,
    Guid LeadId,
    Guid DealershipId,
    DateTimeOffset StartsAt,
    string Answer,
    string Channel,
    DateTimeOffset OccurredAt);

/// <summary>No arrival was recorded by the set time after the visit's start.</summary>
public record AppointmentMissed(
    Guid AppointmentId,
    Guid LeadId,
    Guid DealershipId,
    Guid? ConsultantId,
    DateTimeOffset StartsAt,
    DateTimeOffset OccurredAt);
