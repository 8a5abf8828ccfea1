namespace Dealership.Hosting;

/// <summary>
/// A dealership's quiet hours: no customer SMS from <see cref="Start"/> until <see cref="End"/>, local time; a window may
/// cross midnight (21:00-08:00), and a start equal to its end means none. Notification holds SMS by it; the workflow
/// simulation counts what it would hold by the same rule.
/// </summary>
public readonly record struct QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>What a new dealership gets until operations staff say otherwise.</summary>
    public static readonly QuietHours Default = new(new TimeOnly(21, 0), new TimeOnly(8, 0));

    /// <summary>Customer SMS per customer in any 7 days for a new dealership; more are refused.</summary>
    public const int DefaultWeeklyCap = 5;

    /// <summary>When a customer SMS may go out: <paramref name="now"/> itself, or the end of the quiet hours it falls in.</summary>
    public DateTimeOffset NextAllowedTime(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (Start == End)
            return now;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var endDay = DateOnly.FromDateTime(local.DateTime);
        bool quiet;
        if (Start < End)
        {
            // A window inside one day, e.g. 12:00-14:00.
            quiet = time >= Start && time < End;
        }
        else
        {
            // A window across midnight, e.g. 21:00-08:00.
            quiet = time >= Start || time < End;
            if (time >= Start)
                endDay = endDay.AddDays(1);
        }
        return quiet ? AtLocal(endDay, End, zone) : now;
    }

    /// <summary>A local day and time as an instant (UTC); a time skipped by a daylight-saving change is taken an hour later.</summary>
    public static DateTimeOffset AtLocal(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddHours(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
