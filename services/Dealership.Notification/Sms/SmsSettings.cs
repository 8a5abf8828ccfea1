using Dealership.Contracts;
using Dealership.Hosting;

namespace Dealership.Notification.Sms;

/// <summary>
/// A dealership's SMS rules. Created with the defaults when notification first hears of the
/// dealership; operations staff change them over HTTP.
/// </summary>
public class DealershipSmsSettings
{
    public Guid DealershipId { get; set; }
    public required string DealershipCode { get; set; }
    /// <summary>The dealership's IANA time zone, as the identity service announces it; quiet hours and the spending day are counted in it.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>The version of the dealership's reference data these settings follow; older changes are ignored.</summary>
    public long ReferenceVersion { get; set; }
    /// <summary>No customer SMS from this local time ...</summary>
    public TimeOnly QuietHoursStart { get; set; } = QuietHours.Default.Start;
    /// <summary>... until this local time; held messages go out then.</summary>
    public TimeOnly QuietHoursEnd { get; set; } = QuietHours.Default.End;
    /// <summary>Customer SMS per customer in any 7 days; more are refused.</summary>
    public int WeeklyCap { get; set; } = QuietHours.DefaultWeeklyCap;
    /// <summary>What the dealership may spend on SMS per local day, in fen; past it messages wait for the next day.</summary>
    public int DailySpendingCapFen { get; set; } = 10_000;
    /// <summary>The carrier's price of one SMS segment, in fen.</summary>
    public int PricePerSegmentFen { get; set; } = 5;
    /// <summary>The sender signature the carrier registered for the dealership, e.g. 【演示汽车上海店】; it heads every customer SMS.</summary>
    public string Signature { get; set; } = "【经销商】";
    public string Language { get; set; } = SmsLanguages.Chinese;
    /// <summary>
    /// The dealership's names and showroom as the identity service announces them: {dealership}, and {directions} (the address
    /// when a booking gave no directions of its own, then the parking note and the map link).
    /// </summary>
    public string? NameZh { get; set; }
    public string? NameEn { get; set; }
    public string? ShowroomAddress { get; set; }
    public string? ShowroomMapLink { get; set; }
    public string? ParkingNote { get; set; }

    /// <summary>The dealership as a customer reading this language knows it.</summary>
    public string? Name(string language) =>
        language == SmsLanguages.English && !string.IsNullOrWhiteSpace(NameEn) ? NameEn : NameZh;

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The rules other services follow (the workflow simulation), as they stand now.</summary>
    public SmsRulesChanged Announcement(DateTimeOffset now) =>
        new(DealershipId, DealershipCode, TimeZone, QuietHoursStart, QuietHoursEnd, WeeklyCap, now);

    /// <summary>When a customer SMS may go out: <paramref name="now"/> itself, or the end of the quiet hours it falls in.</summary>
    public DateTimeOffset NextAllowedTime(DateTimeOffset now) => new QuietHours(QuietHoursStart, QuietHoursEnd).NextAllowedTime(now, Zone());

    /// <summary>The start of the local day <paramref name="now"/> falls in, and of the next one.</summary>
    public (DateTimeOffset Start, DateTimeOffset Next) LocalDay(DateTimeOffset now)
    {
        var zone = Zone();
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        return (QuietHours.AtLocal(day, TimeOnly.MinValue, zone), QuietHours.AtLocal(day.AddDays(1), TimeOnly.MinValue, zone));
    }
}
