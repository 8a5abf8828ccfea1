using System.Globalization;

namespace Dealership.Web;

/// <summary>The months a manager picks from: this month in the dealership's calendar, the year behind and the month ahead.</summary>
public static class Months
{
    /// <summary>The month asked for (yyyy-MM), else this one, and the months to offer around it, newest first.</summary>
    public static (DateOnly Month, List<DateOnly> Offered) Around(string? asked, TimeZoneInfo zone, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var month = DateOnly.TryParseExact(asked + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : thisMonth;
        // The month ahead is there because its plan is set before it starts.
        return (month, [.. Enumerable.Range(-1, 14).Select(i => thisMonth.AddMonths(-i)).Append(month).Distinct().OrderDescending()]);
    }

    public static string Name(DateOnly month) =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh"
            ? $"{month.Year}年{month.Month}月"
            : month.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
}
