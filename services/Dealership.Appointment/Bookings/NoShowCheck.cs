using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using Dealership.Hosting;
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
public sealed class NoShowCheck(IServiceScopeFactory scopes, TimeProvider clock, IOptions<NoShowOptions> options, IHostApplicationLifetime lifetime, ILogger<NoShowCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.WaitForStartAsync(stoppingToken))
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The no-show check failed; trying again");
            }
            try { await Task.Delay(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppointmentDbContext>();
        var now = clock.GetUtcNow();
        var started = await db.Bookings
            .Where(b => b.StartsAt <= now && (b.Status == BookingStatus.Booked || b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.RescheduleRequested))
            .OrderBy(b => b.StartsAt)
            .Take(200)
            .ToListAsync(cancellationToken);
        if (started.Count == 0)
            return 0;
        var graces = await db.Calendars.AsNoTracking().ToDictionaryAsync(c => c.DealershipId, c => TimeSpan.FromMinutes(c.NoShowAfterMinutes), cancellationToken);
        var missed = 0;
        foreach (var booking in started)
        {
            if (booking.StartsAt + graces.GetValueOrDefault(booking.DealershipId, TimeSpan.FromMinutes(30)) > now)
                continue;
            booking.Status = BookingStatus.Missed;
            booking.UpdatedAt = now;
            booking.Version++;
            booking.Release();
            db.Publish(new AppointmentMissed(booking.Id, booking.LeadId, booking.DealershipId, booking.ConsultantId, booking.StartsAt, now));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                missed++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Checked in, or marked by another replica, in the meantime: theirs stands.
                db.Entry(booking).State = EntityState.Detached;
                foreach (var staged in db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added).ToList())
                    staged.State = EntityState.Detached;
            }
        }
        return missed;
    }
}
