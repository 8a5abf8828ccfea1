using Dealership.Assignment.Roster;
using Dealership.Contracts;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

/// <summary>A dealership's settings, rules and roster, loaded (and tracked) once for one or many decisions.</summary>
public sealed record RoutingContext(RoutingSettings Settings, IReadOnlyList<RoutingRule> Rules, IReadOnlyList<Consultant> Roster)
{
    public Consultant? Find(Guid? id) => id is null ? null : Roster.FirstOrDefault(c => c.Id == id);
}

/// <summary>
/// Applies routing decisions to the tracked rows and stages the events they cause. Every path that
/// gives, moves or takes a lead goes through <see cref="Apply"/>, so load counters, the audit trail
/// and the timeline never disagree. The caller commits with one SaveChanges.
/// </summary>
public sealed class Assigner(AssignmentDbContext db, TimeProvider clock)
{
    public const string Routing = "routing";

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<RoutingContext?> LoadAsync(Guid dealershipId, CancellationToken cancellationToken)
    {
        var settings = await SettingsOf.For(db)(db, dealershipId, cancellationToken);
        if (settings is null)
            return null;
        var rules = await RulesOf.For(db)(db, dealershipId).ToListAsync(cancellationToken);
        // Read untracked: a decision changes one or two consultants, and tracking all fifty would cost
        // more than the decision itself (their JSON columns are compared on every save). Those that
        // change are attached by Track, with the version they were read at.
        var roster = await RosterOf.For(db)(db, dealershipId).ToListAsync(cancellationToken);
        for (var i = 0; i < roster.Count; i++)
        {
            if (db.Consultants.Local.FindEntry(roster[i].Id) is { } tracked)
                roster[i] = tracked.Entity;
        }
        return new RoutingContext(settings, rules, roster);
    }

    // Compiled, as every decision asks them: LINQ built and looked up each query's expression at every call (ADR 0535).
    private static readonly CompiledQuery<Func<AssignmentDbContext, Guid, CancellationToken, Task<RoutingSettings?>>> SettingsOf =
        new(() => EF.CompileAsyncQuery((AssignmentDbContext context, Guid dealershipId, CancellationToken _) => context.Settings.SingleOrDefault(s => s.DealershipId == dealershipId)));

    private static readonly CompiledQuery<Func<AssignmentDbContext, Guid, IAsyncEnumerable<RoutingRule>>> RulesOf =
        new(() => EF.CompileAsyncQuery<AssignmentDbContext, Guid, RoutingRule>((context, dealershipId) =>
            context.Rules.AsNoTracking().Where(r => r.DealershipId == dealershipId).OrderBy(r => r.Priority)));

    private static readonly CompiledQuery<Func<AssignmentDbContext, Guid, IAsyncEnumerable<Consultant>>> RosterOf =
        new(() => EF.CompileAsyncQuery((AssignmentDbContext context, Guid dealershipId) => context.Consultants.AsNoTracking().Where(c => c.DealershipId == dealershipId)));

    /// <summary>Attaches a roster member about to change, so its update carries the concurrency check.</summary>
    public Consultant Track(Consultant consultant)
    {
        if (db.Entry(consultant).State == EntityState.Detached)
            db.Consultants.Attach(consultant);
        return consultant;
    }

    /// <summary>The consultant who last had a lead of the same customer (same phone) at this dealership.</summary>
    public Task<Guid?> PreviousConsultantAsync(LeadAssignment lead, CancellationToken cancellationToken) =>
        lead.CustomerPhone is null
            ? Task.FromResult<Guid?>(null)
            : db.Assignments.Where(a => a.DealershipId == lead.DealershipId && a.CustomerPhone == lead.CustomerPhone && a.LeadId != lead.LeadId && a.AssignedAt != null)
                .OrderByDescending(a => a.AssignedAt)
                .Select(a => a.ConsultantId)
                .FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Routes the lead by the rules and applies the outcome. <paramref name="why"/> says what started it, when not a new lead;
    /// <paramref name="firstOfCustomer"/>: the lead's customer had no lead here before, so there is no previous consultant to look for.
    /// </summary>
    public async Task<RoutingDecision> RouteAsync(
        LeadAssignment lead, RoutingContext context, string action, string actor, string? why = null, Guid? exclude = null,
        CancellationToken cancellationToken = default, bool firstOfCustomer = false)
    {
        var previous = firstOfCustomer ? null : await PreviousConsultantAsync(lead, cancellationToken);
        var decision = Router.Decide(lead.Facts, context.Settings, context.Rules, context.Roster, previous, Now, exclude);
        Apply(lead, decision, context, action, actor, why);
        return decision;
    }

    public void Apply(LeadAssignment lead, RoutingDecision decision, RoutingContext context, string action, string actor, string? why = null)
    {
        var now = Now;
        var from = lead.State == AssignmentState.Assigned ? context.Find(lead.ConsultantId) : null;
        if (from is not null)
        {
            Track(from);
            from.OpenLeads = Math.Max(0, from.OpenLeads - 1);
            from.Touch();
        }

        var reason = why is null ? decision.Reason : $"{why}; {decision.Reason}";
        lead.Rule = decision.Rule;
        lead.Reason = reason.Length <= 900 ? reason : reason[..899] + "…";
        lead.DecidedAt = now;
        lead.WaitUntil = null;
        lead.Version++;
        switch (decision.Kind)
        {
            case DecisionKind.Assign:
                var to = Track(decision.Consultant!);
                lead.State = AssignmentState.Assigned;
                lead.ConsultantId = to.Id;
                lead.AssignedAt = now;
                to.OpenLeads++;
                to.LastAssignedAt = now;
                to.Touch();
                // A lead nobody held starts its first-contact promise now; a moved one is a reassignment.
                if (from is null)
                    db.Publish(new LeadAssigned(lead.LeadId, lead.DealershipId, to.Id, to.Name, to.Phone, lead.Reason, now));
                else
                    db.Publish(new LeadReassigned(lead.LeadId, lead.DealershipId, from.Id, to.Id, to.Name, to.Phone, $"taken from {from.Name}; {lead.Reason}", now));
                break;
            case DecisionKind.Pool:
                lead.State = AssignmentState.Pooled;
                lead.ConsultantId = null;
                db.Publish(new LeadPooled(lead.LeadId, lead.DealershipId, lead.Reason, now));
                break;
            case DecisionKind.SupervisorQueue:
                lead.State = AssignmentState.SupervisorQueue;
                lead.ConsultantId = null;
                db.Publish(new LeadUnassigned(lead.LeadId, lead.DealershipId, lead.Reason, now));
                break;
            case DecisionKind.Wait:
                lead.State = AssignmentState.Waiting;
                lead.ConsultantId = null;
                lead.WaitUntil = decision.WaitUntil;
                db.Publish(new LeadAwaitingShift(lead.LeadId, lead.DealershipId, decision.WaitUntil!.Value, lead.Reason, now));
                break;
        }
        db.Audit.Add(new AssignmentAudit
        {
            Id = NewId.NextGuid(), DealershipId = lead.DealershipId, LeadId = lead.LeadId, Action = action,
            FromConsultantId = from?.Id, ToConsultantId = lead.ConsultantId, Reason = lead.Reason, Actor = actor, At = now,
        });
    }

    /// <summary>
    /// The lead closed: it leaves its holder's count and is never routed again, through the same counters and audit
    /// trail as every other decision. <paramref name="holder"/> is the consultant holding it, when one does.
    /// </summary>
    public void Close(LeadAssignment lead, Consultant? holder, string reason, string actor)
    {
        if (lead.State == AssignmentState.Assigned && holder is not null)
        {
            Track(holder);
            holder.OpenLeads = Math.Max(0, holder.OpenLeads - 1);
            holder.Touch();
        }
        lead.State = AssignmentState.Closed;
        lead.Reason = reason.Length <= 900 ? reason : reason[..899] + "…";
        lead.WaitUntil = null;
        lead.DecidedAt = Now;
        lead.Version++;
        db.Audit.Add(new AssignmentAudit
        {
            Id = NewId.NextGuid(), DealershipId = lead.DealershipId, LeadId = lead.LeadId, Action = "closed",
            FromConsultantId = lead.ConsultantId, Reason = lead.Reason, Actor = actor, At = Now,
        });
    }

    /// <summary>Tells the consultant's supervisor (or, without one, the dealership's first supervisor or retail manager).</summary>
    public void AlertSupervisor(LeadAssignment lead, Consultant? about, RoutingContext context, string reason)
    {
        var supervisor = context.Find(about?.SupervisorId)
            ?? context.Roster.Where(c => c.Role == StaffRole.Supervisor && c.Status == ConsultantStatus.Active).OrderBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault()
            ?? context.Roster.Where(c => c.Role == StaffRole.RetailManager && c.Status == ConsultantStatus.Active).OrderBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        db.Publish(new SupervisorAlerted(lead.LeadId, lead.DealershipId, supervisor?.Id, supervisor?.Name, supervisor?.Phone,
            supervisor is null ? $"{reason} (no supervisor on the roster)" : reason, Now));
    }
}
