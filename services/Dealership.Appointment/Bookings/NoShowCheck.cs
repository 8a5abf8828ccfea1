using Dealership.Contracts;
using Dealership.Hosting.Data;
using Dealership.Hosting.Polling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dealership.Appointment.Bookings;

public class NoShowOptions
{
    /// <summary>How often bookings past their start are looked at.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Marks a booking with no arrival by the calendar's no-show time after its start as missed and
/// publishes <see cref="AppointmentMissed"/>. Time is the injected clock's; with several replicas
/// the booking's concurrency token lets one of them win (and an arrival at the same moment wins too).
/// </summary>
public sealed class NoShowCheck(IServiceScopeFactory scopes, TimeProvider clock, IOptions<NoShowOptions> options, IHostApplicationLifetime lifetime,
    ILogger<NoShowCheck> logger) : PollingWorker(lifetime, logger)
{
    private const int BatchSize = 200;

    protected override TimeSpan Interval => options.Value.PollInterval;

    protected override async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppointmentDbContext>();
        var now = clock.GetUtcNow();
        var started = await db.Bookings.AsNoTracking()
            .Where(b => b.StartsAt <= now && (b.Status == BookingStatus.Booked || b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.RescheduleRequested))
            .OrderBy(b => b.StartsAt)
            .Select(b => new { b.Id, b.DealershipId, b.StartsAt })
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (started.Count == 0)
            return false;
        var graces = await db.Calendars.AsNoTracking().ToDictionaryAsync(c => c.DealershipId, c => TimeSpan.FromMinutes(c.NoShowAfterMinutes), cancellationToken);
        foreach (var due in started.Where(b => b.StartsAt + graces.GetValueOrDefault(b.DealershipId, TimeSpan.FromMinutes(30)) <= now))
        {
            // Checked in, or marked by another replica, in the meantime: read again, and theirs stands.
            await db.RetryOnConflictAsync(async () =>
            {
                var booking = await db.Bookings.SingleAsync(b => b.Id == due.Id, cancellationToken);
                if (booking.Status is not (BookingStatus.Booked or BookingStatus.Confirmed or BookingStatus.RescheduleRequested))
                    return;
                booking.Status = BookingStatus.Missed;
                booking.UpdatedAt = now;
                booking.Version++;
                booking.Release();
                db.Publish(new AppointmentMissed(booking.Id, booking.LeadId, booking.DealershipId, booking.ConsultantId, booking.StartsAt, now));
                await db.SaveChangesAsync(cancellationToken);
            }, cancellationToken: cancellationToken);
        }
        return false;
    }
}
