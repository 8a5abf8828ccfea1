using Dealership.Hosting;

namespace Dealership.Notification.Sms;

/// <summary>
/// A moment in an SMS, in the dealership's time zone and the message's language, the way the showroom says it.
/// Always the date itself, never 明天 or "tomorrow": a message held through quiet hours or a retry reaches the
/// phone later than it was written.
/// </summary>
public static class SmsDates
{
    public static string Format(DateTimeOffset moment, TimeZoneInfo zone, string language) =>
        ShowroomDates.DayAndTime(TimeZoneInfo.ConvertTime(moment, zone).DateTime, language != SmsLanguages.English);
}
