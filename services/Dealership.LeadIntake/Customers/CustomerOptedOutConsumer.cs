using Dealership.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Customers;

/// <summary>An opt-out (an SMS reply such as TD) withdraws the customer's consent on that channel at once.</summary>
public sealed class CustomerOptedOutConsumer(LeadIntakeDbContext db) : IConsumer<CustomerOptedOut>
{
    public async Task Consume(ConsumeContext<CustomerOptedOut> context)
    {
        var m = context.Message;
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.DealershipId == m.DealershipId && c.Phone == m.Phone, context.CancellationToken);
        if (customer is not null)
        {
            var source = $"opt-out reply '{m.Keyword}'";
            db.Consents.Add(new ConsentRecord
            {
                Id = NewId.NextGuid(), DealershipId = m.DealershipId, CustomerId = customer.Id, Channel = m.Channel, Granted = false,
                Source = source, LeadId = m.LeadId, At = m.OccurredAt,
            });
            db.Publish(new ConsentChanged(m.DealershipId, m.LeadId, customer.Phone, m.Channel, false, source, m.OccurredAt));
            if (m.LeadId is { } leadId && await db.Leads.AnyAsync(l => l.Id == leadId, context.CancellationToken))
            {
                db.Timeline.Add(new Leads.TimelineEntry
                {
                    Id = NewId.NextGuid(), LeadId = leadId, At = m.OccurredAt, Kind = "opted-out",
                    Text = $"The customer opted out of {m.Channel} ({source}); consent withdrawn",
                    Facts = Leads.TimelineFacts.Write(new Dictionary<string, string?> { ["channel"] = m.Channel, ["keyword"] = m.Keyword }),
                });
            }
        }
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
