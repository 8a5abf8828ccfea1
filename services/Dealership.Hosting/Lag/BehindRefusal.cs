using System.Globalization;
using Dealership.Hosting.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Lag;

public static class BehindRefusal
{
    /// <summary>
    /// Refuses the endpoint's work with 503 and <c>Retry-After</c> while a service of this process is further behind
    /// than <see cref="LagOptions.RefuseLeadsAfter"/>: work taken now could not start within minutes, and the caller,
    /// which keeps it, can send it again later. What this process can measure counts: in the embedded host every
    /// service's outbox and consumers, in the distributed topology only its own (ADR 0517).
    /// </summary>
    public static TBuilder RefuseWhenBehind<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), ["application/problem+json"]));
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptions<LagOptions>>().Value;
            if (!http.RequestServices.GetRequiredService<LagMonitor>().RefusesLeads(out var worst))
                return await next(context);

            var retryAfter = Math.Max(1, (int)Math.Ceiling(options.RetryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(Refusal(worst, retryAfter, http.Request.PrefersChinese()));
        });
    }

    private static ProblemDetails Refusal(ServiceLag worst, int retryAfter, bool chinese)
    {
        var minutes = Math.Max(1, (int)Math.Round(worst.Worst.TotalMinutes));
        var outbox = worst.OutboxAge is { } age && age >= worst.ConsumeLag;
        var problem = chinese
            ? new ProblemDetails
            {
                Title = "系统处理滞后，暂不接收新线索",
                Detail = $"系统已滞后约 {minutes} 分钟（{worst.Service}：{(outbox ? "消息未能及时发出" : "消息等待处理")}），现在接收的线索无法在几分钟内开始跟进。" +
                    $"本次提交未保存，请在 {retryAfter} 秒后重新提交。",
            }
            : new ProblemDetails
            {
                Title = "Behind on its work: no new leads for now",
                Detail = $"The system is about {minutes} min behind ({worst.Service}: {(outbox ? "messages are not going out in time" : "messages are waiting to be processed")}), " +
                    $"so a lead taken now could not be followed up within minutes. Nothing was stored; send it again in {retryAfter} seconds.",
            };
        problem.Status = StatusCodes.Status503ServiceUnavailable;
        problem.Extensions["service"] = worst.Service;
        problem.Extensions["lagSeconds"] = Math.Round(worst.Worst.TotalSeconds);
        problem.Extensions["retryAfterSeconds"] = retryAfter;
        return problem;
    }
}
