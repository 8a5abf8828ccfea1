using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Dealership.Hosting.Messaging;

/// <summary>
/// Not ready while a service's oldest unsent outbox row is older than <see cref="OutboxOptions.StuckAfter"/>:
/// its HTTP answers would go on accepting work whose messages nobody receives.
/// </summary>
public sealed class OutboxHealthCheck<TContext>(TContext db, IOptions<OutboxOptions> options, string serviceName) : IHealthCheck
    where TContext : ServiceDbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // One seek on the (SentAt, CreatedAt) index: the first unsent row in creation order.
        var oldest = await db.OutboxMessages
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.CreatedAt)
            .Select(m => (DateTimeOffset?)m.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (oldest is null)
            return HealthCheckResult.Healthy($"{serviceName} has no unsent outbox message");

        // Measured on the clock that stamped CreatedAt (OutboxMessage.Create), not the host's TimeProvider,
        // which business rules and specs may set to another day.
        var age = DateTimeOffset.UtcNow - oldest.Value;
        var description = $"{serviceName}'s oldest unsent outbox message is {age.TotalSeconds:F0} s old";
        return age > options.Value.StuckAfter
            ? new HealthCheckResult(context.Registration.FailureStatus, $"{description}, over the {options.Value.StuckAfter.TotalSeconds:F0} s allowed: its messages are not going out")
            : HealthCheckResult.Healthy(description);
    }
}
