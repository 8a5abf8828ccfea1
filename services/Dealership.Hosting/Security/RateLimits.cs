using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Hosting.Security;

/// <summary>
/// Limits per caller (the signed-in person or the client, else the address) on what outsiders can
/// flood: sign-in, lead intake and the SMS replies. Over the limit: 429 with Retry-After.
/// <c>RateLimits:&lt;policy&gt;:PermitsPerMinute</c> sets each.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string Intake = "intake";
    public const string SmsReplies = "sms-replies";

    private static readonly Dictionary<string, int> Defaults = new() { [SignIn] = 20, [Intake] = 6000, [SmsReplies] = 600 };

    public static void AddDealershipRateLimits(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddRateLimiter(o =>
        {
            foreach (var (policy, permits) in Defaults)
            {
                var perMinute = configuration.GetValue($"RateLimits:{policy}:PermitsPerMinute", permits);
                o.AddPolicy(policy, http => RateLimitPartition.GetFixedWindowLimiter(
                    Caller(http),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            }
            o.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: $"Try again in {Math.Ceiling(retryAfter.TotalSeconds)} seconds.").ExecuteAsync(http);
            };
        });
    }

    private static string Caller(HttpContext http) =>
        http.User.FindFirst(DealershipClaims.Subject)?.Value
        ?? (http.Request.Headers.TryGetValue(ApiKeyAuthenticationHandler.Header, out var key) && key.ToString().Length > 0
            ? "key:" + ApiKeyHash.Of(key.ToString())[..16]
            : "ip:" + http.Connection.RemoteIpAddress);
}
