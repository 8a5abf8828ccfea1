using System.Globalization;
using System.Text.Json;

namespace Dealership.LeadIntake.Leads;

/// <summary>
/// What a timeline entry is made of, by name (consultant, dueAt, template...), beside the English sentence: a reader
/// such as the console writes the entry in its own language and the showroom's time zone from these. Moments are
/// ISO 8601 in UTC ("O"), so that they are read back exactly. Empty facts are left out.
/// </summary>
public static class TimelineFacts
{
    public static string Write(IReadOnlyDictionary<string, string?> facts) =>
        JsonSerializer.Serialize(facts.Where(f => !string.IsNullOrEmpty(f.Value)).ToDictionary(f => f.Key, f => f.Value!));

    /// <summary>The facts of a stored entry; null for the entries written before facts were kept.</summary>
    public static Dictionary<string, string>? Read(string? json) => json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json);

    public static string Moment(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static string? Moment(DateTimeOffset? at) => at is { } value ? Moment(value) : null;
}
