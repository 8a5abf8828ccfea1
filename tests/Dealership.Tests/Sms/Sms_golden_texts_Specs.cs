using Dealership.Notification.Sms;

namespace Dealership.Tests.Sms;

/// <summary>
/// The exact text a customer's or a consultant's phone shows for every default template in both languages, made by the
/// code that makes every SMS (<see cref="SmsRequests.Compose"/>) from what the services send: moments as ISO 8601, the
/// visit's purpose as its code. And moments around midnight, across time zones and daylight-saving changes. A change to a
/// template or to how a value is written shows here as the words that changed.
/// </summary>
public class Sms_golden_texts_Specs
{
    private static readonly DealershipSmsSettings Shanghai = new()
    {
        DealershipCode = "DEMO01", Signature = "【演示汽车上海店】", NameZh = "演示汽车上海店", NameEn = "Demo Motors Shanghai",
        ShowroomAddress = "上海市浦东新区金科路2889号，地铁2号线金科路站3号口",
        ParkingNote = "展厅地下停车场B2，到店客户免费停车2小时",
        ShowroomMapLink = "https://uri.amap.com/marker?position=121.6025,31.2033",
    };

    /// <summary>
    /// A lead of 陈明 for 王芳, due Tue 15 Jan 10:00; a test drive of an ID.4 booked for Wed 16 Jan 14:30 without directions of its
    /// own (so the showroom's address, parking note and map link are the directions); a callback at 17:00.
    /// </summary>
    private static readonly Dictionary<string, string> Sent = new()
    {
        ["customer"] = "陈明",
        ["consultant"] = "王芳",
        ["dueAt"] = "2030-01-15T02:00:00.0000000+00:00",
        ["startsAt"] = "2030-01-16T06:30:00.0000000+00:00",
        ["purpose"] = "test-drive",
        ["model"] = "ID.4 CROZZ",
        ["directions"] = "",
        ["callbackAt"] = "2030-01-15T09:00:00.0000000+00:00",
        ["appointmentId"] = "7d460000-5bce-2fef-76c1-08df4ef19903",
    };

    public static TheoryData<string, string, string> Texts => new()
    {
        { "new-lead", "zh-CN", "【演示汽车上海店】王芳，您有一条新线索，请在 1月15日（周二）上午10:00 前首次联系客户。" },
        { "new-lead", "en", "【演示汽车上海店】王芳, you have a new lead: make the first contact before Tue 15 Jan, 10:00 AM." },
        { "appointment-confirmation", "zh-CN",
            "【演示汽车上海店】陈明您好，您已预约 1月16日（周三）下午2:30 到店（试驾 ID.4 CROZZ），期待您的光临。上海市浦东新区金科路2889号，地铁2号线金科路站3号口；停车：展厅地下停车场B2，到店客户免费停车2小时；地图：https://uri.amap.com/marker?position=121.6025,31.2033 回复TD退订" },
        { "appointment-confirmation", "en",
            "【演示汽车上海店】Dear 陈明, your visit (test drive ID.4 CROZZ) is booked for Wed 16 Jan, 2:30 PM. We look forward to seeing you. 上海市浦东新区金科路2889号，地铁2号线金科路站3号口; parking: 展厅地下停车场B2，到店客户免费停车2小时; map: https://uri.amap.com/marker?position=121.6025,31.2033 Reply TD to opt out" },
        { "directions", "zh-CN", "【演示汽车上海店】陈明您好，演示汽车上海店到店指引：上海市浦东新区金科路2889号，地铁2号线金科路站3号口；停车：展厅地下停车场B2，到店客户免费停车2小时；地图：https://uri.amap.com/marker?position=121.6025,31.2033 回复TD退订" },
        { "directions", "en", "【演示汽车上海店】Dear 陈明, how to find Demo Motors Shanghai: 上海市浦东新区金科路2889号，地铁2号线金科路站3号口; parking: 展厅地下停车场B2，到店客户免费停车2小时; map: https://uri.amap.com/marker?position=121.6025,31.2033 Reply TD to opt out" },
        { "confirmation-request", "zh-CN",
            "【演示汽车上海店】陈明您好，您预约了 1月16日（周三）下午2:30 到店（试驾 ID.4 CROZZ）。确认请回复1，取消请回复2，改期请回复3。 回复TD退订" },
        { "confirmation-request", "en",
            "【演示汽车上海店】Dear 陈明, your visit (test drive ID.4 CROZZ) is on Wed 16 Jan, 2:30 PM. Reply 1 to confirm, 2 to cancel, 3 to change the time. Reply TD to opt out" },
        { "reminder", "zh-CN", "【演示汽车上海店】陈明您好，提醒您 1月16日（周三）下午2:30 到店，王芳将在展厅接待您。 回复TD退订" },
        { "reminder", "en", "【演示汽车上海店】Dear 陈明, a reminder of your visit on Wed 16 Jan, 2:30 PM; 王芳 will welcome you. Reply TD to opt out" },
        { "care", "zh-CN", "【演示汽车上海店】陈明您好，感谢您今天接听王芳的电话。如有任何需要，欢迎随时联系我们。 回复TD退订" },
        { "care", "en", "【演示汽车上海店】Dear 陈明, thank you for talking with 王芳 today. Whenever you need us, we are here. Reply TD to opt out" },
        { "callback-promise", "zh-CN", "【演示汽车上海店】陈明您好，您的问题王芳会在 1月15日（周二）下午5:00 前给您回复。 回复TD退订" },
        { "callback-promise", "en", "【演示汽车上海店】Dear 陈明, 王芳 will come back to you with an answer by Tue 15 Jan, 5:00 PM. Reply TD to opt out" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Should_write_every_default_template_as_the_phone_shows_it(string purpose, string language, string expected)
    {
        var template = SmsTemplates.Purpose(purpose);

        var sms = SmsRequests.Compose(SmsTemplates.DefaultBody(template, language), Sent, Shanghai, language, template.Recipient == "customer");

        Assert.Equal(expected, sms.Text);
        Assert.Empty(sms.Missing);
    }

    [Fact]
    public void Should_have_a_golden_text_for_every_purpose_in_every_language()
    {
        var covered = Texts.Select(row => ((string)row[0], (string)row[1])).ToHashSet();

        Assert.All(SmsTemplates.Purposes.Keys.SelectMany(p => SmsLanguages.All.Select(l => (p, l))), pair => Assert.Contains(pair, covered));
    }

    [Fact]
    public void Should_leave_no_placeholder_empty_in_any_default_text()
    {
        foreach (var purpose in SmsTemplates.Purposes.Values)
        foreach (var language in SmsLanguages.All)
        {
            var text = SmsRequests.Compose(SmsTemplates.DefaultBody(purpose, language), Sent, Shanghai, language, true).Text;
            Assert.DoesNotContain("{", text);
            Assert.DoesNotContain("：  ", text);
            Assert.DoesNotContain("()", text);
            Assert.DoesNotContain("（）", text);
        }
    }

    [Theory]
    [InlineData("zh-CN", "【演示汽车上海店】陈明您好，演示汽车上海店到店指引：{directions} 回复TD退订")]
    [InlineData("en", "【演示汽车上海店】Dear 陈明, how to find Demo Motors Shanghai: {directions} Reply TD to opt out")]
    public void Should_keep_a_placeholder_without_a_value_as_written_and_name_it_rather_than_leave_a_hole(string language, string expected)
    {
        var nowhere = new DealershipSmsSettings { DealershipCode = "DEMO01", Signature = Shanghai.Signature, NameZh = Shanghai.NameZh, NameEn = Shanghai.NameEn, ParkingNote = "B2" };

        var sms = SmsRequests.Compose(SmsTemplates.DefaultBody(SmsTemplates.Purpose("directions"), language), Sent, nowhere, language, true);

        Assert.Equal(expected, sms.Text);
        Assert.Equal(new[] { "directions" }, sms.Missing);
    }

    [Theory]
    [InlineData("{customer}您好，{dealership}到店指引：{directions}", "zh-CN", true, "【演示汽车上海店】尊敬的客户您好，演示汽车上海店到店指引：")]
    [InlineData("Dear {customer}, thank you.", "en", true, "【演示汽车上海店】Dear customer, thank you.")]
    // The consultant is told there is no name rather than greeted as the customer would be.
    [InlineData("{consultant}，新线索：{customer}", "zh-CN", false, "【演示汽车上海店】王芳，新线索：未留姓名的客户")]
    public void Should_address_a_customer_who_gave_no_name_politely_rather_than_hold_every_sms_to_them(string body, string language, bool forCustomer, string start)
    {
        var nameless = new Dictionary<string, string>(Sent) { ["customer"] = "" };

        var sms = SmsRequests.Compose(body, nameless, Shanghai, language, forCustomer);

        Assert.StartsWith(start, sms.Text);
        Assert.Empty(sms.Missing);
    }

    private const string Map = "https://uri.amap.com/marker?position=121.6025,31.2033";

    [Theory]
    // The booking's own directions come first; a sentence's full stop does not stay before the next part.
    [InlineData("地铁2号线金科路站3号口出。", "上海市浦东新区金科路2889号", "B2层，免费2小时。", Map, "zh-CN", "地铁2号线金科路站3号口出；停车：B2层，免费2小时；地图：" + Map)]
    [InlineData("Metro line 2, Jinke Road, exit 3.", "上海市浦东新区金科路2889号", "B2, free for 2 hours", Map, "en", "Metro line 2, Jinke Road, exit 3; parking: B2, free for 2 hours; map: " + Map)]
    // What the dealership has not given is left out, with its label and its separator.
    [InlineData("", "上海市浦东新区金科路2889号", null, null, "zh-CN", "上海市浦东新区金科路2889号")]
    [InlineData("", "上海市浦东新区金科路2889号", null, Map, "en", "上海市浦东新区金科路2889号; map: " + Map)]
    [InlineData(null, "上海市浦东新区金科路2889号", "展厅地下停车场B2", null, "zh-CN", "上海市浦东新区金科路2889号；停车：展厅地下停车场B2")]
    [InlineData("", null, "展厅地下停车场B2", Map, "zh-CN", "停车：展厅地下停车场B2；地图：" + Map)]
    // A parking note alone says nowhere to go: no directions at all.
    [InlineData("", null, "展厅地下停车场B2", null, "zh-CN", "")]
    [InlineData(" ", " ", null, " ", "en", "")]
    public void Should_write_the_directions_from_what_the_booking_and_the_dealership_give_without_dangling_punctuation(
        string? booked, string? address, string? parking, string? map, string language, string expected)
    {
        var settings = new DealershipSmsSettings { DealershipCode = "DEMO01", ShowroomAddress = address, ParkingNote = parking, ShowroomMapLink = map };

        Assert.Equal(expected, SmsRequests.Directions(booked, settings, language));
    }

    [Theory]
    // Shanghai, around midnight: the day changes with the wall clock, and the small hours are 凌晨.
    [InlineData("2030-01-14T15:59:00Z", "Asia/Shanghai", "zh-CN", "1月14日（周一）晚上11:59")]
    [InlineData("2030-01-14T16:00:00Z", "Asia/Shanghai", "zh-CN", "1月15日（周二）凌晨0:00")]
    [InlineData("2030-01-14T16:30:00Z", "Asia/Shanghai", "en", "Tue 15 Jan, 12:30 AM")]
    [InlineData("2030-01-15T04:30:00Z", "Asia/Shanghai", "zh-CN", "1月15日（周二）中午12:30")]
    [InlineData("2030-01-15T10:00:00Z", "Asia/Shanghai", "zh-CN", "1月15日（周二）晚上6:00")]
    // The same instant is still the day before in New York.
    [InlineData("2030-01-15T04:30:00Z", "America/New_York", "en", "Mon 14 Jan, 11:30 PM")]
    // Berlin springs forward on 31 Mar 2030 at 02:00: a minute before is 1:59 winter time, the hour after is 3:00 summer time.
    [InlineData("2030-03-31T00:59:00Z", "Europe/Berlin", "en", "Sun 31 Mar, 1:59 AM")]
    [InlineData("2030-03-31T01:00:00Z", "Europe/Berlin", "zh-CN", "3月31日（周日）凌晨3:00")]
    // ... and falls back on 27 Oct 2030: 02:30 happens twice, each written as the wall clock shows it.
    [InlineData("2030-10-27T00:30:00Z", "Europe/Berlin", "en", "Sun 27 Oct, 2:30 AM")]
    [InlineData("2030-10-27T01:30:00Z", "Europe/Berlin", "en", "Sun 27 Oct, 2:30 AM")]
    [InlineData("2030-10-27T02:30:00Z", "Europe/Berlin", "en", "Sun 27 Oct, 3:30 AM")]
    public void Should_write_a_moment_on_the_dealership_s_wall_clock_around_midnight_and_daylight_saving_changes(
        string utc, string zone, string language, string expected)
    {
        var moment = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, SmsDates.Format(moment, TimeZoneInfo.FindSystemTimeZoneById(zone), language));
    }
}
