using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Dealership.Notification.Carriers;

/// <summary>
/// How the carrier proves a callback is its own: the HMAC-SHA256, keyed with the secret both sides
/// hold (<c>Sms:Gateway:CallbackSecret</c>), of the timestamp header, a dot and the raw body, in hex.
/// A signature over the raw bytes cannot be moved to another body, and the signed timestamp, checked
/// against <c>Sms:Gateway:CallbackMaxAge</c>, keeps a recorded callback from being played again later.
/// A carrier that calls again after a failed callback signs again, with a new timestamp.
/// </summary>
public static class CarrierSignature
{
    public const string TimestampHeader = "X-Sms-Timestamp";
    public const string SignatureHeader = "X-Sms-Signature";

    // The last second DateTimeOffset can hold: a timestamp beyond it is no time at all.
    private const long MaxSeconds = 253_402_300_799;

    /// <summary>The body of a callback the carrier signed, or the 401 answer for one it did not.</summary>
    public static async Task<(byte[]? Body, IResult? Refusal)> ReadSignedAsync(HttpRequest request, HttpSmsGatewayOptions options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        // A body that grows past the host's limit ends the read with a 413 the host answers.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();

        if (options.CallbackSecret.Length == 0)
            return Refused("No carrier callback secret is configured (Sms:Gateway:CallbackSecret), so no callback can be trusted.");
        var timestamp = request.Headers[TimestampHeader].ToString();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxSeconds)
            return Refused($"The {TimestampHeader} header (Unix seconds) is missing or not a number.");
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > options.CallbackMaxAge)
            return Refused($"The callback was signed {age.TotalSeconds:F0} seconds from now; at most {options.CallbackMaxAge.TotalSeconds:F0} are allowed.");
        if (!TryFromHex(request.Headers[SignatureHeader].ToString(), out var presented))
            return Refused($"The {SignatureHeader} header (hex HMAC-SHA256) is missing or not hex.");

        if (!CryptographicOperations.FixedTimeEquals(Sign(options.CallbackSecret, timestamp, body), presented))
            return Refused("The signature does not match the body and timestamp.");
        return (body, null);
    }

    private static byte[] Sign(string secret, string timestamp, byte[] body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryFromHex(string hex, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length != SHA256.HashSizeInBytes * 2)
            return false;
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static (byte[]?, IResult?) Refused(string detail) =>
        (null, Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed by the carrier", detail: detail));
}
