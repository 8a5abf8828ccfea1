namespace Dealership.Notification.Sms;

/// <summary>
/// The built-in message texts until templates become per-dealership data. Placeholders are
/// <c>{name}</c>; every customer message carries the signature and an opt-out line.
/// </summary>
public static class SmsTemplates
{
    private static readonly Dictionary<string, string> Texts = new()
    {
        ["new-lead"] = "【经销商平台】{consultant}，您有一条新线索，请在 {dueAt} 前首次联系客户。",
        ["appointment-confirmation"] = "【经销商平台】{customer}您好，您已预约 {startsAt} 到店（{purpose}），期待您的光临。回复TD退订",
    };

    public static string Render(string template, IReadOnlyDictionary<string, string> parameters)
    {
        if (!Texts.TryGetValue(template, out var text))
            throw new ArgumentException($"There is no SMS template '{template}'.", nameof(template));
        foreach (var (key, value) in parameters)
            text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        return text;
    }
}
