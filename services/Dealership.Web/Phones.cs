namespace Dealership.Web;

/// <summary>
/// Phone numbers as a Chinese reader writes them: a mainland mobile without its +86, in groups of 3-4-4
/// (<c>139 1234 0001</c>, masked <c>139****0001</c>); any other number as the service gave it.
/// </summary>
public static class Phones
{
    public static string? Display(string? phone)
    {
        if (phone is not { Length: 14 } || !phone.StartsWith("+861", StringComparison.Ordinal))
            return phone;
        var national = phone[3..];
        return national.Contains('*') ? national : $"{national[..3]} {national[3..7]} {national[7..]}";
    }
}
