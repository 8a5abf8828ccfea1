using PhoneNumbers;

namespace Dealership.LeadIntake.Leads;

/// <summary>A lead as an integration client sends it. Every field is checked by <see cref="LeadSubmission.Validate"/>.</summary>
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
    public string? VehicleOfInterest { get; init; }
}

/// <summary>A submission checked and normalised, or the reasons it cannot be used, keyed by field.</summary>
public sealed record LeadSubmission(
    string DealershipCode,
    string Source,
    string ExternalId,
    string? Name,
    string? Phone,
    string? Email,
    string? VehicleOfInterest)
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static (LeadSubmission? Submission, Dictionary<string, string[]> Errors) Validate(SubmitLeadRequest request, string defaultRegion = "CN")
    {
        var errors = new Dictionary<string, string[]>();
        var code = request.DealershipCode?.Trim();
        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        var rawPhone = string.IsNullOrWhiteSpace(request.Phone) ? null : request.Phone.Trim();
        var source = request.Source?.Trim().ToLowerInvariant();
        var externalId = request.ExternalId?.Trim();

        if (string.IsNullOrEmpty(code))
            errors["dealershipCode"] = ["The dealership code is required."];
        if (string.IsNullOrEmpty(source))
            errors["source"] = ["The source channel is required."];
        else if (!LeadSources.All.Contains(source))
            errors["source"] = [$"'{source}' is not a source channel; use one of: {string.Join(", ", LeadSources.All)}."];
        if (string.IsNullOrEmpty(externalId))
            errors["externalId"] = ["The external id is required: it is how a lead sent twice is recognised."];
        if (name is null && rawPhone is null)
        {
            errors["name"] = ["A lead needs a name or a phone number."];
            errors["phone"] = ["A lead needs a name or a phone number."];
        }

        string? phone = null;
        if (rawPhone is not null)
        {
            phone = NormalisePhone(rawPhone, defaultRegion);
            if (phone is null)
                errors["phone"] = ["The phone number is not a valid number."];
        }

        if (errors.Count > 0)
            return (null, errors);
        return (new LeadSubmission(code!.ToUpperInvariant(), source!, externalId!, name, phone,
            string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
            string.IsNullOrWhiteSpace(request.VehicleOfInterest) ? null : request.VehicleOfInterest.Trim()), errors);
    }

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
