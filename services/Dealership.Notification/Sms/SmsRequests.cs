using System.Text.Json;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Notification.Sms;

public sealed record SmsRequest(
    Guid DealershipId,
    Guid LeadId,
    string Recipient,
    string Phone,
    string Template,
    IReadOnlyDictionary<string, string> Parameters,
    string IdempotencyKey);

/// <summary>An SMS's text, and the placeholders it uses that have no value: a text with any is held, never sent.</summary>
public sealed record ComposedSms(string Text, IReadOnlyList<string> Missing);

/// <summary>
/// Takes an SMS request through the rules before any customer SMS: consent, the weekly cap and quiet
/// hours, and, before any SMS, a value for every placeholder its text uses. What passes is queued for the
/// <see cref="SmsSender"/>; what is held or refused says why, and that reason is published for the lead's
/// timeline. The caller saves.
/// </summary>
public static class SmsRequests
{
    /// <summary>
    /// How long an SMS whose text lacks a value waits for it (a dealership given its address, a template corrected) before it
    /// is withdrawn: a day later a care SMS's "today" is wrong, and a visit's SMS has been withdrawn by the visit's own news.
    /// </summary>
    public static readonly TimeSpan ValueWait = TimeSpan.FromDays(1);

    public static async Task RequestAsync(NotificationDbContext db, SmsRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // At most one SMS per business reason: a repeated request (a redelivery, a retried step) is a no-op.
        if (await Requested.For(db)(db, request.IdempotencyKey, cancellationToken))
            return;

        var purpose = SmsTemplates.Purpose(request.Template);
        var settings = await SettingsAsync(db, request.DealershipId, cancellationToken);
        var language = request.Parameters.TryGetValue("language", out var asked) && SmsLanguages.All.Contains(asked) ? asked : settings.Language;
        var body = await BodyAsync(db, request.DealershipId, purpose, language, cancellationToken);
        var composed = Compose(body, request.Parameters, settings, language, request.Recipient == SmsRecipients.Customer);

        var message = new SmsMessage
        {
            Id = NewId.NextGuid(),
            DealershipId = request.DealershipId,
            LeadId = request.LeadId,
            Recipient = request.Recipient,
            Phone = request.Phone,
            Template = purpose.Name,
            Language = language,
            Text = composed.Text,
            // Kept only while a value is missing: the text is written again from them once the value may have come.
            Parameters = composed.Missing.Count > 0 ? JsonSerializer.Serialize(request.Parameters) : null,
            IdempotencyKey = request.IdempotencyKey,
            AppointmentId = request.Parameters.TryGetValue("appointmentId", out var appointment) && Guid.TryParse(appointment, out var appointmentId) ? appointmentId : null,
            VisitAt = VisitAt(body, request.Parameters),
            Status = SmsStatus.Queued,
            CreatedAt = now,
            SendAt = now,
            TraceParent = System.Diagnostics.Activity.Current?.Id,
        };
        db.Messages.Add(message);

        // Consultant alerts are work messages: no customer consent, cap or quiet hours apply; but a gap in the text does.
        if (!message.ForCustomer)
        {
            if (composed.Missing.Count > 0)
                HoldForValues(db, message, composed.Missing, now);
            return;
        }

        // Asked for after the visit or the lead changed (a flow's step and the change crossing on the bus).
        if (await StaleSms.ReasonAsync(db, message, cancellationToken) is { } stale)
        {
            StaleSms.Withdraw(db, message, stale, now);
            return;
        }
        if (await RefusalAsync(db, message, cancellationToken) is { } refusal)
        {
            Refuse(db, message, refusal, now);
            return;
        }
        var since = now - TimeSpan.FromDays(7);
        var lastWeek = await db.Messages.CountAsync(m =>
            m.DealershipId == message.DealershipId && m.Phone == message.Phone && m.Recipient == SmsRecipients.Customer && m.CreatedAt > since &&
            (m.Status == SmsStatus.Queued || m.Status == SmsStatus.Held || m.Status == SmsStatus.Sent || m.Status == SmsStatus.Delivered || m.Status == SmsStatus.Undelivered),
            cancellationToken);
        if (lastWeek >= settings.WeeklyCap)
        {
            Refuse(db, message, $"weekly cap reached: {lastWeek} customer SMS in the last 7 days (cap {settings.WeeklyCap})", now);
            return;
        }
        if (composed.Missing.Count > 0)
        {
            HoldForValues(db, message, composed.Missing, now);
            return;
        }
        var allowedAt = settings.NextAllowedTime(now);
        if (allowedAt > now)
            Hold(db, message, QuietHoursReason(settings), allowedAt, now);
    }

    /// <summary>Why the customer may not get this SMS now, as far as consent goes; null when they may.</summary>
    public static async Task<string?> RefusalAsync(NotificationDbContext db, SmsMessage message, CancellationToken cancellationToken)
    {
        var consent = await db.Consents.AsNoTracking().SingleOrDefaultAsync(c =>
            c.DealershipId == message.DealershipId && c.Phone == message.Phone && c.Channel == ConsentChannels.Sms, cancellationToken);
        if (consent is null)
            return "no SMS consent on record for this customer";
        if (!consent.Granted)
            return $"the customer withdrew SMS consent ({consent.Source})";
        return null;
    }

    public static string QuietHoursReason(DealershipSmsSettings settings) =>
        $"quiet hours {settings.QuietHoursStart:HH\\:mm}-{settings.QuietHoursEnd:HH\\:mm} ({settings.TimeZone})";

    public static void Refuse(NotificationDbContext db, SmsMessage message, string reason, DateTimeOffset now)
    {
        message.Status = SmsStatus.Refused;
        message.Reason = reason;
        message.LockedUntil = null;
        db.Publish(new SmsRefused(message.Id, message.LeadId, message.DealershipId, message.Recipient, message.Template, PhoneMask.Mask(message.Phone), reason, now));
    }

    public static void Hold(NotificationDbContext db, SmsMessage message, string reason, DateTimeOffset until, DateTimeOffset now)
    {
        var announced = message.Status == SmsStatus.Held && message.Reason == reason && message.SendAt == until;
        message.Status = SmsStatus.Held;
        message.Reason = reason;
        message.SendAt = until;
        message.LockedUntil = null;
        if (!announced)
            db.Publish(new SmsHeld(message.Id, message.LeadId, message.DealershipId, message.Recipient, message.Template, PhoneMask.Mask(message.Phone), reason, until, now));
    }

    /// <summary>
    /// Holds an SMS whose text has no value for some placeholder, until <see cref="ValueWait"/> after it was asked for: the
    /// dealership's announcement of a change, or a template saved, lets the sender write it again (<see cref="ReleaseWaitingAsync"/>).
    /// Published once: a new look that finds the same gap is not news for the timeline.
    /// </summary>
    public static void HoldForValues(NotificationDbContext db, SmsMessage message, IReadOnlyList<string> missing, DateTimeOffset now)
    {
        var reason = MissingReason(missing);
        var until = message.CreatedAt + ValueWait;
        if (message.Status == SmsStatus.Held && message.Reason == reason)
        {
            (message.SendAt, message.LockedUntil) = (until, null);
            return;
        }
        Hold(db, message, reason, until, now);
    }

    /// <summary>Why an SMS waits for a value. The console recognises the words (an SMS that waits for a value, not for a time).</summary>
    public static string MissingReason(IReadOnlyList<string> missing) => $"no value for {string.Join(", ", missing.Select(p => "{" + p + "}"))}";

    /// <summary>
    /// Writes a text that waited for a value again, with the dealership's template and reference data as they are now. True when
    /// it is complete; otherwise it is held again, or withdrawn once it has waited <see cref="ValueWait"/>. The caller saves.
    /// </summary>
    public static async Task<bool> WriteAgainAsync(NotificationDbContext db, SmsMessage message, DealershipSmsSettings settings, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(message.Parameters!) ?? [];
        var body = await BodyAsync(db, message.DealershipId, SmsTemplates.Purpose(message.Template), message.Language, cancellationToken);
        var composed = Compose(body, parameters, settings, message.Language, message.ForCustomer);
        message.Text = composed.Text;
        message.VisitAt = VisitAt(body, parameters);
        if (composed.Missing.Count == 0)
        {
            message.Parameters = null;
            return true;
        }
        if (now >= message.CreatedAt + ValueWait)
            StaleSms.Withdraw(db, message, $"{MissingReason(composed.Missing)} within {ValueWait.TotalHours:0} hours of the request", now);
        else
            HoldForValues(db, message, composed.Missing, now);
        return false;
    }

    /// <summary>
    /// Lets the sender look again at once at the dealership's SMS that wait for a value, after what may give it changed (its
    /// reference data, a template). A message the sender has claimed is left to it. The caller saves.
    /// </summary>
    public static async Task ReleaseWaitingAsync(NotificationDbContext db, Guid dealershipId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var waiting = await db.Messages
            .Where(m => m.DealershipId == dealershipId && m.Status == SmsStatus.Held && m.Parameters != null && (m.LockedUntil == null || m.LockedUntil < now))
            .ToListAsync(cancellationToken);
        foreach (var message in waiting)
            message.SendAt = now;
    }

    /// <summary>The dealership's own text for the purpose in the language, or the default one.</summary>
    private static async Task<string> BodyAsync(NotificationDbContext db, Guid dealershipId, SmsPurpose purpose, string language, CancellationToken cancellationToken) =>
        await OwnBody.For(db)(db, dealershipId, purpose.Name, language, cancellationToken) ?? SmsTemplates.DefaultBody(purpose, language);

    // Compiled, as every SMS asked for asks them: LINQ built and looked up each query's expression at every call (ADR 0535).
    private static readonly CompiledQuery<Func<NotificationDbContext, string, CancellationToken, Task<bool>>> Requested =
        new(() => EF.CompileAsyncQuery((NotificationDbContext context, string key, CancellationToken _) => context.Messages.Any(m => m.IdempotencyKey == key)));

    private static readonly CompiledQuery<Func<NotificationDbContext, Guid, string, string, CancellationToken, Task<string?>>> OwnBody =
        new(() => EF.CompileAsyncQuery((NotificationDbContext context, Guid dealershipId, string purpose, string language, CancellationToken _) =>
            context.Templates.AsNoTracking()
                .Where(t => t.DealershipId == dealershipId && t.Purpose == purpose && t.Language == language)
                .Select(t => t.Body)
                .SingleOrDefault()));

    private static readonly CompiledQuery<Func<NotificationDbContext, Guid, CancellationToken, Task<DealershipSmsSettings?>>> SettingsOf =
        new(() => EF.CompileAsyncQuery((NotificationDbContext context, Guid dealershipId, CancellationToken _) =>
            context.Settings.AsNoTracking().SingleOrDefault(s => s.DealershipId == dealershipId)));

    /// <summary>The visit's time the text names: only such a text is wrong once the visit moves (directions stay right).</summary>
    private static DateTimeOffset? VisitAt(string body, IReadOnlyDictionary<string, string> parameters) =>
        SmsTemplates.Uses(body, "startsAt") && parameters.TryGetValue("startsAt", out var startsAt)
        && DateTimeOffset.TryParseExact(startsAt, "o", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var visitAt)
            ? visitAt : null;

    /// <summary>
    /// The text a handset shows: the template with the values as its reader says them, the signature and, for a customer, the
    /// opt-out line; and the placeholders it uses that have no value (the text keeps them as written, and is not to be sent).
    /// </summary>
    public static ComposedSms Compose(string body, IReadOnlyDictionary<string, string> parameters, DealershipSmsSettings settings, string language, bool forCustomer)
    {
        var values = ForReader(parameters, settings, language, body, forCustomer);
        return new(SmsTemplates.Render(body, values, forCustomer, settings.Signature, language), SmsTemplates.Missing(body, values));
    }

    /// <summary>
    /// The values as the reader says them. Other services send a moment as an ISO 8601 timestamp (a task's due time): it is
    /// written as the dealership's wall-clock time in the message's language, not as UTC. A visit's purpose comes as its code
    /// (test-drive) and is written in words, with the model when the text has no place of its own for it. The dealership's name
    /// and the showroom's address, parking note and map link come from what the identity service announced.
    /// </summary>
    internal static Dictionary<string, string> ForReader(IReadOnlyDictionary<string, string> parameters, DealershipSmsSettings settings, string language, string body,
        bool forCustomer)
    {
        var values = parameters.ToDictionary(p => p.Key, p =>
            p.Value.Length >= 20 && p.Value[10] == 'T'
            && DateTimeOffset.TryParseExact(p.Value, "o", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var moment)
                ? SmsDates.Format(moment, settings.Zone(), language)
                : p.Value);
        if (values.TryGetValue("purpose", out var purpose))
        {
            var words = SmsWords.Purpose(purpose, language);
            values["purpose"] = values.TryGetValue("model", out var model) && model.Length > 0 && !SmsTemplates.Uses(body, "model") ? $"{words} {model}" : words;
        }
        if ((!values.TryGetValue("dealership", out var name) || name.Length == 0) && settings.Name(language) is { Length: > 0 } known)
            values["dealership"] = known;
        values["directions"] = Directions(values.GetValueOrDefault("directions"), settings, language);
        // A lead may come with a phone and no name: the customer is addressed politely rather than not written to at all.
        if (!values.TryGetValue("customer", out var customer) || string.IsNullOrWhiteSpace(customer))
            values["customer"] = (forCustomer, language == SmsLanguages.English) switch
            {
                (true, true) => "customer",
                (true, false) => "尊敬的客户",
                (false, true) => "a customer who gave no name",
                (false, false) => "未留姓名的客户",
            };
        return values;
    }

    /// <summary>
    /// How to get to the showroom, said briefly (each 70 characters more is one more SMS to pay for): the booking's own
    /// directions or else the showroom address, then where to park and the map link, in the reader's language. The link comes
    /// last, so that the handset's tap ends at the space before the opt-out line. Empty without a place to go (no directions,
    /// address or map link): a parking note alone tells nobody where the showroom is.
    /// </summary>
    public static string Directions(string? booked, DealershipSmsSettings settings, string language)
    {
        var english = language == SmsLanguages.English;
        var where = string.IsNullOrWhiteSpace(booked) ? settings.ShowroomAddress : booked;
        if (string.IsNullOrWhiteSpace(where) && string.IsNullOrWhiteSpace(settings.ShowroomMapLink))
            return "";
        var parts = new[]
            {
                where,
                string.IsNullOrWhiteSpace(settings.ParkingNote) ? null : (english ? "parking: " : "停车：") + settings.ParkingNote.Trim(),
                string.IsNullOrWhiteSpace(settings.ShowroomMapLink) ? null : (english ? "map: " : "地图：") + settings.ShowroomMapLink.Trim(),
            }
            .Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()).ToList();
        // A part written as a sentence of its own (…3号口出。) would otherwise read 。； where it meets the next one.
        return string.Join(english ? "; " : "；", parts.Select((p, i) => i < parts.Count - 1 ? p.TrimEnd(PartEnds) : p));
    }

    private static readonly char[] PartEnds = ['。', '；', ';', '.', '，', ',', '、', ' '];

    /// <summary>The dealership's settings, or the defaults while notification has not heard of it (no name, no address: such values wait).</summary>
    public static async Task<DealershipSmsSettings> SettingsAsync(NotificationDbContext db, Guid dealershipId, CancellationToken cancellationToken) =>
        await SettingsOf.For(db)(db, dealershipId, cancellationToken)
        ?? new DealershipSmsSettings { DealershipId = dealershipId, DealershipCode = "" };
}
