using System.Text.RegularExpressions;
using Dealership.Contracts;

namespace Dealership.Notification.Sms;

public static class SmsLanguages
{
    public const string Chinese = "zh-CN";
    public const string English = "en";
    public static readonly IReadOnlyList<string> All = [Chinese, English];
}

/// <summary>A dealership's text for one purpose in one language. Placeholders are <c>{name}</c>.</summary>
public class SmsTemplate
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public required string Purpose { get; set; }
    public required string Language { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One purpose an SMS is sent for: who receives it and which placeholders its text may use.</summary>
public sealed record SmsPurpose(string Name, string Recipient, IReadOnlySet<string> Placeholders, string DefaultChinese, string DefaultEnglish);

/// <summary>
/// The purposes, their placeholders and the default texts every dealership starts with. The
/// signature and the opt-out line are not part of a template: they are added to every customer
/// message when it is rendered, so no edit can drop them.
/// </summary>
public static partial class SmsTemplates
{
    public static readonly IReadOnlyDictionary<string, SmsPurpose> Purposes = new[]
    {
        new SmsPurpose("new-lead", SmsRecipients.Consultant, Set("consultant", "dueAt", "customer"),
            "{consultant}，您有一条新线索，请在 {dueAt} 前首次联系客户。",
            "{consultant}, you have a new lead: make the first contact before {dueAt}."),
        new SmsPurpose("appointment-confirmation", SmsRecipients.Customer, Set("customer", "startsAt", "purpose", "model", "directions", "consultant", "dealership"),
            "{customer}您好，您已预约 {startsAt} 到店（{purpose}），期待您的光临。{directions}",
            "Dear {customer}, your visit ({purpose}) is booked for {startsAt}. We look forward to seeing you. {directions}"),
        new SmsPurpose("directions", SmsRecipients.Customer, Set("customer", "dealership", "directions", "startsAt"),
            "{customer}您好，{dealership}到店指引：{directions}",
            "Dear {customer}, how to find {dealership}: {directions}"),
        new SmsPurpose("confirmation-request", SmsRecipients.Customer, Set("customer", "startsAt", "purpose", "dealership"),
            "{customer}您好，您预约了 {startsAt} 到店（{purpose}）。确认请回复1，取消请回复2，改期请回复3。",
            "Dear {customer}, your visit ({purpose}) is on {startsAt}. Reply 1 to confirm, 2 to cancel, 3 to change the time."),
        new SmsPurpose("reminder", SmsRecipients.Customer, Set("customer", "startsAt", "dealership", "consultant"),
            "{customer}您好，提醒您 {startsAt} 到店，{consultant}将在展厅接待您。",
            "Dear {customer}, a reminder of your visit on {startsAt}; {consultant} will welcome you."),
        new SmsPurpose("care", SmsRecipients.Customer, Set("customer", "consultant", "dealership"),
            "{customer}您好，感谢您今天接听{consultant}的电话。如有任何需要，欢迎随时联系我们。",
            "Dear {customer}, thank you for talking with {consultant} today. Whenever you need us, we are here."),
        new SmsPurpose("callback-promise", SmsRecipients.Customer, Set("customer", "consultant", "callbackAt"),
            "{customer}您好，您的问题{consultant}会在 {callbackAt} 前给您回复。",
            "Dear {customer}, {consultant} will come back to you with an answer by {callbackAt}."),
    }.ToDictionary(p => p.Name);

    private static IReadOnlySet<string> Set(params string[] names) => new HashSet<string>(names, StringComparer.Ordinal);

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>Whether the text writes out <paramref name="placeholder"/>.</summary>
    public static bool Uses(string body, string placeholder) => Placeholder().Matches(body).Any(m => m.Groups[1].Value == placeholder);

    /// <summary>The placeholders a text uses that its purpose does not offer (empty when the text is fine).</summary>
    public static IReadOnlyList<string> UnknownPlaceholders(SmsPurpose purpose, string body) =>
        Placeholder().Matches(body).Select(m => m.Groups[1].Value).Where(p => !purpose.Placeholders.Contains(p)).Distinct().ToList();

    public static string OptOutLine(string language) => language == SmsLanguages.English ? "Reply TD to opt out" : "回复TD退订";

    public static string DefaultBody(SmsPurpose purpose, string language) =>
        language == SmsLanguages.English ? purpose.DefaultEnglish : purpose.DefaultChinese;

    public static SmsPurpose Purpose(string name) =>
        Purposes.TryGetValue(name, out var purpose) ? purpose : throw new ArgumentException($"There is no SMS template '{name}'.", nameof(name));

    /// <summary>The placeholders a text uses that have no value, or an empty one: such a text is never sent (the SMS is held).</summary>
    public static IReadOnlyList<string> Missing(string body, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Matches(body).Select(m => m.Groups[1].Value).Where(p => !HasValue(values, p)).Distinct().ToList();

    /// <summary>
    /// The text as the handset shows it: a customer message starts with the dealership's signature and
    /// ends with the opt-out line. A placeholder without a value stays as it is written ({directions}): staff
    /// reading a held SMS see what it lacks, and it cannot pass for a finished text (<see cref="Missing"/>).
    /// </summary>
    public static string Render(string body, IReadOnlyDictionary<string, string> parameters, bool forCustomer, string signature, string language)
    {
        var text = Placeholder().Replace(body, m => HasValue(parameters, m.Groups[1].Value) ? parameters[m.Groups[1].Value] : m.Value).Trim();
        return forCustomer ? $"{signature}{text} {OptOutLine(language)}" : $"{signature}{text}";
    }

    private static bool HasValue(IReadOnlyDictionary<string, string> values, string placeholder) =>
        values.TryGetValue(placeholder, out var value) && !string.IsNullOrWhiteSpace(value);
}
