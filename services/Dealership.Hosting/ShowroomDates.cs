using System.Globalization;

namespace Dealership.Hosting;

/// <summary>
/// A day and a time of the showroom's wall clock written as staff and customers write them (GLOSSARY, "Dates and
/// times in Chinese"): 1月15日（周二）上午10:00, or Tue 15 Jan, 10:00 AM. The console and the SMS both use it.
/// </summary>
public static class ShowroomDates
{
    private static readonly string[] WeekdaysZh = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

    /// <summary>Midnight at the start of a day of the showroom's calendar, as an instant (UTC).</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    /// <summary>1月15日（周二）, or Tue 15 Jan.</summary>
    public static string Day(DateTime local, bool chinese) =>
        chinese ? $"{local.Month}月{local.Day}日（{WeekdaysZh[(int)local.DayOfWeek]}）" : local.ToString("ddd d MMM", CultureInfo.InvariantCulture);

    /// <summary>
    /// 上午10:00, 中午12:30, 下午3:00, 晚上8:00, 凌晨0:30; or 10:00 AM. Chinese names the part of the day as people say it:
    /// 下午8:00 and 上午12:30 (for half past midnight) read wrong to a customer.
    /// </summary>
    public static string Time(DateTime local, bool chinese)
    {
        if (!chinese)
            return local.ToString("h:mm tt", CultureInfo.InvariantCulture);
        var (part, hour) = local.Hour switch
        {
            < 6 => ("凌晨", local.Hour),
            < 12 => ("上午", local.Hour),
            12 => ("中午", 12),
            < 18 => ("下午", local.Hour - 12),
            _ => ("晚上", local.Hour - 12),
        };
        return $"{part}{hour}:{local.Minute:00}";
    }

    /// <summary>1月15日（周二）上午10:00, or Tue 15 Jan, 10:00 AM.</summary>
    public static string DayAndTime(DateTime local, bool chinese) =>
        chinese ? Day(local, true) + Time(local, true) : $"{Day(local, false)}, {Time(local, false)}";
}
