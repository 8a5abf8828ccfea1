using System.Net.Mail;
using Dealership.Hosting;
using Dealership.LeadIntake.Leads;
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
    /// <summary>The customer's comments.</summary>
    public string? Note { get; init; }
    public ConsentStatement? Consent { get; init; }
    /// <summary>How soon the customer means to buy: the words, and the earliest and latest dates (yyyy-MM-dd) where known.</summary>
    public PurchaseTimeframe? Timeframe { get; init; }
    public PostalAddress? Address { get; init; }
    /// <summary>phone, email, sms, or another word for how the customer wants to be contacted.</summary>
    public string? PreferredContact { get; init; }
    /// <summary>morning, afternoon, evening, day, nopreference, or other words for when to call.</summary>
    public string? PreferredContactTime { get; init; }
    /// <summary>Every vehicle of interest (interest buy, lease, test-drive) and the one to trade in (interest trade-in).</summary>
    public List<LeadVehicle>? Vehicles { get; init; }
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
    ConsentStatement? Consent,
    PurchaseTimeframe? Timeframe = null,
    PostalAddress? Address = null,
    string? PreferredContact = null,
    string? PreferredContactTime = null,
    IReadOnlyList<LeadVehicle>? Vehicles = null)
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public const int MaxNameLength = 200;
    public const int MaxTextLength = 200;
    public const int MaxNoteLength = 1000;
    public const int MaxVehicles = 20;

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
        var timeframe = CheckTimeframe(request.Timeframe, errors);
        var address = CheckAddress(request.Address, errors);
        var vehicles = CheckVehicles(request.Vehicles, errors);
        var preferredContact = Clean(request.PreferredContact)?.ToLowerInvariant();
        var preferredTime = Clean(request.PreferredContactTime);
        foreach (var (field, value) in new[] { ("preferredContact", preferredContact), ("preferredContactTime", preferredTime) })
        {
            if (value is { Length: > ShortTextLength })
                errors[field] = [$"The {field} is longer than {ShortTextLength} characters."];
        }

        if (errors.Count > 0)
            return (null, errors);
        // The first vehicle the customer wants is the lead's vehicle of interest when the sender did not name one.
        var vehicleOfInterest = Clean(request.VehicleOfInterest)
            ?? vehicles?.FirstOrDefault(v => v.Interest is not (LeadVehicle.TradeIn or "sell"))?.Describe();
        return (new LeadSubmission(code!.ToUpperInvariant(), source!, externalId!, source == LeadSources.Other ? channelName : campaign,
            name, phone, email, Text.Truncate(vehicleOfInterest, MaxTextLength), Clean(request.Note), request.Consent,
            timeframe, address, preferredContact, preferredTime, vehicles), errors);
    }

    private const int ShortTextLength = 40;

    private static PurchaseTimeframe? CheckTimeframe(PurchaseTimeframe? given, Dictionary<string, string[]> errors)
    {
        if (given is null)
            return null;
        var timeframe = new PurchaseTimeframe { Description = Clean(given.Description), EarliestDate = given.EarliestDate, LatestDate = given.LatestDate };
        if (timeframe.Description is { Length: > MaxTextLength })
            errors["timeframe.description"] = [$"The timeframe's description is longer than {MaxTextLength} characters."];
        if (timeframe.EarliestDate > timeframe.LatestDate)
            errors["timeframe.latestDate"] = [$"The latest date {timeframe.LatestDate:yyyy-MM-dd} is before the earliest {timeframe.EarliestDate:yyyy-MM-dd}."];
        return timeframe is { Description: null, EarliestDate: null, LatestDate: null } ? null : timeframe;
    }

    private static PostalAddress? CheckAddress(PostalAddress? given, Dictionary<string, string[]> errors)
    {
        if (given is null)
            return null;
        var address = new PostalAddress
        {
            Street = Clean(given.Street), City = Clean(given.City), Region = Clean(given.Region), PostalCode = Clean(given.PostalCode), Country = Clean(given.Country),
        };
        foreach (var (field, value) in new[] { ("street", address.Street), ("city", address.City), ("region", address.Region), ("postalCode", address.PostalCode), ("country", address.Country) })
        {
            if (value is { Length: > MaxTextLength })
                errors["address." + field] = [$"The address's {field} is longer than {MaxTextLength} characters."];
        }
        return address is { Street: null, City: null, Region: null, PostalCode: null, Country: null } ? null : address;
    }

    private static List<LeadVehicle>? CheckVehicles(List<LeadVehicle>? given, Dictionary<string, string[]> errors)
    {
        if (given is not { Count: > 0 })
            return null;
        if (given.Count > MaxVehicles)
        {
            errors["vehicles"] = [$"A lead names at most {MaxVehicles} vehicles; this one names {given.Count}."];
            return null;
        }
        var vehicles = new List<LeadVehicle>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            var v = given[i];
            if (v is null)
                continue;
            var vehicle = new LeadVehicle
            {
                Position = vehicles.Count,
                Interest = Clean(v.Interest)?.ToLowerInvariant() ?? LeadVehicle.Buy, Status = Clean(v.Status)?.ToLowerInvariant(), Year = v.Year,
                Make = Clean(v.Make), Model = Clean(v.Model), Trim = Clean(v.Trim), Vin = Clean(v.Vin)?.ToUpperInvariant(),
                Odometer = v.Odometer, OdometerUnits = Clean(v.OdometerUnits)?.ToLowerInvariant(), Condition = Clean(v.Condition), Comments = Clean(v.Comments),
            };
            var field = $"vehicles[{i}]";
            foreach (var (part, value, limit) in new[]
            {
                ("interest", vehicle.Interest, ShortTextLength), ("status", vehicle.Status, ShortTextLength), ("make", vehicle.Make, MaxTextLength),
                ("model", vehicle.Model, MaxTextLength), ("trim", vehicle.Trim, MaxTextLength), ("vin", vehicle.Vin, ShortTextLength),
                ("odometerUnits", vehicle.OdometerUnits, ShortTextLength), ("condition", vehicle.Condition, MaxTextLength), ("comments", vehicle.Comments, MaxNoteLength),
            })
            {
                if (value is { } text && text.Length > limit)
                    errors[$"{field}.{part}"] = [$"The vehicle's {part} is longer than {limit} characters."];
            }
            if (vehicle.Year is < 1900 or > 2100)
                errors[$"{field}.year"] = [$"{vehicle.Year} is not a model year."];
            if (vehicle.Odometer is < 0)
                errors[$"{field}.odometer"] = ["The odometer cannot be below zero."];
            vehicles.Add(vehicle);
        }
        return vehicles.Count == 0 ? null : vehicles;
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
