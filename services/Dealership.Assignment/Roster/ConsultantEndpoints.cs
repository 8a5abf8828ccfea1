using Dealership.Hosting.Security;
using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Dealership.Assignment.Assignments;
using Dealership.Assignment.Routing;
using Dealership.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Roster;

public static partial class ConsultantEndpoints
{
    public record ShiftView(DayOfWeek Day, string Start, string End);
    public record ConsultantView(
        Guid Id, Guid DealershipId, string Name, string Phone, StaffRole Role, string? Team, Guid? SupervisorId,
        IReadOnlyList<string> Skills, IReadOnlyList<string> Languages, IReadOnlyList<ShiftView> WorkingHours, IReadOnlyList<DateOnly> DaysOff,
        bool OnDuty, ConsultantStatus Status, int? MaxOpenLeads, int OpenLeads, int MissedFirstContacts, DateTimeOffset? LastAssignedAt);

    public record ConsultantRequest(
        Guid? DealershipId, string? Name, string? Phone, StaffRole? Role, string? Team, Guid? SupervisorId,
        List<string>? Skills, List<string>? Languages, List<ShiftView>? WorkingHours, List<DateOnly>? DaysOff,
        bool? OnDuty, int? MaxOpenLeads);

    public record OnDutyRequest(bool OnDuty);
    public record AbsenceRequest(string? Reason);
    public record AbsenceResult(ConsultantView Consultant, IReadOnlyList<AssignmentEndpoints.ReassignmentResult> Redistributed);

    public static void MapConsultantEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/consultants").WithTags("Roster").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("The dealership's roster: consultants, supervisors and retail managers")
            .Produces<List<ConsultantView>>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One member of the roster")
            .Produces<ConsultantView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateAsync).WithSummary("Add a consultant, supervisor or retail manager")
            .Produces<ConsultantView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Change a member's profile, team, skills, working hours, days off or cap")
            .Produces<ConsultantView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}/on-duty", SetOnDutyAsync).WithSummary("Flip the on-duty switch")
            .Produces<ConsultantView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/leave", (Guid id, AbsenceRequest? body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken ct) =>
                AbsentAsync(id, ConsultantStatus.OnLeave, body, user, db, assigner, ct))
            .WithSummary("The consultant goes on leave: open leads are redistributed by the routing rules")
            .Produces<AbsenceResult>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/departure", (Guid id, AbsenceRequest? body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken ct) =>
                AbsentAsync(id, ConsultantStatus.Left, body, user, db, assigner, ct))
            .WithSummary("The consultant leaves the dealership: open leads are redistributed by the routing rules")
            .Produces<AbsenceResult>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/return", ReturnAsync).WithSummary("The consultant is back from leave and takes leads again")
            .Produces<ConsultantView>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static ConsultantView View(Consultant c) => new(
        c.Id, c.DealershipId, c.Name, PhoneMask.Mask(c.Phone), c.Role, c.Team, c.SupervisorId, c.Skills, c.Languages,
        c.WorkingHours.Select(s => new ShiftView(s.Day, s.Start.ToString("HH:mm", CultureInfo.InvariantCulture), s.End.ToString("HH:mm", CultureInfo.InvariantCulture))).ToList(),
        c.DaysOff, c.OnDuty, c.Status, c.MaxOpenLeads, c.OpenLeads, c.MissedFirstContacts, c.LastAssignedAt);

    private static async Task<IResult> ListAsync(Guid dealershipId, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        if (await db.DealershipForAsync(user, dealershipId, cancellationToken) is null)
            return Access.DealershipNotFound(dealershipId);
        var roster = await db.Consultants.AsNoTracking().Where(c => c.DealershipId == dealershipId).ToListAsync(cancellationToken);
        return Results.Ok(roster.OrderBy(c => c.Role).ThenBy(c => c.Name, StringComparer.Ordinal).Select(View).ToList());
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken) =>
        await FindAsync(db, user, id, cancellationToken) is { } c ? Results.Ok(View(c)) : Access.NotFound("Consultant", id);

    /// <summary>The member, tracked, when the caller may act for its dealership.</summary>
    private static async Task<Consultant?> FindAsync(AssignmentDbContext db, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        var consultant = await db.Consultants.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return consultant is not null && await db.DealershipForAsync(user, consultant.DealershipId, cancellationToken) is not null ? consultant : null;
    }

    private static async Task<IResult> CreateAsync(ConsultantRequest body, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        if (body.DealershipId is not { } dealershipId)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["dealershipId"] = ["The dealership is required."] });
        if (await db.DealershipForAsync(user, dealershipId, cancellationToken) is null)
            return Access.DealershipNotFound(dealershipId);
        var consultant = new Consultant { Id = MassTransit.NewId.NextGuid(), DealershipId = dealershipId, Name = "", Phone = "" };
        var errors = await ApplyAsync(body, consultant, db, cancellationToken);
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);
        db.Consultants.Add(consultant);
        await db.SaveChangesAsync(cancellationToken);
        return Results.Created($"/api/consultants/{consultant.Id}", View(consultant));
    }

    private static async Task<IResult> UpdateAsync(Guid id, ConsultantRequest body, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken) =>
        // Routing may give this consultant a lead between our read and our write: then we apply the edit again to fresh data.
        await db.RetryOnConflictAsync(async () =>
        {
            if (await FindAsync(db, user, id, cancellationToken) is not { } consultant)
                return Access.NotFound("Consultant", id);
            var errors = await ApplyAsync(body, consultant, db, cancellationToken);
            if (errors.Count > 0)
                return Results.ValidationProblem(errors);
            consultant.Touch();
            await db.SaveChangesAsync(cancellationToken);
            return Results.Ok(View(consultant));
        });

    private static async Task<IResult> SetOnDutyAsync(Guid id, OnDutyRequest body, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken) =>
        await db.RetryOnConflictAsync(async () =>
        {
            if (await FindAsync(db, user, id, cancellationToken) is not { } consultant)
                return Access.NotFound("Consultant", id);
            consultant.OnDuty = body.OnDuty;
            consultant.Touch();
            await db.SaveChangesAsync(cancellationToken);
            return Results.Ok(View(consultant));
        });

    private static async Task<IResult> ReturnAsync(Guid id, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken) =>
        await db.RetryOnConflictAsync(async () =>
        {
            if (await FindAsync(db, user, id, cancellationToken) is not { } consultant)
                return Access.NotFound("Consultant", id);
            consultant.Status = ConsultantStatus.Active;
            consultant.Touch();
            await db.SaveChangesAsync(cancellationToken);
            return Results.Ok(View(consultant));
        });

    /// <summary>Takes the consultant off the roster and redistributes every open lead in the same transaction.</summary>
    private static async Task<IResult> AbsentAsync(
        Guid id, ConsultantStatus status, AbsenceRequest? body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken) =>
        await db.RetryOnConflictAsync(async () =>
        {
            if (await FindAsync(db, user, id, cancellationToken) is not { } found)
                return Access.NotFound("Consultant", id);
            var routing = (await assigner.LoadAsync(found.DealershipId, cancellationToken))!;
            var consultant = assigner.Track(routing.Find(id)!);
            consultant.Status = status;
            consultant.Touch();
            var actor = user.ActorName();
            var why = $"{consultant.Name} {(status == ConsultantStatus.Left ? "left the dealership" : "went on leave")}"
                      + (string.IsNullOrWhiteSpace(body?.Reason) ? "" : $" ({body.Reason.Trim()})") + $", redistributed by {actor}";
            var open = await db.Assignments.Where(a => a.ConsultantId == id && a.State == AssignmentState.Assigned)
                .OrderBy(a => a.AssignedAt).ToListAsync(cancellationToken);
            var results = new List<AssignmentEndpoints.ReassignmentResult>();
            foreach (var lead in open)
            {
                var decision = await assigner.RouteAsync(lead, routing, "redistributed", actor, why, exclude: id, cancellationToken);
                results.Add(new(lead.LeadId, AssignmentEndpoints.Outcome(decision.Kind), lead.ConsultantId, lead.Reason));
            }
            await db.SaveChangesAsync(cancellationToken);
            return Results.Ok(new AbsenceResult(View(consultant), results));
        });

    private static async Task<Dictionary<string, string[]>> ApplyAsync(ConsultantRequest body, Consultant c, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Name))
            errors["name"] = ["The name is required."];
        var phone = body.Phone?.Replace(" ", "").Replace("-", "");
        if (phone is null || !E164().IsMatch(phone))
            errors["phone"] = ["The phone number is required in E.164 form, e.g. +8613800138001."];
        if (body.MaxOpenLeads is < 0)
            errors["maxOpenLeads"] = ["The cap cannot be negative; leave it out for no cap."];
        var shifts = new List<Shift>();
        for (var i = 0; i < (body.WorkingHours?.Count ?? 0); i++)
        {
            var s = body.WorkingHours![i];
            var okStart = TimeOnly.TryParseExact(s.Start, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start);
            var okEnd = TimeOnly.TryParseExact(s.End, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end);
            if (!okStart)
                errors[$"workingHours[{i}].start"] = ["A time of day as HH:mm is required."];
            if (!okEnd)
                errors[$"workingHours[{i}].end"] = ["A time of day as HH:mm is required (at or before the start: the shift ends the next day)."];
            if (okStart && okEnd)
                shifts.Add(new Shift(s.Day, start, end));
        }
        if (body.SupervisorId is { } supervisorId
            && !await db.Consultants.AnyAsync(s => s.Id == supervisorId && s.DealershipId == c.DealershipId && s.Role != StaffRole.Consultant, cancellationToken))
            errors["supervisorId"] = ["The supervisor must be a supervisor or retail manager of the same dealership."];
        if (errors.Count > 0)
            return errors;

        c.Name = body.Name!.Trim();
        c.Phone = phone!;
        c.Role = body.Role ?? StaffRole.Consultant;
        c.Team = string.IsNullOrWhiteSpace(body.Team) ? null : body.Team.Trim();
        c.SupervisorId = body.SupervisorId;
        c.Skills = Clean(body.Skills);
        c.Languages = Clean(body.Languages);
        c.WorkingHours = shifts;
        c.DaysOff = body.DaysOff?.Distinct().Order().ToList() ?? [];
        c.OnDuty = body.OnDuty ?? c.OnDuty;
        c.MaxOpenLeads = body.MaxOpenLeads;
        return errors;
    }

    private static List<string> Clean(List<string>? values) =>
        values?.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [];

    [GeneratedRegex(@"^\+[1-9]\d{6,14}$")]
    private static partial Regex E164();
}
