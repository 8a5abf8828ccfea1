namespace Dealership.Contracts;

public static class SmsRecipients
{
    public const string Consultant = "consultant";
    public const string Customer = "customer";
}

/// <summary>
/// Asks notification to send one SMS. <see cref="IdempotencyKey"/> names the business reason
/// (lead, template, step): the same key is sent at most once, whatever is redelivered.
/// </summary>
public record SendSms(
    Guid LeadId,
    Guid DealershipId,
    string Recipient,
    string PhoneNumber,
    string Template,
    IReadOnlyDictionary<string, string> Parameters,
    string IdempotencyKey,
    DateTimeOffset OccurredAt);

public record SmsSent(
    Guid SmsId,
    Guid LeadId,
    Guid DealershipId,
    string Recipient,
    string Template,
    string MaskedPhone,
    DateTimeOffset OccurredAt);
