namespace Dealership.Contracts;

/// <summary>A customer SMS waits (quiet hours, the daily spending cap) and goes out at <see cref="SendAt"/>.</summary>
public record SmsHeld(
    Guid SmsId,
    Guid LeadId,
    Guid DealershipId,
    string Recipient,
    string Template,
    string MaskedPhone,
    string Reason,
    DateTimeOffset SendAt,
    DateTimeOffset OccurredAt);

/// <summary>An SMS that will never be sent (no consent, the weekly cap, an opt-out), with the reason.</summary>
public record SmsRefused(
    Guid SmsId,
    Guid LeadId,
    Guid DealershipId,
    string Recipient,
    string Template,
    string MaskedPhone,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>The carrier refused the SMS or kept failing, or reported it undelivered.</summary>
public record SmsFailed(
    Guid SmsId,
    Guid LeadId,
    Guid DealershipId,
    string Recipient,
    string Template,
    string MaskedPhone,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>
/// A customer replied to an SMS with something other than an opt-out keyword (for example "1" to
/// confirm a visit). Notification resolves the lead from the last message it sent to that phone.
/// </summary>
public record SmsReplyReceived(
    Guid DealershipId,
    Guid? LeadId,
    string Phone,
    string Text,
    DateTimeOffset ReceivedAt,
    DateTimeOffset OccurredAt);

/// <summary>
/// An SMS that waited (queued, or held for quiet hours or the spending cap) no longer applies and will not be sent: the lead
/// closed, or the visit it speaks of was cancelled, moved, missed or attended. <paramref name="Reason"/> says which.
/// </summary>
public record SmsWithdrawn(
    Guid SmsId,
    Guid LeadId,
    Guid DealershipId,
    string Recipient,
    string Template,
    string MaskedPhone,
    string Reason,
    DateTimeOffset OccurredAt);

/// <summary>
/// A dealership's rules for customer SMS as notification applies them from <paramref name="OccurredAt"/> on: quiet hours in
/// its time zone and the weekly cap per customer. Published when notification first hears of the dealership and on every
/// change, so the workflow simulation counts what the rules would hold or stop; the latest <paramref name="OccurredAt"/> wins.
/// </summary>
public record SmsRulesChanged(
    Guid DealershipId,
    string DealershipCode,
    string TimeZone,
    TimeOnly QuietHoursStart,
    TimeOnly QuietHoursEnd,
    int WeeklyCap,
    DateTimeOffset OccurredAt);
