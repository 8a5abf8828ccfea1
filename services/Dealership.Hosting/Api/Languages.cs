using Microsoft.AspNetCore.Http;

namespace Dealership.Hosting.Api;

/// <summary>The language a caller reads: the APIs speak English, and Chinese where a text has it and the caller asks for it.</summary>
public static class Languages
{
    /// <summary>True when the caller's Accept-Language names Chinese before any other language.</summary>
    public static bool PrefersChinese(this HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is null or > 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .FirstOrDefault()?.Value.Value?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true;
}
