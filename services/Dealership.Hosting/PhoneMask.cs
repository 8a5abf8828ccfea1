namespace Dealership.Hosting;

/// <summary>Masks phone numbers for logs and lists: only the owner of a lead and managers see the whole number.</summary>
public static class PhoneMask
{
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
            return "";
        var digits = phone.Count(char.IsDigit);
        if (digits <= 4)
            return new string('*', phone.Length);
        // Keep the country code, the carrier prefix and the last four digits: enough to tell numbers apart.
        var keepStart = phone.StartsWith('+') ? Math.Min(6, phone.Length - 4) : Math.Min(3, phone.Length - 4);
        return string.Concat(phone.AsSpan(0, keepStart), new string('*', phone.Length - keepStart - 4), phone.AsSpan(phone.Length - 4));
    }
}
