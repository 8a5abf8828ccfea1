using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Http;

namespace Dealership.LeadIntake.Intake;

/// <summary>Reads a request body whole; the host's <see cref="RequestBodyLimits"/> have already bounded it.</summary>
public static class RequestBody
{
    public const int SingleLeadLimit = 64 * 1024;

    /// <summary>The body, or the 413 answer when it grew past <paramref name="limit"/> while it was read.</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, RequestBodyLimits.TooLarge(limit));
        }
        return (buffer.ToArray(), null);
    }
}
