using Dealership.Hosting.Messaging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Lag;

/// <summary>
/// Not ready while a service's oldest unsent outbox row is older than <see cref="OutboxOptions.StuckAfter"/>:
/// its HTTP answers would go on accepting work whose messages nobody receives. Degraded while that row, or the
/// messages its consumers began lately, waited longer than <see cref="LagOptions.DegradedAfter"/>: it works, late.
/// </summary>
/// <remarks>
/// A consume lag alone never makes the service unready: taking its replicas out of the load balancer would not
/// empty the queues any sooner, and would refuse its HTTP work besides.
/// </remarks>
public sealed class OutboxHealthCheck<TContext>(TContext db, OutboxSignal<TContext> signal, IOptions<OutboxOptions> options, IOptions<LagOptions> lagOptions, LagMonitor lag, string serviceName) : IHealthCheck
    where TContext : ServiceDbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var oldest = await LagSampler.OldestUnsentAsync(db, signal.PublishedUnmarked, cancellationToken);
        lag.RecordOutbox(serviceName, oldest);
        var consumeLag = lag.Of(serviceName)?.ConsumeLag ?? TimeSpan.Zero;

        // Measured on the clock that stamped CreatedAt (OutboxMessage.Create), not the host's TimeProvider,
        // which business rules and specs may set to another day.
        var age = oldest is null ? (TimeSpan?)null : DateTimeOffset.UtcNow - oldest.Value;
        var description = (age is null
            ? $"{serviceName} has no unsent outbox message"
            : $"{serviceName}'s oldest unsent outbox message is {age.Value.TotalSeconds:F0} s old")
            + $"; its recent messages waited up to {consumeLag.TotalSeconds:F0} s before their consume began";
        var stuckAfter = options.Value.StuckAfter;
        var degradedAfter = lagOptions.Value.DegradedAfter;
        return lag.StateOf(age, consumeLag) switch
        {
            LagState.Stuck => new HealthCheckResult(context.Registration.FailureStatus,
                $"{description}; over the {stuckAfter.TotalSeconds:F0} s allowed: its messages are not going out"),
            LagState.Behind => HealthCheckResult.Degraded($"{description}; over the {degradedAfter.TotalSeconds:F0} s allowed: it is behind"),
            _ => HealthCheckResult.Healthy(description),
        };
    }
}
