using System.Globalization;
using Dealership.Hosting;

namespace Dealership.Web;

/// <summary>
/// Moments as the showroom speaks of them: in the dealership's time zone, 今天/明天/后天 for the next
/// three days and the date with its weekday after that (GLOSSARY, "Dates and times in Chinese").
/// </summary>
public static class Dates
{
    private static readonly string[] NearDaysZh = ["今天", "明天", "后天"];
    private static readonly string[] NearDaysEn = ["Today", "Tomorrow"];

    /// <summary>A day of the showroom's calendar as a heading says it: 12月1日（周二） or Tue 1 Dec, with the year when not this year's.</summary>
    public static string Day(DateOnly day, DateOnly today, CultureInfo culture)
    {
        var chinese = culture.TwoLetterISOLanguageName == "zh";
        var words = ShowroomDates.Day(day.ToDateTime(TimeOnly.MinValue), chinese);
        return day.Year == today.Year ? words : chinese ? $"{day.Year}年{words}" : $"{words} {day.Year}";
    }

    public static string Format(DateTimeOffset moment, TimeZoneInfo zone, DateTimeOffset now, CultureInfo culture)
    {
        var local = TimeZoneInfo.ConvertTime(moment, zone).DateTime;
        var today = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var days = local.Date.Subtract(today.Date).Days;
        var chinese = culture.TwoLetterISOLanguageName == "zh";
        var time = ShowroomDates.Time(local, chinese);
        if (chinese)
            return days is >= 0 and < 3 ? NearDaysZh[days] + time
                : days == -1 ? "昨天" + time
                : $"{(local.Year == today.Year ? "" : local.Year + "年")}{ShowroomDates.Day(local, true)}{time}";
        if (days is >= 0 and < 2)
            return $"{NearDaysEn[days]} {time}";
        if (days == -1)
            return $"Yesterday {time}";
        return $"{ShowroomDates.Day(local, false)}{(local.Year == today.Year ? "" : " " + local.Year)}, {time}";
    }

    /// <summary>As <see cref="Format"/>; a moment of no dealership (a flow of the network's own) in UTC, and said so.</summary>
    public static string Moment(DateTimeOffset moment, TimeZoneInfo? zone, DateTimeOffset now, CultureInfo culture) =>
        zone is null ? Format(moment, TimeZoneInfo.Utc, now, culture) + " UTC" : Format(moment, zone, now, culture);
}
