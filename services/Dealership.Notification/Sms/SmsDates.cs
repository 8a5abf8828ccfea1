using System.Globalization;

namespace Dealership.Notification.Sms;

/// <summary>
/// A moment in an SMS, in the dealership's time zone and the message's language, the way the showroom says it:
/// 1月15日（周二）上午10:00, or Tue 15 Jan, 10:00 AM. Always the date itself, never 明天 or "tomorrow": a message held
/// through quiet hours or a retry reaches the phone later than it was written.
/// </summary>
public static class SmsDates
{
    private static readonly string[] WeekdaysZh = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

    public static string Format(DateTimeOffset moment, TimeZoneInfo zone, string language)
    {
        var local = TimeZoneInfo.ConvertTime(moment, zone);
        if (language == SmsLanguages.English)
            return local.ToString("ddd d MMM, h:mm tt", CultureInfo.InvariantCulture);
        var hour = local.Hour % 12 == 0 ? 12 : local.Hour % 12;
        return $"{local.Month}月{local.Day}日（{WeekdaysZh[(int)local.DayOfWeek]}）{(local.Hour < 12 ? "上午" : "下午")}{hour}:{local.Minute:00}";
    }
}
