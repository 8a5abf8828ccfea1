using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.InvitationWorkflow.Simulation;

/// <summary>
/// Notification's rules for a dealership's customer SMS, as it last announced them: what a simulation holds by quiet hours and
/// stops by the weekly cap. Notification owns them; this is a copy that follows its announcements.
/// </summary>
public class DealershipSmsRules
{
    public Guid DealershipId { get; set; }
    public required string TimeZone { get; set; }
    public TimeOnly QuietHoursStart { get; set; }
    public TimeOnly QuietHoursEnd { get; set; }
    public int WeeklyCap { get; set; }
    /// <summary>When notification announced them; an older announcement arriving later changes nothing.</summary>
    public DateTimeOffset AnnouncedAt { get; set; }

    public QuietHours QuietHours => new(QuietHoursStart, QuietHoursEnd);
}

[IdempotentWithoutInbox("the rules carry when they were announced: the same announcement again, or an older one, changes nothing")]
public sealed class SmsRulesChangedConsumer(InvitationWorkflowDbContext db) : IConsumer<SmsRulesChanged>
{
    public async Task Consume(ConsumeContext<SmsRulesChanged> context)
    {
        var announced = context.Message;
        var rules = await db.SmsRules.SingleOrDefaultAsync(r => r.DealershipId == announced.DealershipId, context.CancellationToken);
        if (rules is null)
            db.SmsRules.Add(rules = new DealershipSmsRules { DealershipId = announced.DealershipId, TimeZone = announced.TimeZone });
        else if (rules.AnnouncedAt > announced.OccurredAt)
            return;
        rules.TimeZone = announced.TimeZone;
        rules.QuietHoursStart = announced.QuietHoursStart;
        rules.QuietHoursEnd = announced.QuietHoursEnd;
        rules.WeeklyCap = announced.WeeklyCap;
        rules.AnnouncedAt = announced.OccurredAt;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
