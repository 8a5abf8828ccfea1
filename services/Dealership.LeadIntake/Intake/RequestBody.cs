using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Dealership.LeadIntake.Intake;

/// <summary>Reads a request body whole, refusing one larger than the endpoint's limit with 413.</summary>
public static class RequestBody
{
    public const int SingleLeadLimit = 64 * 1024;
    public const int BatchLimit = 2 * 1024 * 1024;
    public const int CsvLimit = 50 * 1024 * 1024;

    /// <summary>
    /// Refuses a body announced as larger than <paramref name="limit"/>, and has the server stop one
    /// that grows past it while it is read (a 413 <see cref="BadHttpRequestException"/>). Null when the body may be read.
    /// </summary>
    public static IResult? Limit(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
            return TooLarge(limit);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;
        return null;
    }

    public static async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (Limit(request, limit) is { } tooLarge)
            return (null, tooLarge);

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                    return (null, TooLarge(limit));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }
        return (buffer.ToArray(), null);
    }

    public static IResult TooLarge(long limit) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large", detail: $"This endpoint takes at most {limit / 1024} KiB.");
}
