using Dealership.Notification.Sms;
using Dealership.Tests.Support;

namespace Dealership.Tests.Sms;

/// <summary>When a customer SMS may go out, in the dealership's local time.</summary>
public class Quiet_hours_Specs
{
    private static readonly DealershipSmsSettings Shanghai = new() { DealershipCode = "DEMO01" };

    [Theory]
    [InlineData(20, 59, 20, 59, 0)]  // before the quiet hours: now
    [InlineData(21, 0, 8, 0, 1)]     // from 21:00: tomorrow 08:00
    [InlineData(23, 30, 8, 0, 1)]
    [InlineData(0, 10, 8, 0, 0)]     // after midnight: today 08:00
    [InlineData(7, 59, 8, 0, 0)]
    [InlineData(8, 0, 8, 0, 0)]      // 08:00 itself is allowed
    public void Should_hold_until_the_end_of_the_quiet_hours(int hour, int minute, int expectedHour, int expectedMinute, int days)
    {
        var now = Showroom.Local(2030, 1, 15, hour, minute);

        Assert.Equal(Showroom.Local(2030, 1, 15 + days, expectedHour, expectedMinute), Shanghai.NextAllowedTime(now));
    }

    [Fact]
    public void Should_count_quiet_hours_in_the_dealerships_time_zone()
    {
        var berlin = new DealershipSmsSettings { DealershipCode = "BER01", TimeZone = "Europe/Berlin" };
        // 14:00 in Shanghai is 07:00 in Berlin (winter): held until 08:00 Berlin time.
        var now = Showroom.Local(2030, 1, 15, 14);

        Assert.Equal(new DateTimeOffset(2030, 1, 15, 8, 0, 0, TimeSpan.FromHours(1)), berlin.NextAllowedTime(now));
    }

    [Fact]
    public void Should_allow_a_window_inside_one_day_and_none_when_start_equals_end()
    {
        var lunch = new DealershipSmsSettings { DealershipCode = "X", QuietHoursStart = new(12, 0), QuietHoursEnd = new(14, 0) };
        var none = new DealershipSmsSettings { DealershipCode = "Y", QuietHoursStart = new(0, 0), QuietHoursEnd = new(0, 0) };

        Assert.Equal(Showroom.Local(2030, 1, 15, 14), lunch.NextAllowedTime(Showroom.Local(2030, 1, 15, 12, 30)));
        Assert.Equal(Showroom.Local(2030, 1, 15, 14), lunch.NextAllowedTime(Showroom.Local(2030, 1, 15, 12)));
        Assert.Equal(Showroom.Local(2030, 1, 15, 11, 59), lunch.NextAllowedTime(Showroom.Local(2030, 1, 15, 11, 59)));
        Assert.Equal(Showroom.Local(2030, 1, 15, 22), lunch.NextAllowedTime(Showroom.Local(2030, 1, 15, 22)));
        Assert.Equal(Showroom.Local(2030, 1, 15, 23), none.NextAllowedTime(Showroom.Local(2030, 1, 15, 23)));
    }

    [Fact]
    public void Should_end_quiet_hours_that_end_in_a_skipped_daylight_saving_hour_an_hour_later()
    {
        // Europe/Berlin skips 02:00-03:00 on 2030-03-31: quiet hours ending at 02:30 end at 03:30 summer time.
        var berlin = new DealershipSmsSettings { DealershipCode = "BER01", TimeZone = "Europe/Berlin", QuietHoursStart = new(22, 0), QuietHoursEnd = new(2, 30) };

        Assert.Equal(new DateTimeOffset(2030, 3, 31, 3, 30, 0, TimeSpan.FromHours(2)),
            berlin.NextAllowedTime(new DateTimeOffset(2030, 3, 30, 23, 0, 0, TimeSpan.FromHours(1))));
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(23, 59)]
    public void Should_count_the_spending_day_from_local_midnight_to_local_midnight(int hour, int minute)
    {
        var (start, next) = Shanghai.LocalDay(Showroom.Local(2030, 1, 15, hour, minute));

        Assert.Equal(Showroom.Local(2030, 1, 15, 0), start);
        Assert.Equal(Showroom.Local(2030, 1, 16, 0), next);
    }

    [Theory]
    [InlineData("TD", "TD")]
    [InlineData(" td ", "TD")]
    [InlineData("T", "T")]
    [InlineData("退订", "退订")]
    [InlineData("stop", "STOP")]
    [InlineData("1", null)]
    [InlineData("TD please", null)]
    public void Should_recognise_the_opt_out_keywords_trimmed_in_any_case(string reply, string? keyword)
    {
        Assert.Equal(keyword, SmsReplies.OptOutKeyword(reply));
    }
}
