namespace Dealership.Notification.Sms;

/// <summary>The appointment service's codes in the words a customer reads, in the message's language.</summary>
public static class SmsWords
{
    private static readonly Dictionary<string, (string Chinese, string English)> Purposes = new()
    {
        ["visit"] = ("到店看车", "showroom visit"),
        ["test-drive"] = ("试驾", "test drive"),
        ["quote"] = ("购车报价", "price consultation"),
    };

    /// <summary>A purpose it does not know (a dealership's own) is written as it came.</summary>
    public static string Purpose(string code, string language) =>
        Purposes.TryGetValue(code, out var words) ? language == SmsLanguages.English ? words.English : words.Chinese : code;
}
