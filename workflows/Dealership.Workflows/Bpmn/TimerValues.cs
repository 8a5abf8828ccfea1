using System.Globalization;
using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Bpmn;

/// <summary>A repeating timer: fires after <see cref="Interval"/>, <see cref="Repetitions"/> times (null: for ever).</summary>
public sealed record TimerCycle(int? Repetitions, TimeSpan Interval, DateTimeOffset? Start);

/// <summary>Reads the ISO 8601 values of timer definitions, whether written literally or produced by FEEL.</summary>
public static class TimerValues
{
    public static bool TryReadCycle(string text, out TimerCycle? cycle, out string? error)
    {
        cycle = null;
        error = null;
        var parts = text.Trim().Split('/');
        if (parts.Length is < 2 or > 3 || !parts[0].StartsWith('R'))
        {
            error = $"\"{text}\" is not an ISO 8601 repeating interval such as R3/PT1H (cron expressions are not supported)";
            return false;
        }
        int? repetitions = null;
        if (parts[0].Length > 1)
        {
            if (!int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                error = $"\"{parts[0]}\" is not a repetition count such as R3";
                return false;
            }
            repetitions = n;
        }
        DateTimeOffset? start = null;
        if (parts.Length == 3)
        {
            if (!FeelValues.TryParseDateTime(parts[1], out var s))
            {
                error = $"\"{parts[1]}\" is not an ISO 8601 date and time";
                return false;
            }
            start = s;
        }
        if (!FeelValues.TryParseDuration(parts[^1], out var interval, out error))
            return false;
        if (interval <= TimeSpan.Zero)
        {
            error = "the interval of a cycle must be positive";
            return false;
        }
        cycle = new TimerCycle(repetitions, interval, start);
        return true;
    }

    /// <summary>Checks a literal (non-FEEL) timer value; returns the problem or null.</summary>
    public static string? CheckLiteral(TimerKind kind, string text) => kind switch
    {
        TimerKind.Duration => FeelValues.TryParseDuration(text, out _, out var e) ? null : e,
        TimerKind.Date => FeelValues.TryParseDateTime(text, out _) ? null : $"\"{text}\" is not an ISO 8601 date and time such as 2026-01-15T10:00:00+08:00",
        _ => TryReadCycle(text, out _, out var e) ? null : e,
    };
}
