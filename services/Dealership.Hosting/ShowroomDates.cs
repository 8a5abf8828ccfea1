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

    /// <summary>上午10:00 or 下午3:00, or 10:00 AM.</summary>
    public static string Time(DateTime local, bool chinese) =>
        chinese
            ? $"{(local.Hour < 12 ? "上午" : "下午")}{(local.Hour % 12 == 0 ? 12 : local.Hour % 12)}:{local.Minute:00}"
            : local.ToString("h:mm tt", CultureInfo.InvariantCulture);

    /// <summary>1月15日（周二）上午10:00, or Tue 15 Jan, 10:00 AM.</summary>
    public static string DayAndTime(DateTime local, bool chinese) =>
        chinese ? Day(local, true) + Time(local, true) : $"{Day(local, false)}, {Time(local, false)}";
}
