using System.Globalization;
using Dealership.Web.Components;
using Microsoft.Extensions.Localization;

namespace Dealership.Web;

/// <summary>
/// What the customer told the sender, in the reader's words: how soon he or she means to buy, the vehicles, the trade-in,
/// the address and how to make contact. Values the console has a word for (<c>Interest_test-drive</c>,
/// <c>ContactTime_evening</c>) are translated; anything else a sender wrote is shown as written.
/// </summary>
public static class LeadFacts
{
    private const string TradeIn = "trade-in";

    /// <summary>两周内 · 12月1日（周二）至 12月14日（周一）: the words, then the window of days on the showroom's calendar.</summary>
    public static string? Timeframe(PurchaseTimeframe? timeframe, DateOnly today, IStringLocalizer<Text> text, CultureInfo culture)
    {
        if (timeframe is null)
            return null;
        string Day(DateOnly day) => Dates.Day(day, today, culture);
        var window = (timeframe.EarliestDate, timeframe.LatestDate) switch
        {
            ({ } from, { } to) when from == to => Day(from),
            ({ } from, { } to) => text["TimeframeBetween", Day(from), Day(to)].Value,
            ({ } from, null) => text["TimeframeFrom", Day(from)].Value,
            (null, { } to) => text["TimeframeBy", Day(to)].Value,
            _ => null,
        };
        return Join(" · ", timeframe.Description, window);
    }

    /// <summary>2018 Volkswagen Lavida · 86,000 公里 · 车况良好 · its comments · VIN: all a consultant needs to ask about it.</summary>
    public static string TradeInVehicle(LeadVehicle vehicle, IStringLocalizer<Text> text, CultureInfo culture)
    {
        var distance = vehicle.Odometer is not { } odometer ? null
            : text.Named("Odometer_", vehicle.OdometerUnits ?? "km", null) is { } format ? string.Format(culture, format, odometer)
            : $"{odometer.ToString("N0", culture)} {vehicle.OdometerUnits}";
        return Join(" · ", Describe(vehicle), distance, vehicle.Condition is { } condition ? text.Named("Condition_", condition) : null,
            vehicle.Comments, vehicle.Vin is { } vin ? "VIN " + vin : null)!;
    }

    /// <summary>The vehicles the customer wants, each with what for when it is not to buy: ID.7 VIZZION（试驾）.</summary>
    public static string? Wanted(IEnumerable<LeadVehicle> vehicles, IStringLocalizer<Text> text)
    {
        var wanted = vehicles
            .Where(v => v.Interest != TradeIn)
            .Select(v => (Describe(v), v.Interest))
            .Where(v => v.Item1 != "—")
            .Distinct()
            .Select(v => v.Interest == "buy" ? v.Item1 : text["WantedFor", v.Item1, text.Named("Interest_", v.Interest)].Value)
            .ToList();
        return wanted.Count == 0 ? null : string.Join(text["ListSeparator"], wanted);
    }

    /// <summary>Every vehicle an enquiry names, the trade-in marked as such.</summary>
    public static string? Vehicles(IReadOnlyList<LeadVehicle>? vehicles, IStringLocalizer<Text> text)
    {
        if (vehicles is not { Count: > 0 })
            return null;
        var tradeIns = vehicles.Where(v => v.Interest == TradeIn).Select(v => text["TradeInOf", Describe(v)].Value);
        return Join(text["ListSeparator"], [Wanted(vehicles, text), .. tradeIns]);
    }

    public static string? Contact(string? method, string? time, IStringLocalizer<Text> text) =>
        Join(" · ", method is null ? null : text.Named("Contact_", method), time is null ? null : text.Named("ContactTime_", time));

    /// <summary>The address as an envelope in the reader's language has it: 上海 浦东新区… 200120, or the street first in English.</summary>
    public static string? Address(PostalAddress? address, CultureInfo culture)
    {
        if (address is null)
            return null;
        var street = address.Street?.Replace('\n', ' ');
        // A Chinese envelope names no country for a Chinese address, and the city says the province well enough (senders
        // write the region as an ISO code, CN-SH, that nobody reads).
        return culture.TwoLetterISOLanguageName == "zh"
            ? Join(" ", address.Country is "CN" or "CHN" or "中国" ? null : address.Country, address.City ?? address.Region, street, address.PostalCode)
            : Join(", ", street, address.City, Join(" ", address.Region, address.PostalCode), address.Country);
    }

    private static string Describe(LeadVehicle v) =>
        Join(" ", v.Year?.ToString(CultureInfo.InvariantCulture), v.Make, v.Model, v.Trim) ?? "—";

    private static string? Join(string separator, params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return present.Count == 0 ? null : string.Join(separator, present);
    }
}
