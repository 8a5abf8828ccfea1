using System.Globalization;
using Dealership.Web.Components;
using Microsoft.Extensions.Localization;

namespace Dealership.Web;

/// <summary>
/// A lead's timeline entry in the reader's words, written from its kind and facts (lead-intake's <c>facts</c>) with the
/// kind's template in Text.resx (<c>TimelineText_{kind}</c>), the names the console has for task kinds, sources, SMS
/// purposes and outcomes, and moments as the showroom speaks of them. An entry without facts (recorded before they were
/// kept), of a kind the console does not know, or without a fact its template needs reads as lead-intake wrote it.
/// Reasons other services write as English text are shown as given, but for a few fixed ones.
/// </summary>
public static class TimelineWords
{
    /// <summary>Reasons other services write as fixed English text, and the console's name for each.</summary>
    private static readonly Dictionary<string, string> FixedReasons = new()
    {
        ["no SMS consent on record for this customer"] = "Reason_no-sms-consent",
    };

    public static string Describe(LeadTimelineEntry entry, IStringLocalizer<Text> text, Func<DateTimeOffset, string> when)
    {
        if (entry.Facts is not { } facts)
            return entry.Text;

        string? Fact(string name) => facts.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        string? Moment(string name) =>
            Fact(name) is { } iso && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? when(at) : null;
        string? Named(string prefix, string? value) => value is null ? null : text.Named(prefix, value);
        string? Reason() => Fact("reason") is { } reason && FixedReasons.TryGetValue(reason, out var name) ? text[name].Value : Fact("reason");
        // A template whose value is missing would read wrong: the entry's own text is shown instead.
        string? Words(string name, params string?[] values) => values.Any(v => v is null) ? null : text[name, [.. values.Cast<object>()]].Value;
        string? Because(string? words, string? reason) => words is null || reason is null ? words : text["TimelineBecause", words, reason].Value;
        string? Noted(string? words) => words is null || Fact("note") is not { } note ? words : text["TimelineNote", words, note].Value;
        string? Sms() => Words("TimelineText_sms", Named("SmsPurpose_", Fact("template")), Named("Recipient_", Fact("recipient")), Fact("maskedPhone"));
        // The source's detail (a campaign) as the card's summary writes it.
        string? Source() => Named("Source_", Fact("source")) is not { } source ? null : Fact("sourceDetail") is { } detail ? $"{source}（{detail}）" : source;
        string? By() => Fact("by") switch
        {
            "consultant" => text["Role_consultant"],
            "reception" => text["Role_receptionist"],
            var by => Named("By_", by),
        };
        string? CallOutcome() => Fact("answer") switch
        {
            null => Named("Contact_", Fact("contact")),
            "accepted" => Words("TimelineCallVisit", text["Answer_accepted"], Moment("visitAt")),
            "callback" => Words("TimelineCallBack", text["Answer_callback"], Moment("callbackAt")),
            var answer => text.Named("Answer_", answer),
        };
        // A task ends with the call's answer or contact, or is withdrawn when the flow moves on without it.
        string? TaskOutcome(string? outcome) =>
            outcome is null ? null : text.Named("Answer_", outcome, null) ?? text.Named("Contact_", outcome, null) ?? text.Named("TaskOutcome_", outcome);
        string? CloseReason(string? reason) =>
            reason is null ? null : text.Named("CloseReason_", reason, null) ?? text.Named("LostReason_", reason);

        var words = entry.Kind switch
        {
            "received" or "enquiry-merged" => Words("TimelineText_enquiry", Source(), Named("Channel_", Fact("channel")), Fact("submittedBy"), Fact("externalId")),
            "assigned" or "reassigned" => Because(Words("TimelineText_" + entry.Kind, Fact("consultant")), Reason()),
            "unassigned" or "pooled" => Because(Words("TimelineText_" + entry.Kind), Reason()),
            "awaiting-shift" => Because(Words("TimelineText_awaiting-shift", Moment("waitUntil")), Reason()),
            "supervisor-alerted" => Because(
                Fact("supervisor") is { } supervisor ? Words("TimelineText_supervisor-alerted", supervisor) : Words("TimelineText_supervisor-alerted-nobody"),
                Reason()),
            "closed" => Noted(Fact("reason") is { } reason
                ? Fact("by") is { } by
                    ? Words("TimelineText_closed-by", Named("Stage_", Fact("outcome")), CloseReason(reason), by)
                    : Words("TimelineText_closed", Named("Stage_", Fact("outcome")), CloseReason(reason))
                : Named("Stage_", Fact("outcome"))),
            "task-created" => Words("TimelineText_task-created", Named("TaskKind_", Fact("taskKind")), Moment("dueAt")),
            "task-completed" => Words("TimelineText_task-completed", TaskOutcome(Fact("outcome"))),
            "task-reassigned" => Words("TimelineText_task-reassigned"),
            "call-logged" => Noted(Words("TimelineText_call-logged", Named("TaskKind_", Fact("taskKind")), CallOutcome())),
            "appointment-booked" => Words("TimelineText_appointment-booked", Moment("visitAt"), Named("Purpose_", Fact("purpose"))),
            "appointment-refused" => Because(Words("TimelineText_appointment-refused", Moment("visitAt")), Reason()),
            "appointment-rescheduled" => Words("TimelineText_appointment-rescheduled", Moment("previousVisitAt"), Moment("visitAt"), By()),
            "appointment-cancelled" => Because(Words("TimelineText_appointment-cancelled", Moment("visitAt"), By()), Reason()),
            // The customer's answers are named as the booking statuses they lead to.
            "appointment-confirmed" => Words("TimelineText_appointment-confirmed", Moment("visitAt"),
                Named("Booking_", Fact("answer") is "reschedule-requested" ? "rescheduleRequested" : Fact("answer")), Named("AnswerChannel_", Fact("channel"))),
            "customer-arrived" => Words("TimelineText_customer-arrived", Moment("arrivedAt")),
            "appointment-missed" => Words("TimelineText_appointment-missed", Moment("visitAt")),
            "sms-sent" => Sms(),
            // An SMS that waits for a value its text lacks is not sent at its time: it waits until then at most (notification's words).
            "sms-held" when Fact("reason")?.StartsWith("no value for {", StringComparison.Ordinal) == true =>
                Because(Words("TimelineText_sms-held-for-value", Sms(), Moment("sendAt")), Reason()),
            "sms-held" => Because(Words("TimelineText_sms-held", Sms(), Moment("sendAt")), Reason()),
            "sms-refused" or "sms-failed" or "sms-withdrawn" => Because(Sms(), Reason()),
            "opted-out" => Words("TimelineText_opted-out", Named("ConsentChannel_", Fact("channel")), Fact("keyword")),
            "flow-event" => Words("TimelineText_flow-event", Named("FlowEvent_", Fact("name")), Named("Flow_", Fact("processKey")), Fact("version")),
            _ => null,
        };
        return words ?? entry.Text;
    }
}
