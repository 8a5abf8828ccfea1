using System.ComponentModel;
using System.Security.Claims;
using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Messaging;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.LeadIntake.Leads;

public static class LeadEndpoints
{
    public const int MaxPageSize = 200;

    public static void MapLeadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // A client that submits leads reads back what became of them.
        var leads = endpoints.MapGroup("/api/leads").WithTags("Leads").RequireAuthorization().AllowClients(ClientScopes.SubmitLeads);
        leads.MapGet("/", ListAsync)
            .WithSummary("Leads of a dealership, newest first, filtered and paged; phone numbers masked");
        leads.MapGet("/{id:guid}", GetAsync)
            .WithSummary("A lead with its stage, consultant, enquiries, open tasks and timeline")
            .WithDescription("Each timeline entry has its English text and, since they are kept, its facts by name (see TimelineView.facts), "
                + "from which a client writes the entry in the reader's language and the dealership's time zone.");
        // Receptionists and operations staff take no lead decisions; a consultant finds only his or her own leads.
        leads.MapPost("/{id:guid}/close", CloseAsync)
            .RequireStaff(StaffRoles.Consultant, StaffRoles.SalesSupervisor, StaffRoles.RetailManager)
            .WithSummary("Close a lead by hand: won (purchased) or lost with the reason")
            .WithDescription("The lead's flow ends with its tasks and timers, SMS waiting to go to the customer are withdrawn and the "
                + "consultant's capacity is freed, as when the flow closes it; the stage and the timeline follow within moments. "
                + "Lost reasons: bought-elsewhere, not-interested, duplicate, other (with a note); won: purchased.")
            .WithRequestExample(new CloseLeadRequest(false, LeadCloseReasons.BoughtElsewhere, "客户已在其他4S店购买 ID.4"));
    }

    public record CloseLeadRequest(
        [property: Description("True when the customer bought (reason purchased); false or left out when the lead is lost.")] bool? Won,
        [property: Description("Why: purchased when won; bought-elsewhere, not-interested, duplicate or other when lost.")] string? Reason,
        [property: Description("What the person wants the timeline to say; required with reason other, at most 500 characters.")] string? Note);
    public record LeadClosing(Guid LeadId, bool Won, string Reason);

    public const int MaxCloseNoteLength = 500;

    public record OpenTaskView(Guid Id, string Kind, Guid ConsultantId, DateTimeOffset DueAt);
    /// <summary>One entry of a lead's timeline.</summary>
    public record TimelineView(
        DateTimeOffset At,
        [property: Description("What happened: received, enquiry-merged, assigned, reassigned, unassigned, pooled, awaiting-shift, supervisor-alerted, "
            + "closed, task-created, task-completed, task-reassigned, call-logged, appointment-booked, appointment-refused, appointment-rescheduled, "
            + "appointment-cancelled, appointment-confirmed, customer-arrived, appointment-missed, sms-sent, sms-held, sms-refused, sms-failed, sms-withdrawn, "
            + "opted-out or flow-event.")]
        string Kind,
        [property: Description("The entry as an English sentence, times in UTC.")] string Text,
        [property: Description(FactsDescription)] IReadOnlyDictionary<string, string>? Facts);

    private const string FactsDescription =
        "The facts the entry is made of, to write it in another language or time zone; null on entries recorded before facts were kept. "
        + "Names by kind: received and enquiry-merged: source, sourceDetail, channel, submittedBy, externalId; "
        + "assigned and reassigned: consultant, reason; unassigned and pooled: reason; awaiting-shift: waitUntil, reason; "
        + "supervisor-alerted: supervisor (absent when nobody is on the roster), reason; closed: outcome (won or lost), reason, by (who closed it by hand) and note; "
        + "task-created: taskKind, dueAt; task-completed: outcome; task-reassigned: none; "
        + "call-logged: taskKind, contact (reached, no-answer, wrong-number), answer (accepted, declined, undecided, callback), visitAt, callbackAt, note; "
        + "appointment-booked: visitAt, purpose, model, by; appointment-refused: visitAt, reason; appointment-rescheduled: previousVisitAt, visitAt, by; "
        + "appointment-cancelled: visitAt, by, reason; appointment-confirmed: visitAt, answer, channel; customer-arrived: arrivedAt; appointment-missed: visitAt; "
        + "sms-sent: template, recipient, maskedPhone; sms-held: the same and sendAt, reason; sms-refused, sms-failed and sms-withdrawn: the same and reason; "
        + "opted-out: channel, keyword; flow-event: name, processKey, version. "
        + "Times (dueAt, visitAt, ...) are ISO 8601 in UTC; a fact that does not apply is left out. Reasons are English text of the service that decided.";
    public record EnquiryView(string Source, string ExternalId, string? SourceDetail, string? VehicleOfInterest,
        [property: Description("The customer's comments.")] string? Note, DateTimeOffset ReceivedAt,
        [property: Description("How soon the customer means to buy, as this enquiry said it.")] PurchaseTimeframe? Timeframe,
        [property: Description("Every vehicle the enquiry names: interest buy, lease or test-drive for those the customer wants, trade-in for the one to trade in.")]
        IReadOnlyList<LeadVehicle> Vehicles);
    public record LeadView(
        Guid Id, Guid DealershipId, string DealershipCode, string Source, string ExternalId, string? SourceDetail, string? Name, string? Phone, string? Email,
        string? VehicleOfInterest, LeadStage Stage, Guid? AssignedConsultantId, string? AssignedConsultantName,
        DateTimeOffset CreatedAt, IReadOnlyList<EnquiryView> Enquiries, IReadOnlyList<OpenTaskView> OpenTasks, IReadOnlyList<TimelineView> Timeline,
        [property: Description("How soon the customer means to buy, as last said (a later enquiry that says it again replaces it).")] PurchaseTimeframe? Timeframe,
        [property: Description("The vehicle the customer means to trade in, as the latest enquiry that names one said it.")] LeadVehicle? TradeIn,
        PostalAddress? Address,
        [property: Description("How the customer wants to be contacted: phone, email, sms, or the sender's own word.")] string? PreferredContact,
        [property: Description("When the customer wants to be called: morning, afternoon, evening, day, nopreference, or the sender's own words.")] string? PreferredContactTime);
    public record LeadSummary(Guid Id, string? Name, string MaskedPhone, string Source, string? SourceDetail, LeadStage Stage,
        Guid? AssignedConsultantId, string? AssignedConsultantName, DateTimeOffset CreatedAt);
    public record LeadPage(Guid DealershipId, string DealershipCode, int Page, int PageSize, int Total, IReadOnlyList<LeadSummary> Items);

    /// <summary>Which of a dealership's leads to list.</summary>
    public record LeadQuery(
        [property: Description("The dealership's code, e.g. DEMO01.")] string DealershipCode,
        [property: Description("Only leads at this stage.")] LeadStage? Stage,
        [property: Description("Only leads from this source channel: oem, dealership, marketing-event, other, consultant-own, inbound-call, walk-in.")] string? Source,
        [property: Description("Only the leads of this consultant.")] Guid? ConsultantId,
        [property: Description("Only leads whose customer name contains this text, or whose phone number contains these digits (at least 4).")] string? Search,
        [property: Description("Only leads that got at least this far in the funnel: reached, invited, booked or arrived.")] Milestone? Reached,
        [property: Description("Leads created at or after this time.")] DateTimeOffset? From,
        [property: Description("Leads created before this time.")] DateTimeOffset? To,
        [property: Description("The page, from 1.")] int? Page,
        [property: Description("Leads per page, 1 to 200 (50 unless said).")] int? PageSize);

    private static async Task<Results<Ok<LeadPage>, ForbiddenProblem, NotFoundProblem>> ListAsync(
        [AsParameters] LeadQuery q, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        var code = q.DealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.Dealerships.AsNoTracking().SingleOrDefaultAsync(d => d.Code == code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        var size = Math.Clamp(q.PageSize ?? 50, 1, MaxPageSize);
        var number = Math.Max(q.Page ?? 1, 1);

        var query = db.Leads.AsNoTracking().Where(l => l.DealershipId == dealership.Id);
        if (q.Stage is { } stage)
            query = query.Where(l => l.Stage == stage);
        if (!string.IsNullOrWhiteSpace(q.Source))
            query = query.Where(l => l.Source == q.Source.Trim().ToLowerInvariant());
        if (q.ConsultantId is { } consultantId)
            query = query.Where(l => l.AssignedConsultantId == consultantId);
        if (q.Search?.Trim() is { Length: > 0 } search)
        {
            // "138 0013" finds +8613800138002: the digits typed are matched however the number was written.
            var digits = new string([.. search.Where(char.IsAsciiDigit)]);
            query = digits.Length >= 4
                ? query.Where(l => l.Name!.Contains(search) || l.Phone!.Contains(digits))
                : query.Where(l => l.Name!.Contains(search));
        }
        query = q.Reached switch
        {
            Milestone.Reached => query.Where(l => l.ReachedAt != null),
            Milestone.Invited => query.Where(l => l.InvitedAt != null),
            Milestone.Booked => query.Where(l => l.BookedAt != null),
            Milestone.Arrived => query.Where(l => l.ArrivedAt != null),
            _ => query,
        };
        if (q.From is { } from)
            query = query.Where(l => l.CreatedAt >= from);
        if (q.To is { } to)
            query = query.Where(l => l.CreatedAt < to);

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(l => l.CreatedAt).Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        var items = rows.Select(l => new LeadSummary(l.Id, l.Name, PhoneMask.Mask(l.Phone), l.Source, l.SourceDetail, l.Stage,
            l.AssignedConsultantId, l.AssignedConsultantName, l.CreatedAt)).ToList();
        return TypedResults.Ok(new LeadPage(dealership.Id, dealership.Code, number, size, total, items));
    }

    private static async Task<Results<Accepted<LeadClosing>, ValidationProblem, NotFoundProblem, ConflictProblem>> CloseAsync(
        Guid id, CloseLeadRequest body, ClaimsPrincipal user, LeadIntakeDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var won = body.Won ?? false;
        var reasons = won ? LeadCloseReasons.Won : LeadCloseReasons.Lost;
        var reason = body.Reason?.Trim().ToLowerInvariant();
        var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim();
        var errors = new Dictionary<string, string[]>();
        if (reason is null || !reasons.Contains(reason))
            errors["reason"] = [$"Give the reason the lead is {(won ? "won" : "lost")}: {string.Join(", ", reasons)}."];
        if (reason == LeadCloseReasons.Other && note is null)
            errors["note"] = ["Say in a note why the lead is closed."];
        if (note is { Length: > MaxCloseNoteLength })
            errors["note"] = [$"The note is {note.Length} characters; at most {MaxCloseNoteLength}."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null || !user.MayActFor(lead.DealershipCode))
            return Problems.NotFound("lead", id);
        if (!lead.IsOpen)
            return Problems.Conflict("Lead already closed", $"The lead was closed as {(lead.Stage == LeadStage.Won ? "won" : "lost")}{(lead.LostReason is { } why ? $" ({why})" : "")}.");
        // The stage changes when this comes back to the timeline, as every other close does, so one path writes it.
        db.Publish(new LeadClosed(lead.Id, lead.DealershipId, won, reason!, clock.GetUtcNow(), user.ActorName(), note));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/api/leads/{id}", new LeadClosing(id, won, reason!));
    }

    private static async Task<Results<Ok<LeadView>, NotFoundProblem>> GetAsync(Guid id, ClaimsPrincipal user, LeadIntakeDbContext db, CancellationToken cancellationToken)
    {
        // The parts are read in separate queries while consumers keep committing. Every change of a lead (a
        // timeline entry with the stage, task or enquiry it reports) commits with a new Version of the lead row, so
        // the parts read between two reads of one version are one state; read again if a commit came between.
        for (var attempt = 1; ; attempt++)
        {
            var lead = await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
            // Another dealership's lead is answered exactly like a missing one.
            if (lead is null || !user.MayActFor(lead.DealershipCode))
                return Problems.NotFound("lead", id);
            var timeline = await db.Timeline.AsNoTracking()
                .Where(t => t.LeadId == id)
                .OrderBy(t => t.At)
                .Select(t => new TimelineView(t.At, t.Kind, t.Text, TimelineFacts.Read(t.Facts)))
                .ToListAsync(cancellationToken);
            var enquiries = (await db.Enquiries.AsNoTracking()
                    .Where(e => e.LeadId == id)
                    .OrderBy(e => e.ReceivedAt)
                    .ToListAsync(cancellationToken))
                .Select(e => new EnquiryView(e.Source, e.ExternalId, e.SourceDetail, e.VehicleOfInterest, e.Note, e.ReceivedAt, e.Timeframe, e.Vehicles))
                .ToList();
            var tasks = await db.Tasks.AsNoTracking()
                .Where(t => t.LeadId == id && t.CompletedAt == null)
                .OrderBy(t => t.DueAt)
                .Select(t => new OpenTaskView(t.Id, t.Kind, t.ConsultantId, t.DueAt))
                .ToListAsync(cancellationToken);
            if (attempt < 5 && await db.Leads.AsNoTracking().Where(l => l.Id == id).Select(l => l.Version).SingleAsync(cancellationToken) != lead.Version)
                continue;

            // The whole number is for the lead's consultant and managers; lists and logs mask it.
            return TypedResults.Ok(new LeadView(lead.Id, lead.DealershipId, lead.DealershipCode, lead.Source, lead.ExternalId, lead.SourceDetail, lead.Name,
                PhoneMask.For(user, lead.Phone, lead.AssignedConsultantId), lead.Email,
                lead.VehicleOfInterest, lead.Stage, lead.AssignedConsultantId, lead.AssignedConsultantName, lead.CreatedAt, enquiries, tasks, timeline,
                lead.Timeframe, enquiries.Select(e => e.Vehicles.FirstOrDefault(v => v.Interest == LeadVehicle.TradeIn)).LastOrDefault(v => v is not null), lead.Address,
                lead.PreferredContact, lead.PreferredContactTime));
        }
    }
}
