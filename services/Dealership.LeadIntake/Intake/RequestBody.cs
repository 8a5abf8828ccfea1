using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Http;

namespace Dealership.LeadIntake.Intake;

/// <summary>Reads a request body whole, in memory or on disk; the host's <see cref="RequestBodyLimits"/> have already bounded it.</summary>
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

    /// <summary>
    /// The body in a temporary file that is deleted when it is closed: a file of tens of megabytes is held on disk, not
    /// in memory, and can be read through more than once. Or the 413 answer when it grew past <paramref name="limit"/>.
    /// </summary>
    public static async Task<(FileStream? File, IResult? Problem)> SpoolAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"dealership-upload-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await request.Body.CopyToAsync(file, cancellationToken);
            file.Position = 0;
            return (file, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await file.DisposeAsync();
            return (null, RequestBodyLimits.TooLarge(limit));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}
