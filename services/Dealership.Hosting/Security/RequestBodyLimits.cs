using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Hosting.Security;

/// <summary>Endpoint metadata: the endpoint takes request bodies up to the named limit instead of the default.</summary>
public sealed record RequestBodyLimitMetadata(string Name);

/// <summary>
/// How large a request body may be, by name, in every host and at the gateway alike: every endpoint
/// takes <see cref="Default"/> unless it names a larger limit. <c>Limits:RequestBody:&lt;name&gt;</c>
/// (bytes) sets each. A body announced as larger is refused before it is read, and one that grows
/// past the limit is cut off by the server: 413 ProblemDetails either way.
/// </summary>
public sealed class RequestBodyLimits
{
    public const string Default = "default";
    /// <summary>Many leads at once: a JSON batch or an ADF document.</summary>
    public const string Batch = "batch";
    /// <summary>A CSV file of leads.</summary>
    public const string Import = "import";
    /// <summary>The key of a gateway route's <c>Metadata</c> that names the route's limit.</summary>
    public const string RouteMetadataKey = "RequestBodyLimit";

    private static readonly Dictionary<string, long> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        [Default] = 1024 * 1024,
        [Batch] = 2 * 1024 * 1024,
        [Import] = 50 * 1024 * 1024,
    };

    private readonly Dictionary<string, long> _bytes;

    public RequestBodyLimits(IConfiguration configuration) =>
        _bytes = Defaults.ToDictionary(d => d.Key, d => configuration.GetValue($"Limits:RequestBody:{d.Key}", d.Value), StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> Names => Defaults.Keys;

    public long Bytes(string name) => _bytes.TryGetValue(name, out var bytes)
        ? bytes
        : throw new InvalidOperationException($"'{name}' is not a request body limit: use one of {string.Join(", ", _bytes.Keys)}.");

    /// <summary>The limit of the endpoint the request was routed to.</summary>
    public long For(HttpContext http) => Bytes(http.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimitMetadata>()?.Name ?? Default);

    public static IResult TooLarge(long limit) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large", detail: $"This endpoint takes at most {Describe(limit)}.");

    private static string Describe(long bytes) => bytes % (1024 * 1024) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB")
        : bytes % 1024 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KiB") : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
}

public static class RequestBodyLimitExtensions
{
    /// <summary>The endpoint takes bodies up to the named limit (<see cref="RequestBodyLimits"/>) instead of the default.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, string name) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimitMetadata(name));

    public static void AddRequestBodyLimits(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<RequestBodyLimits>();

    /// <summary>After routing, so that the endpoint's own limit is known, and before anything reads the body.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestBodyLimitMiddleware>();
}

internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, RequestBodyLimits limits)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var limit = limits.For(http);
        if (http.Request.ContentLength > limit)
        {
            await RequestBodyLimits.TooLarge(limit).ExecuteAsync(http);
            return;
        }
        // The server's own check: it also stops a body sent without a length once it grows past the limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await RequestBodyLimits.TooLarge(limit).ExecuteAsync(http);
        }
    }
}
