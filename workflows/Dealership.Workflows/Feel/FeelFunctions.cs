using System.Globalization;

namespace Dealership.Workflows.Feel;

/// <summary>The built-in functions of the subset; each is listed in docs/feel.md.</summary>
internal static class FeelFunctions
{
    private sealed record Function(int MinArgs, int MaxArgs, Func<object?[], TimeProvider, object?> Body);

    private static readonly Dictionary<string, Function> All = new()
    {
        ["not"] = new(1, 1, (a, _) => a[0] is bool b ? !b : null),
        ["contains"] = new(2, 2, (a, _) => Strings(a, (s, t) => s.Contains(t, StringComparison.Ordinal))),
        ["starts with"] = new(2, 2, (a, _) => Strings(a, (s, t) => s.StartsWith(t, StringComparison.Ordinal))),
        ["ends with"] = new(2, 2, (a, _) => Strings(a, (s, t) => s.EndsWith(t, StringComparison.Ordinal))),
        ["upper case"] = new(1, 1, (a, _) => a[0] is null ? null : String(a[0]).ToUpperInvariant()),
        ["lower case"] = new(1, 1, (a, _) => a[0] is null ? null : String(a[0]).ToLowerInvariant()),
        ["string length"] = new(1, 1, (a, _) => a[0] is null ? null : (decimal)new StringInfo(String(a[0])).LengthInTextElements),
        ["substring"] = new(2, 3, (a, _) => Substring(a)),
        ["string"] = new(1, 1, (a, _) => a[0] switch
        {
            null => null,
            string s => s,
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            DateTimeOffset d => FeelValues.FormatDateTime(d),
            TimeSpan t => FeelValues.FormatDuration(t),
            var other => FeelValues.ToJson(other)?.ToJsonString(),
        }),
        ["number"] = new(1, 1, (a, _) => a[0] is null ? null
            : decimal.TryParse(String(a[0]), NumberStyles.Number, CultureInfo.InvariantCulture, out var m) ? m
            : throw new FeelEvaluationException($"\"{a[0]}\" is not a number")),
        ["now"] = new(0, 0, (_, clock) => clock.GetUtcNow()),
        ["date and time"] = new(1, 1, (a, _) => a[0] switch
        {
            null => null,
            DateTimeOffset d => d,
            string s when FeelValues.TryParseDateTime(s, out var d) => d,
            var other => throw new FeelEvaluationException($"{FeelValues.Describe(other)} is not an ISO 8601 date and time such as \"2026-01-15T10:00:00+08:00\""),
        }),
        ["duration"] = new(1, 1, (a, _) => a[0] switch
        {
            null => null,
            TimeSpan t => t,
            string s => FeelValues.TryParseDuration(s, out var t, out var error) ? t : throw new FeelEvaluationException(error!),
            var other => throw new FeelEvaluationException($"{FeelValues.Describe(other)} is not a duration string"),
        }),
        ["count"] = new(1, 1, (a, _) => a[0] is null ? null : (decimal)List(a[0]).Count),
        ["sum"] = new(1, 1, (a, _) => a[0] is null ? null : List(a[0]).Aggregate(0m, (s, v) => s + Number(v))),
        ["min"] = new(1, 1, (a, _) => a[0] is null ? null : Extreme(List(a[0]), -1)),
        ["max"] = new(1, 1, (a, _) => a[0] is null ? null : Extreme(List(a[0]), 1)),
        ["list contains"] = new(2, 2, (a, _) => a[0] is null ? null : List(a[0]).Any(v => FeelValues.AreEqual(v, a[1]))),
        ["is defined"] = new(1, 1, (a, _) => a[0] is not null),
    };

    public static bool Exists(string name) => All.ContainsKey(name);

    public static IEnumerable<string> Names => All.Keys;

    public static string? CheckArity(string name, int count)
    {
        var f = All[name];
        if (count >= f.MinArgs && count <= f.MaxArgs)
            return null;
        var expected = f.MinArgs == f.MaxArgs ? $"{f.MinArgs}" : $"{f.MinArgs} to {f.MaxArgs}";
        return $"{name}() takes {expected} argument{(f.MaxArgs == 1 ? "" : "s")}, not {count}";
    }

    public static object? Invoke(string name, object?[] args, TimeProvider clock) => All[name].Body(args, clock);

    private static string String(object? value) => value as string
        ?? throw new FeelEvaluationException($"expected a string but got {FeelValues.TypeName(value)}");

    private static decimal Number(object? value) => value as decimal?
        ?? throw new FeelEvaluationException($"expected a number but got {FeelValues.TypeName(value)}");

    private static IList<object?> List(object? value) => value as IList<object?>
        ?? throw new FeelEvaluationException($"expected a list but got {FeelValues.TypeName(value)}");

    private static object? Strings(object?[] a, Func<string, string, bool> test) =>
        a[0] is null || a[1] is null ? null : test(String(a[0]), String(a[1]));

    private static object? Substring(object?[] a)
    {
        if (a[0] is null || a[1] is null)
            return null;
        var s = String(a[0]);
        var start = (int)Number(a[1]);
        // FEEL counts from 1; a negative start counts from the end.
        var from = start > 0 ? start - 1 : s.Length + start;
        if (start == 0 || from < 0 || from > s.Length)
            throw new FeelEvaluationException($"start position {start} is outside a string of length {s.Length}");
        if (a.Length < 3 || a[2] is null)
            return s[from..];
        var length = (int)Number(a[2]);
        return s.Substring(from, Math.Clamp(length, 0, s.Length - from));
    }

    private static object? Extreme(IList<object?> list, int sign)
    {
        object? best = null;
        foreach (var v in list)
        {
            if (best is null || FeelValues.Compare(v, best) * sign > 0)
                best = v;
        }
        return best;
    }
}
