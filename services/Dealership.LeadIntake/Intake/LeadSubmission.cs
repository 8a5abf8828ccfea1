using System.Net.Mail;
using PhoneNumbers;

namespace Dealership.LeadIntake.Intake;

/// <summary>Consent the customer gave (or refused) where the lead was captured; null means "not asked".</summary>
public record ConsentStatement
{
    public bool? Sms { get; init; }
    public bool? Phone { get; init; }
    /// <summary>Where it was given, e.g. "OEM web form 2026-11", "inbound call".</summary>
    public string? Source { get; init; }
}

/// <summary>A lead as a channel delivers it: every field is checked by <see cref="LeadSubmission.Validate"/>.</summary>
public record SubmitLeadRequest
{
    /// <summary>The dealership the lead is for, e.g. DEMO01.</summary>
    public string? DealershipCode { get; init; }
    public string? Name { get; init; }
    /// <summary>Any common notation; Chinese numbers need no country code.</summary>
    public string? Phone { get; init; }
    public string? Email { get; init; }
    /// <summary>oem, dealership, marketing-event, other, consultant-own, inbound-call or walk-in.</summary>
    public string? Source { get; init; }
    /// <summary>The sender's id of the lead: the same source and external id twice is the same lead.</summary>
    public string? ExternalId { get; init; }
    /// <summary>Kept as given.</summary>
    public string? VehicleOfInterest { get; init; }
    /// <summary>Required for marketing-event: the campaign the lead was collected at.</summary>
    public string? Campaign { get; init; }
    /// <summary>Required for other: the name of the channel.</summary>
    public string? ChannelName { get; init; }
    public string? Note { get; init; }
    public ConsentStatement? Consent { get; init; }
}

/// <summary>A submission checked and normalised.</summary>
public sealed record LeadSubmission(
    string DealershipCode,
    string Source,
    string ExternalId,
    string? SourceDetail,
    string? Name,
    string? Phone,
    string? Email,
    string? VehicleOfInterest,
    string? Note,
    ConsentStatement? Consent)
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public const int MaxNameLength = 200;
    public const int MaxTextLength = 200;
    public const int MaxNoteLength = 1000;

    /// <summary>The normalised submission, or every reason it cannot be used keyed by field.</summary>
    public static (LeadSubmission? Submission, Dictionary<string, string[]> Errors) Validate(SubmitLeadRequest request, string phoneRegion = "CN")
    {
        var errors = new Dictionary<string, string[]>();
        var code = Clean(request.DealershipCode);
        var name = Clean(request.Name);
        var rawPhone = Clean(request.Phone);
        var email = Clean(request.Email);
        var source = Clean(request.Source)?.ToLowerInvariant();
        var externalId = Clean(request.ExternalId);
        var campaign = Clean(request.Campaign);
        var channelName = Clean(request.ChannelName);

        if (code is null)
            errors["dealershipCode"] = ["The dealership code is required."];
        if (source is null)
            errors["source"] = ["The source channel is required."];
        else if (!LeadSources.All.Contains(source))
            errors["source"] = [$"'{source}' is not a source channel; use one of: {string.Join(", ", LeadSources.All)}."];
        else if (source == LeadSources.MarketingEvent && campaign is null)
            errors["campaign"] = ["A lead from a marketing event names its campaign."];
        else if (source == LeadSources.Other && channelName is null)
            errors["channelName"] = ["A lead from another channel names the channel."];
        if (externalId is null)
            errors["externalId"] = ["The external id is required: it is how a lead sent twice is recognised."];
        else if (externalId.Length > 100)
            errors["externalId"] = ["The external id is longer than 100 characters."];
        if (name is null && rawPhone is null)
        {
            errors["name"] = ["A lead needs a name or a phone number."];
            errors["phone"] = ["A lead needs a name or a phone number."];
        }
        if (name is { Length: > MaxNameLength })
            errors["name"] = [$"The name is longer than {MaxNameLength} characters."];

        string? phone = null;
        if (rawPhone is not null)
        {
            phone = NormalisePhone(rawPhone, phoneRegion);
            if (phone is null)
                errors["phone"] = [$"'{rawPhone}' is not a valid phone number."];
        }
        if (email is not null && !IsEmail(email))
            errors["email"] = [$"'{email}' is not an e-mail address."];
        foreach (var (field, value) in new[] { ("vehicleOfInterest", request.VehicleOfInterest), ("campaign", campaign), ("channelName", channelName) })
        {
            if (value is { Length: > MaxTextLength })
                errors[field] = [$"The {field} is longer than {MaxTextLength} characters."];
        }
        if (request.Note is { Length: > MaxNoteLength })
            errors["note"] = [$"The note is longer than {MaxNoteLength} characters."];

        if (errors.Count > 0)
            return (null, errors);
        return (new LeadSubmission(code!.ToUpperInvariant(), source!, externalId!, source == LeadSources.Other ? channelName : campaign,
            name, phone, email, Clean(request.VehicleOfInterest), Clean(request.Note), request.Consent), errors);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Contains('.');

    /// <summary>E.164, or null when the number is not valid.</summary>
    public static string? NormalisePhone(string raw, string defaultRegion)
    {
        try
        {
            var number = Phones.Parse(raw, defaultRegion);
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
