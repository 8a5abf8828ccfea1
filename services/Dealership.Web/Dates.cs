using System.Globalization;

namespace Dealership.Web;

/// <summary>
/// Moments as the showroom speaks of them: in the dealership's time zone, 今天/明天/后天 for the next
/// three days and the date with its weekday after that (GLOSSARY, "Dates and times in Chinese").
/// </summary>
public static class Dates
{
    private static readonly string[] WeekdaysZh = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
    private static readonly string[] NearDaysZh = ["今天", "明天", "后天"];
    private static readonly string[] NearDaysEn = ["Today", "Tomorrow"];

    /// <summary>Midnight at the start of a day in the dealership's calendar, as an instant.</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    public static string Format(DateTimeOffset moment, TimeZoneInfo zone, DateTimeOffset now, CultureInfo culture)
    {
        var local = TimeZoneInfo.ConvertTime(moment, zone);
        var days = local.Date.Subtract(TimeZoneInfo.ConvertTime(now, zone).Date).Days;
        if (culture.TwoLetterISOLanguageName == "zh")
        {
            var time = $"{(local.Hour < 12 ? "上午" : "下午")}{(local.Hour % 12 == 0 ? 12 : local.Hour % 12)}:{local.Minute:00}";
            return days is >= 0 and < 3 ? NearDaysZh[days] + time
                : days == -1 ? "昨天" + time
                : $"{(local.Year == TimeZoneInfo.ConvertTime(now, zone).Year ? "" : local.Year + "年")}{local.Month}月{local.Day}日（{WeekdaysZh[(int)local.DayOfWeek]}）{time}";
        }
        var clock = local.ToString("h:mm tt", CultureInfo.InvariantCulture);
        if (days is >= 0 and < 2)
            return $"{NearDaysEn[days]} {clock}";
        if (days == -1)
            return $"Yesterday {clock}";
        var format = local.Year == TimeZoneInfo.ConvertTime(now, zone).Year ? "ddd d MMM" : "ddd d MMM yyyy";
        return $"{local.ToString(format, CultureInfo.InvariantCulture)}, {clock}";
    }
}
