using System.Globalization;
using Dealership.Workflows.Feel;
using static Dealership.Workflows.Bpmn.FindingTexts;

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
            error = Say("NotARepeatingInterval", text);
            return false;
        }
        int? repetitions = null;
        if (parts[0].Length > 1)
        {
            if (!int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                error = Say("NotARepetitionCount", parts[0]);
                return false;
            }
            repetitions = n;
        }
        DateTimeOffset? start = null;
        if (parts.Length == 3)
        {
            if (!FeelValues.TryParseDateTime(parts[1], out var s))
            {
                error = Say("NotADateTime", parts[1]);
                return false;
            }
            start = s;
        }
        if (!FeelValues.TryParseDuration(parts[^1], out var interval, out _))
        {
            error = DurationProblem(parts[^1]);
            return false;
        }
        if (interval <= TimeSpan.Zero)
        {
            error = Say("CycleIntervalNotPositive");
            return false;
        }
        cycle = new TimerCycle(repetitions, interval, start);
        return true;
    }

    /// <summary>Checks a literal (non-FEEL) timer value; returns the problem or null.</summary>
    public static string? CheckLiteral(TimerKind kind, string text) => kind switch
    {
        TimerKind.Duration => FeelValues.TryParseDuration(text, out _, out _) ? null : DurationProblem(text),
        TimerKind.Date => FeelValues.TryParseDateTime(text, out _) ? null : Say("NotADateTimeSuchAs", text),
        _ => TryReadCycle(text, out _, out var e) ? null : e,
    };

    // FeelValues says the same in English for a FEEL duration() at run time; the check says it in the reader's language.
    private static string DurationProblem(string text) =>
        Say(FeelValues.IsYearsAndMonthsDuration(text) ? "YearsAndMonthsDuration" : "NotADuration", text);
}
