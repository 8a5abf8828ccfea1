using System.Globalization;
using System.Text.RegularExpressions;
using Dealership.Web;
using Dealership.Web.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dealership.Tests.Web;

/// <summary>
/// Every kind of timeline entry the console writes from its facts, in both languages, without a browser: the kinds the
/// page specs do not reach (a visit moved, an SMS held...) must not fall back to the English text or show a raw time.
/// </summary>
public sealed class Timeline_words_Specs
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    // Monday 30 November 2026, 10:00 in Shanghai.
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
    private const string Tomorrow3pm = "2026-12-01T07:00:00.0000000Z";
    private const string Thursday10am = "2026-12-03T02:00:00.0000000Z";

    private static readonly IStringLocalizer<Text> Words = new StringLocalizer<Text>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    public static TheoryData<string, string, string> Entries() => new()
    {
        { "received", "source=marketing-event;sourceDetail=2026 车展;channel=csv;submittedBy=import 1 by manager;externalId=EXPO-1", "市场活动收集的潜在客户（2026 车展） · 渠道：CSV 导入" },
        { "enquiry-merged", "source=oem;channel=http;submittedBy=demo-oem;externalId=OEM-1", "厂家分配的潜在客户 · 渠道：HTTP 接口" },
        { "assigned", "consultant=王芳 Wang Fang;reason=rule 'default' → round robin", "分配给 王芳 Wang Fang，原因：rule 'default' → round robin" },
        { "reassigned", "consultant=李强 Li Qiang;reason=spec", "改由 李强 Li Qiang 跟进，原因：spec" },
        { "unassigned", "reason=nobody on duty", "暂不分配给销售顾问，原因：nobody on duty" },
        { "pooled", "reason=open pool rule", "任何销售顾问都可认领" },
        { "awaiting-shift", $"waitUntil={Tomorrow3pm};reason=outside working hours", "下一班次：明天下午3:00，原因：outside working hours" },
        { "supervisor-alerted", "supervisor=刘主管 Liu;reason=first contact overdue", "已通知：刘主管 Liu" },
        { "supervisor-alerted", "reason=first contact overdue (no supervisor on the roster)", "名册上没有可通知的销售主管" },
        { "closed", "outcome=lost;reason=no-answer", "战败：多次联系未接通" },
        { "closed", "outcome=won;reason=arrived", "已成交：客户已到店" },
        { "task-created", $"taskKind=first-contact;dueAt={Tomorrow3pm}", "首次跟进（24小时内），截止时间：明天下午3:00" },
        { "task-completed", "outcome=no-answer", "结果：无人接听" },
        { "task-completed", "outcome=withdrawn", "结果：已撤回（流程已推进）" },
        { "task-reassigned", "", "未完成的任务已随线索转交新的销售顾问" },
        { "call-logged", $"taskKind=retry;contact=reached;answer=callback;callbackAt={Tomorrow3pm};note=下班后再打", "再次致电：约定回电，回电时间：明天下午3:00，备注：下班后再打" },
        { "call-logged", "taskKind=first-contact;contact=no-answer", "首次跟进（24小时内）：无人接听" },
        { "appointment-booked", $"visitAt={Thursday10am};purpose=test-drive;model=ID.4;by=workflow", "12月3日（周四）上午10:00 · 试驾" },
        { "appointment-refused", $"visitAt={Tomorrow3pm};reason=the showroom is closed", "申请时间：明天下午3:00，原因：the showroom is closed" },
        { "appointment-rescheduled", $"previousVisitAt={Tomorrow3pm};visitAt={Thursday10am};by=reception", "明天下午3:00 → 12月3日（周四）上午10:00（展厅接待改期）" },
        { "appointment-cancelled", $"visitAt={Tomorrow3pm};by=consultant", "明天下午3:00 的预约（销售顾问取消）" },
        { "appointment-confirmed", $"visitAt={Tomorrow3pm};answer=reschedule-requested;channel=sms", "明天下午3:00 的预约，客户答复：客户要求改期（短信回复）" },
        { "customer-arrived", $"arrivedAt={Tomorrow3pm}", "到店时间：明天下午3:00" },
        { "appointment-missed", $"visitAt={Tomorrow3pm}", "预约时间：明天下午3:00" },
        { "sms-sent", "template=directions;recipient=customer;maskedPhone=+86139****0004", "到店指引，发给客户（+86139****0004）" },
        { "sms-held", $"template=care;recipient=customer;maskedPhone=+86139****0004;sendAt={Tomorrow3pm};reason=quiet hours 21:00-09:00", "关怀短信，发给客户（+86139****0004），将于明天下午3:00发送" },
        { "sms-refused", "template=reminder;recipient=customer;maskedPhone=+86139****0004;reason=no SMS consent on record for this customer", "原因：客户未同意接收短信" },
        { "sms-failed", "template=reminder;recipient=customer;maskedPhone=+86139****0004;reason=carrier said no", "当天到店提醒，发给客户（+86139****0004），原因：carrier said no" },
        { "opted-out", "channel=sms;keyword=TD", "客户回复“TD”退订短信，已撤回同意" },
        { "flow-event", "name=call-not-answered;processKey=active-invitation;version=3", "电话未接通（主动联络与邀约客户，第 3 版）" },
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void Should_write_every_kind_in_Chinese_and_in_English_from_its_facts(string kind, string facts, string chinese)
    {
        var entry = new LeadTimelineEntry(Now, kind, "the English text", Facts(facts));

        var zh = Describe(entry, "zh-CN");
        var en = Describe(entry, "en");

        Assert.Contains(chinese, zh);
        foreach (var text in new[] { zh, en })
        {
            Assert.NotEqual(entry.Text, text);
            Assert.DoesNotMatch(@"[{}]|\d{4}-\d{2}-\d{2}T|\d:\d{2}:\d{2}", text);
        }
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", Regex.Replace(en, "王芳|李强|刘主管|下班后再打|车展", ""));
    }

    [Fact]
    public void Should_say_in_English_when_the_first_follow_up_is_due()
    {
        var entry = new LeadTimelineEntry(Now, "task-created", "Task first-contact created, due 2026-12-01 07:00:00Z", Facts($"taskKind=first-contact;dueAt={Tomorrow3pm}"));

        Assert.Equal("First follow-up (within 24 hours) · due: Tomorrow 3:00 PM", Describe(entry, "en"));
    }

    [Fact]
    public void Should_say_that_an_sms_whose_text_lacks_a_value_waits_for_it_rather_than_when_it_will_be_sent()
    {
        var entry = new LeadTimelineEntry(Now, "sms-held", "SMS 'directions' held",
            Facts($"template=directions;recipient=customer;maskedPhone=+86139****0004;sendAt={Tomorrow3pm};reason=no value for {{directions}}"));

        var zh = Describe(entry, "zh-CN");

        Assert.Equal("到店指引，发给客户（+86139****0004），短信内容有缺项，暂缓发送，最迟等到明天下午3:00，原因：no value for {directions}", zh);
        Assert.StartsWith("Directions", Describe(entry, "en"));
        Assert.Contains("waits for what its text lacks, until Tomorrow 3:00 PM at most · reason: no value for {directions}", Describe(entry, "en"));
    }

    [Theory]
    [InlineData("task-created", null)]
    [InlineData("a-kind-from-later", "name=x")]
    [InlineData("task-created", "taskKind=first-contact")]
    public void Should_show_the_services_text_for_an_entry_without_facts_of_an_unknown_kind_or_missing_a_fact(string kind, string? facts)
    {
        var entry = new LeadTimelineEntry(Now, kind, "Task first-contact created, due 2026-12-01 07:00:00Z", facts is null ? null : Facts(facts));

        Assert.Equal(entry.Text, Describe(entry, "zh-CN"));
    }

    private static Dictionary<string, string> Facts(string facts) =>
        facts.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);

    private static string Describe(LeadTimelineEntry entry, string culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            return TimelineWords.Describe(entry, Words, at => Dates.Format(at, Shanghai, Now, CultureInfo.CurrentUICulture));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
