using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Appointment.Calendars;

/// <summary>A new dealership gets the default showroom calendar; a changed one moves its calendar to its time zone.</summary>
[IdempotentWithoutInbox("reference data carries its version: a copy of a version already applied, or an older one, changes nothing")]
public sealed class DealershipChangedConsumer(AppointmentDbContext db) : IConsumer<DealershipChanged>
{
    public async Task Consume(ConsumeContext<DealershipChanged> context)
    {
        var changed = context.Message;
        var calendar = await db.Calendars.SingleOrDefaultAsync(c => c.DealershipId == changed.DealershipId, context.CancellationToken);
        if (calendar is null)
            db.Calendars.Add(calendar = new ShowroomCalendar { DealershipId = changed.DealershipId, DealershipCode = changed.Code });
        else if (calendar.ReferenceVersion > changed.Version)
            return;
        calendar.DealershipCode = changed.Code;
        calendar.TimeZone = changed.TimeZone;
        calendar.ReferenceVersion = changed.Version;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
