using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification.Sms;

/// <summary>
/// A new dealership gets the default SMS rules, a signature made of its Chinese name and its own copy of
/// every default template to edit; a changed one keeps its rules and follows its time zone, names and showroom.
/// Its SMS that wait for a value (a showroom address it had none of) are looked at again at once.
/// </summary>
[IdempotentWithoutInbox("reference data carries its version: a copy of a version already applied, or an older one, changes nothing")]
public sealed class DealershipChangedConsumer(NotificationDbContext db, TimeProvider clock, SmsSenderSignal sender) : IConsumer<DealershipChanged>
{
    /// <summary>Carriers register signatures of a few characters; a long legal name is cut rather than refused.</summary>
    private const int SignatureNameLength = 16;

    public async Task Consume(ConsumeContext<DealershipChanged> context)
    {
        var changed = context.Message;
        var settings = await db.Settings.SingleOrDefaultAsync(s => s.DealershipId == changed.DealershipId, context.CancellationToken);
        if (settings is null)
        {
            var name = changed.NameZh.Trim();
            settings = new DealershipSmsSettings
            {
                DealershipId = changed.DealershipId, DealershipCode = changed.Code,
                Signature = $"【{(name.Length > SignatureNameLength ? name[..SignatureNameLength] : name)}】",
            };
            db.Settings.Add(settings);
        }
        else if (settings.ReferenceVersion > changed.Version)
            return;
        settings.DealershipCode = changed.Code;
        settings.TimeZone = changed.TimeZone;
        settings.NameZh = changed.NameZh.Trim();
        settings.NameEn = changed.NameEn.Trim();
        settings.ShowroomAddress = Blank(changed.ShowroomAddress);
        settings.ShowroomMapLink = Blank(changed.ShowroomMapLink);
        settings.ParkingNote = Blank(changed.ParkingNote);
        settings.ReferenceVersion = changed.Version;
        // The time zone the quiet hours are counted in may have changed with the dealership.
        db.Publish(settings.Announcement(clock.GetUtcNow()));
        if (!await db.Templates.AnyAsync(t => t.DealershipId == changed.DealershipId, context.CancellationToken))
            AddDefaultTemplates(db, changed.DealershipId, clock.GetUtcNow());
        // In the same commit as the new values, so the sender never writes a released SMS with the old ones.
        await SmsRequests.ReleaseWaitingAsync(db, changed.DealershipId, clock.GetUtcNow(), context.CancellationToken);
        await db.SaveChangesAsync(context.CancellationToken);
        sender.Notify();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static void AddDefaultTemplates(NotificationDbContext db, Guid dealershipId, DateTimeOffset now)
    {
        foreach (var purpose in SmsTemplates.Purposes.Values)
        foreach (var language in SmsLanguages.All)
            db.Templates.Add(new SmsTemplate
            {
                Id = NewId.NextGuid(), DealershipId = dealershipId, Purpose = purpose.Name, Language = language,
                Body = SmsTemplates.DefaultBody(purpose, language), UpdatedAt = now,
            });
    }
}
