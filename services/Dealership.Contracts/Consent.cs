namespace Dealership.Contracts;

public static class ConsentChannels
{
    public const string Sms = "sms";
    public const string Phone = "phone";
}

/// <summary>Consent on one channel stated with a new lead (<see cref="LeadAccepted.Consents"/>), for the lead's customer.</summary>
public record LeadConsent(string Channel, bool Granted, string Source);

/// <summary>
/// Lead-intake's consent record for one customer (a dealership and a phone number, E.164) on one
/// channel changed: given, or withdrawn. Other services keep a copy to ask "may I contact now?".
/// </summary>
public record ConsentChanged(
    Guid DealershipId,
    Guid? LeadId,
    string Phone,
    string Channel,
    bool Granted,
    string Source,
    DateTimeOffset OccurredAt);

/// <summary>The customer asked to receive no more messages (for example replied TD to an SMS).</summary>
public record CustomerOptedOut(
    Guid DealershipId,
    Guid? LeadId,
    string Phone,
    string Channel,
    string Keyword,
    DateTimeOffset OccurredAt);
