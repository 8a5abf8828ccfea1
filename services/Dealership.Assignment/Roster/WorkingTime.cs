using System.Collections.Concurrent;

namespace Dealership.Assignment.Roster;

/// <summary>Whether a consultant works at an instant, in the dealership's time zone.</summary>
public static class WorkingTime
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new();

    /// <summary>An IANA id such as Asia/Shanghai (also on Windows, where .NET maps it with ICU).</summary>
    public static TimeZoneInfo Zone(string id) => Zones.GetOrAdd(id, TimeZoneInfo.FindSystemTimeZoneById);

    public static bool IsValidZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
            return false;
        try { Zone(id); return true; }
        catch (TimeZoneNotFoundException) { return false; }
        catch (InvalidTimeZoneException) { return false; }
    }

    public static bool IsWorking(Consultant consultant, DateTimeOffset now, TimeZoneInfo zone) =>
        IsWorking(consultant, TimeZoneInfo.ConvertTime(now, zone).DateTime);

    /// <summary>As above, with the dealership's local time already worked out once for the whole roster.</summary>
    public static bool IsWorking(Consultant consultant, DateTime local)
    {
        var date = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        if (consultant.WorkingHours.Count == 0)
            return !consultant.DaysOff.Contains(date);

        var yesterday = date.AddDays(-1);
        foreach (var shift in consultant.WorkingHours)
        {
            if (shift.Day == date.DayOfWeek && !consultant.DaysOff.Contains(date)
                && time >= shift.Start && (shift.CrossesMidnight || time < shift.End))
                return true;
            // The tail of last night's shift: it belongs to yesterday, so only yesterday's day off cancels it.
            if (shift.CrossesMidnight && shift.Day == yesterday.DayOfWeek && !consultant.DaysOff.Contains(yesterday) && time < shift.End)
                return true;
        }
        return false;
    }

    public static bool IsDayOff(Consultant consultant, DateTime local) => consultant.DaysOff.Contains(DateOnly.FromDateTime(local));

    /// <summary>When the consultant's next shift starts after <paramref name="now"/>, looking two weeks ahead.</summary>
    public static DateTimeOffset? NextShiftStart(Consultant consultant, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        if (consultant.WorkingHours.Count == 0)
        {
            // Always working except days off: the next day that is not one, from its midnight.
            for (var d = 1; d <= 14; d++)
            {
                var date = today.AddDays(d);
                if (!consultant.DaysOff.Contains(date))
                    return AtLocal(date, TimeOnly.MinValue, zone);
            }
            return null;
        }
        for (var d = 0; d <= 14; d++)
        {
            var date = today.AddDays(d);
            if (consultant.DaysOff.Contains(date))
                continue;
            DateTimeOffset? first = null;
            foreach (var shift in consultant.WorkingHours.Where(s => s.Day == date.DayOfWeek))
            {
                var start = AtLocal(date, shift.Start, zone);
                if (start > now && (first is null || start < first))
                    first = start;
            }
            if (first is not null)
                return first;
        }
        return null;
    }

    private static DateTimeOffset AtLocal(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
