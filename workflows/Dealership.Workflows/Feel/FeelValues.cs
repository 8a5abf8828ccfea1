using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dealership.Workflows.Feel;

/// <summary>
/// FEEL values as .NET objects: null, decimal, string, bool, DateTimeOffset (date and time),
/// TimeSpan (days and time duration), List&lt;object?&gt; and Dictionary&lt;string, object?&gt; (context).
/// </summary>
public static partial class FeelValues
{
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => FromJson(p.Value)),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.TryGetValue<DateTimeOffset>(out var d) && v.GetValue<object>() is DateTimeOffset ? d : v.GetValue<string>(),
            JsonValueKind.Number => Number(v),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };

    // A value built in memory keeps its CLR type (int, long, double); one read from text converts to anything.
    private static decimal Number(JsonValue v) =>
        v.TryGetValue<decimal>(out var m) ? m
        : v.TryGetValue<int>(out var i) ? i
        : v.TryGetValue<long>(out var l) ? l
        : v.TryGetValue<double>(out var d) ? (decimal)d
        : decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        decimal m => JsonValue.Create(m),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        DateTimeOffset d => JsonValue.Create(FormatDateTime(d)),
        TimeSpan t => JsonValue.Create(FormatDuration(t)),
        IEnumerable<KeyValuePair<string, object?>> o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, ToJson(p.Value)))),
        IEnumerable<object?> l => new JsonArray(l.Select(ToJson).ToArray()),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        _ => throw new FeelEvaluationException($"a value of type {value.GetType().Name} cannot be stored as a variable"),
    };

    public static string FormatDateTime(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    public static string TypeName(object? value) => value switch
    {
        null => "null",
        decimal => "number",
        string => "string",
        bool => "boolean",
        DateTimeOffset => "date and time",
        TimeSpan => "duration",
        IDictionary<string, object?> => "context",
        IList<object?> => "list",
        _ => value.GetType().Name,
    };

    /// <summary>A string in ISO 8601 date-time form, read as a date and time (see docs/feel.md, "Leniency").</summary>
    internal static bool TryAsDateTime(object? value, out DateTimeOffset result)
    {
        switch (value)
        {
            case DateTimeOffset d:
                result = d;
                return true;
            case string s when s.Length >= 16 && char.IsDigit(s[0]) && s[4] == '-' && s.Contains('T'):
                return TryParseDateTime(s, out result);
            default:
                result = default;
                return false;
        }
    }

    public static bool TryParseDateTime(string text, out DateTimeOffset result)
    {
        // ISO 8601 with a time, as docs/feel.md says: DateTimeOffset.TryParse alone also reads "Tue, 03 Mar 2026"
        // and other forms, and a T in a weekday's or a zone's name must not pass for the time part.
        if (!IsoDateAndTime().IsMatch(text))
        {
            result = default;
            return false;
        }
        // A date and time without an offset is taken as UTC, as the engine runs in UTC.
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out result);
    }

    [GeneratedRegex(@"^\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial Regex IsoDateAndTime();

    [GeneratedRegex(@"^(?<sign>-)?P(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex DurationPattern();

    // At least one number: "-P" alone is no duration at all, not one in months.
    [GeneratedRegex(@"^-?P(?=\d)(?:\d+Y)?(?:\d+M)?$")]
    private static partial Regex YearMonthPattern();

    /// <summary>Reads an ISO 8601 days-and-time duration (P1D, PT2H, P1DT30M, P2W).</summary>
    public static bool TryParseDuration(string text, out TimeSpan result, out string? error)
    {
        result = default;
        error = null;
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || text.Trim() is "P" or "-P" || text.Trim().EndsWith('T'))
        {
            error = IsYearsAndMonthsDuration(text)
                ? $"\"{text}\" is a years-and-months duration, which is not supported; use days (P30D)"
                : $"\"{text}\" is not an ISO 8601 duration such as P1D or PT2H";
            return false;
        }
        double Part(string name) => match.Groups[name].Success ? double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        result = TimeSpan.FromDays(Part("w") * 7 + Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
        if (match.Groups["sign"].Success)
            result = -result;
        return true;
    }

    /// <summary>True for a duration in years and months (P1M, P1Y2M), which the engine does not read: a month has no fixed length.</summary>
    public static bool IsYearsAndMonthsDuration(string text) => YearMonthPattern().IsMatch(text.Trim());

    public static string FormatDuration(TimeSpan value)
    {
        var sb = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = -value;
        }
        sb.Append('P');
        if (value.Days > 0)
            sb.Append(value.Days).Append('D');
        var time = value - TimeSpan.FromDays(value.Days);
        if (time > TimeSpan.Zero || value == TimeSpan.Zero)
        {
            sb.Append('T');
            if (time.Hours > 0) sb.Append(time.Hours).Append('H');
            if (time.Minutes > 0) sb.Append(time.Minutes).Append('M');
            var seconds = time.Seconds + time.Milliseconds / 1000m;
            if (seconds > 0 || value == TimeSpan.Zero) sb.Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('S');
        }
        return sb.ToString();
    }

    public static bool AreEqual(object? a, object? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        if (TryAsDateTime(a, out var da) && TryAsDateTime(b, out var db) && (a is DateTimeOffset || b is DateTimeOffset))
            return da == db;
        return (a, b) switch
        {
            (decimal x, decimal y) => x == y,
            (string x, string y) => x == y,
            (bool x, bool y) => x == y,
            (TimeSpan x, TimeSpan y) => x == y,
            (IList<object?> x, IList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => AreEqual(p.First, p.Second)),
            (IDictionary<string, object?> x, IDictionary<string, object?> y) =>
                x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var v) && AreEqual(p.Value, v)),
            _ => false,
        };
    }

    /// <summary>Orders two values of the same kind; null when either is null (FEEL's three-valued logic).</summary>
    public static int? Compare(object? a, object? b)
    {
        if (a is null || b is null)
            return null;
        if ((a is DateTimeOffset || b is DateTimeOffset) && TryAsDateTime(a, out var da) && TryAsDateTime(b, out var db))
            return da.CompareTo(db);
        return (a, b) switch
        {
            (decimal x, decimal y) => x.CompareTo(y),
            (string x, string y) => string.CompareOrdinal(x, y),
            (TimeSpan x, TimeSpan y) => x.CompareTo(y),
            _ => throw new FeelEvaluationException($"cannot compare {TypeName(a)} with {TypeName(b)}"),
        };
    }

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        _ => ToJson(value)?.ToJsonString() ?? "null",
    };
}
