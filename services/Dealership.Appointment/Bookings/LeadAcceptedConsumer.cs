using Dealership.Contracts;
using MassTransit;

namespace Dealership.Appointment.Bookings;

public sealed class LeadAcceptedConsumer(AppointmentDbContext db) : IConsumer<LeadAccepted>
{
    public async Task Consume(ConsumeContext<LeadAccepted> context)
    {
        var lead = context.Message;
        if (!await db.FirstDeliveryAsync(context, nameof(LeadAcceptedConsumer)))
            return;
        if (await db.Leads.FindAsync([lead.LeadId], context.CancellationToken) is null)
            db.Leads.Add(new KnownLead { LeadId = lead.LeadId, DealershipId = lead.DealershipId, DealershipCode = lead.DealershipCode });
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
