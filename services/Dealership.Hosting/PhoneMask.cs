using System.Security.Claims;
using Dealership.Hosting.Security;

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

    /// <summary>
    /// The number as <paramref name="reader"/> may see it: whole for the consultant who holds the lead
    /// and for the dealership's managers, masked for everyone else (reception, operations, clients).
    /// </summary>
    public static string? For(ClaimsPrincipal reader, string? phone, Guid? holder)
    {
        if (phone is null)
            return null;
        var whole = StaffRoles.Managers.Any(reader.IsInRole) || (holder is not null && reader.ConsultantId() == holder);
        return whole ? phone : Mask(phone);
    }
}
