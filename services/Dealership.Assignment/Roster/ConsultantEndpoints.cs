using Dealership.Hosting.Data;
using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Dealership.Assignment.Assignments;
using Dealership.Assignment.Routing;
using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Roster;

public static partial class ConsultantEndpoints
{
    public record ShiftView(DayOfWeek Day, string Start, string End);
    public record ConsultantView(
        Guid Id, Guid DealershipId, string DealershipCode, string Name, string Phone, StaffRole Role, string? Team, Guid? SupervisorId,
        IReadOnlyList<string> Skills, IReadOnlyList<string> Languages, IReadOnlyList<ShiftView> WorkingHours, IReadOnlyList<DateOnly> DaysOff,
        bool OnDuty, ConsultantStatus Status, int? MaxOpenLeads, int OpenLeads, int MissedFirstContacts, DateTimeOffset? LastAssignedAt);

    /// <summary>A member of the roster. <c>dealershipCode</c> is needed to add one; a change keeps the member's dealership.</summary>
    public record ConsultantRequest(
        string? DealershipCode, string? Name, string? Phone, StaffRole? Role, string? Team, Guid? SupervisorId,
        List<string>? Skills, List<string>? Languages, List<ShiftView>? WorkingHours, List<DateOnly>? DaysOff,
        bool? OnDuty, int? MaxOpenLeads);

    public record OnDutyRequest(bool OnDuty);
    public record AbsenceRequest(string? Reason);
    public record AbsenceResult(ConsultantView Consultant, IReadOnlyList<AssignmentEndpoints.ReassignmentResult> Redistributed);

    private static readonly ConsultantRequest Example = new("DEMO01", "张伟 Zhang Wei", "+8613800138003", StaffRole.Consultant, "A组", null,
        ["新能源", "试驾"], ["zh-CN", "en"],
        [new(DayOfWeek.Monday, "09:00", "18:00"), new(DayOfWeek.Tuesday, "09:00", "18:00"), new(DayOfWeek.Saturday, "10:00", "20:00")],
        [new DateOnly(2026, 12, 25)], OnDuty: true, MaxOpenLeads: 40);

    public static void MapConsultantEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/consultants").WithTags("Roster").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("The dealership's roster: consultants, supervisors and retail managers");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One member of the roster");
        // The roster is read by everyone at the dealership and changed by its supervisors and managers.
        var manage = group.MapGroup("").RequireStaff(StaffRoles.Managers);
        manage.MapPost("/", CreateAsync).WithSummary("Add a consultant, supervisor or retail manager")
            .WithRequestExample(Example, "Working hours are HH:mm in the dealership's time zone; a shift that ends at or before its start ends the next day.");
        manage.MapPut("/{id:guid}", UpdateAsync).WithSummary("Change a member's profile, team, skills, working hours, days off or cap")
            .WithRequestExample(Example with { DealershipCode = null });
        manage.MapPut("/{id:guid}/on-duty", SetOnDutyAsync).WithSummary("Flip the on-duty switch")
            .WithRequestExample(new OnDutyRequest(false));
        manage.MapPost("/{id:guid}/leave", (Guid id, AbsenceRequest? body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken ct) =>
                AbsentAsync(id, ConsultantStatus.OnLeave, body, user, db, assigner, ct))
            .WithSummary("The consultant goes on leave: open leads are redistributed by the routing rules")
            .WithRequestExample(new AbsenceRequest("年假 annual leave"));
        manage.MapPost("/{id:guid}/departure", (Guid id, AbsenceRequest? body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken ct) =>
                AbsentAsync(id, ConsultantStatus.Left, body, user, db, assigner, ct))
            .WithSummary("The consultant leaves the dealership: open leads are redistributed by the routing rules")
            .WithRequestExample(new AbsenceRequest("离职 left the company"));
        manage.MapPost("/{id:guid}/return", ReturnAsync).WithSummary("The consultant is back from leave and takes leads again");
    }

    public static ConsultantView View(Consultant c, RoutingSettings dealership) => new(
        c.Id, c.DealershipId, dealership.DealershipCode, c.Name, PhoneMask.Mask(c.Phone), c.Role, c.Team, c.SupervisorId, c.Skills, c.Languages,
        c.WorkingHours.Select(s => new ShiftView(s.Day, s.Start.ToString("HH:mm", CultureInfo.InvariantCulture), s.End.ToString("HH:mm", CultureInfo.InvariantCulture))).ToList(),
        c.DaysOff, c.OnDuty, c.Status, c.MaxOpenLeads, c.OpenLeads, c.MissedFirstContacts, c.LastAssignedAt);

    private static async Task<Results<Ok<List<ConsultantView>>, ForbiddenProblem, NotFoundProblem>> ListAsync(
        [Description("The dealership's code, e.g. DEMO01.")] string dealershipCode, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        var code = dealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.DealershipAsync(code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        var roster = await db.Consultants.AsNoTracking().Where(c => c.DealershipId == dealership.DealershipId).ToListAsync(cancellationToken);
        return TypedResults.Ok(roster.OrderBy(c => c.Role).ThenBy(c => c.Name, StringComparer.Ordinal).Select(c => View(c, dealership)).ToList());
    }

    private static async Task<Results<Ok<ConsultantView>, NotFoundProblem>> GetAsync(Guid id, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken) =>
        await FindAsync(db, user, id, cancellationToken) is ({ } c, { } dealership) ? TypedResults.Ok(View(c, dealership)) : Problems.NotFound("consultant", id);

    /// <summary>The member, tracked, and its dealership, when the caller may act for that dealership.</summary>
    private static async Task<(Consultant Consultant, RoutingSettings Dealership)?> FindAsync(AssignmentDbContext db, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        var consultant = await db.Consultants.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return consultant is not null && await db.DealershipForAsync(user, consultant.DealershipId, cancellationToken) is { } dealership ? (consultant, dealership) : null;
    }

    private static async Task<Results<Created<ConsultantView>, ValidationProblem, ForbiddenProblem, NotFoundProblem>> CreateAsync(
        ConsultantRequest body, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.DealershipCode))
            return Problems.Invalid("dealershipCode", "The dealership is required.");
        var code = body.DealershipCode.Trim().ToUpperInvariant();
        if (!user.MayActFor(code))
            return Problems.NotAllowed(code);
        if (await db.DealershipAsync(code, cancellationToken) is not { } dealership)
            return Problems.NotFound("dealership", code);
        var consultant = new Consultant { Id = MassTransit.NewId.NextGuid(), DealershipId = dealership.DealershipId, Name = "", Phone = "" };
        var errors = await ApplyAsync(body, consultant, db, cancellationToken);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        db.Consultants.Add(consultant);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/consultants/{consultant.Id}", View(consultant, dealership));
    }

    private static Task<Results<Ok<ConsultantView>, ValidationProblem, NotFoundProblem>> UpdateAsync(
        Guid id, ConsultantRequest body, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken) =>
        // Routing may give this consultant a lead between our read and our write: then we apply the edit again to fresh data.
        db.RetryOnConflictAsync<Results<Ok<ConsultantView>, ValidationProblem, NotFoundProblem>>(async () =>
        {
            if (await FindAsync(db, user, id, cancellationToken) is not ({ } consultant, { } dealership))
                return Problems.NotFound("consultant", id);
            var errors = await ApplyAsync(body, consultant, db, cancellationToken);
            if (errors.Count > 0)
                return TypedResults.ValidationProblem(errors);
            consultant.Touch();
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Ok(View(consultant, dealership));
        });

    private static Task<Results<Ok<ConsultantView>, NotFoundProblem>> SetOnDutyAsync(
        Guid id, OnDutyRequest body, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken) =>
        db.RetryOnConflictAsync<Results<Ok<ConsultantView>, NotFoundProblem>>(async () =>
        {
            if (await FindAsync(db, user, id, cancellationToken) is not ({ } consultant, { } dealership))
                return Problems.NotFound("consultant", id);
            consultant.OnDuty = body.OnDuty;
            consultant.Touch();
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Ok(View(consultant, dealership));
        });

    private static Task<Results<Ok<ConsultantView>, NotFoundProblem>> ReturnAsync(Guid id, ClaimsPrincipal user, AssignmentDbContext db, CancellationToken cancellationToken) =>
        db.RetryOnConflictAsync<Results<Ok<ConsultantView>, NotFoundProblem>>(async () =>
        {
            if (await FindAsync(db, user, id, cancellationToken) is not ({ } consultant, { } dealership))
                return Problems.NotFound("consultant", id);
            consultant.Status = ConsultantStatus.Active;
            consultant.Touch();
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Ok(View(consultant, dealership));
        });

    /// <summary>Takes the consultant off the roster and redistributes every open lead in the same transaction.</summary>
    private static Task<Results<Ok<AbsenceResult>, NotFoundProblem>> AbsentAsync(
        Guid id, ConsultantStatus status, AbsenceRequest? body, ClaimsPrincipal user, AssignmentDbContext db, Assigner assigner, CancellationToken cancellationToken) =>
        db.RetryOnConflictAsync<Results<Ok<AbsenceResult>, NotFoundProblem>>(async () =>
        {
            if (await FindAsync(db, user, id, cancellationToken) is not ({ } found, { } dealership))
                return Problems.NotFound("consultant", id);
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
            return TypedResults.Ok(new AbsenceResult(View(consultant, dealership), results));
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
