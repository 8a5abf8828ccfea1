using System.Text;
using Dealership.Assignment.Roster;

namespace Dealership.Assignment.Routing;

public enum DecisionKind
{
    Assign,
    Pool,
    SupervisorQueue,
    Wait,
}

/// <summary>What routing decided and why, in words that go on the lead's timeline.</summary>
public sealed record RoutingDecision(DecisionKind Kind, Consultant? Consultant, string Rule, DateTimeOffset? WaitUntil, string Reason);

/// <summary>
/// The rules engine: a pure function of the lead, the dealership's settings and rules, its roster and
/// the time. It reads the consultants' load and turn from the entities it is given, so decisions made
/// one after another on the same entities (a redistribution) see each other.
/// </summary>
public static class Router
{
    private const int CandidatesShown = 8;
    private const int MaxReason = 800;

    public static RoutingDecision Decide(
        LeadFacts lead,
        RoutingSettings settings,
        IReadOnlyList<RoutingRule> rules,
        IReadOnlyList<Consultant> roster,
        Guid? previousConsultantId,
        DateTimeOffset now,
        Guid? exclude = null)
    {
        var rule = rules.OrderBy(r => r.Priority).FirstOrDefault(r => r.Matches(lead)) ?? RoutingRule.Default;
        var zone = WorkingTime.Zone(settings.TimeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var scope = roster.Where(c => c.Role == StaffRole.Consultant && c.Status == ConsultantStatus.Active && c.Id != exclude
                                      && (rule.Team is null || string.Equals(c.Team, rule.Team, StringComparison.OrdinalIgnoreCase)))
            .ToList();

        var anyWorking = scope.Any(c => c.OnDuty && WorkingTime.IsWorking(c, local));
        var ignoreHours = false;
        var prefix = $"rule '{rule.Name}'";
        if (!anyWorking && scope.Any(c => c.OnDuty))
        {
            if (settings.OutsideHours == OutsideHoursPolicy.WaitForNextShift)
            {
                var next = scope.Where(c => c.OnDuty).Select(c => WorkingTime.NextShiftStart(c, now, zone)).Where(t => t is not null).Min();
                if (next is not null)
                    return Finish(new RoutingDecision(DecisionKind.Wait, null, rule.Name, next,
                        $"{prefix}: outside working hours, nobody is working; waits for the next shift at {TimeZoneInfo.ConvertTime(next.Value, zone):yyyy-MM-dd HH:mm} ({settings.TimeZone})"));
            }
            else
            {
                ignoreHours = true;
                prefix += " (outside working hours: to whoever is on duty)";
            }
        }

        var available = new List<Consultant>();
        var unavailable = new List<string>();
        foreach (var c in scope)
        {
            if (!c.OnDuty)
                unavailable.Add($"{c.Name} (off duty)");
            else if (!ignoreHours && !WorkingTime.IsWorking(c, local))
                unavailable.Add($"{c.Name} ({(WorkingTime.IsDayOff(c, local) ? "day off" : "outside working hours")})");
            else if (!c.UnderCap)
                unavailable.Add($"{c.Name} (at cap {c.Load})");
            else
                available.Add(c);
        }

        foreach (var step in rule.Steps)
        {
            switch (step)
            {
                case RoutingStep.PreviousConsultant when previousConsultantId is { } previous:
                    if (available.FirstOrDefault(c => c.Id == previous) is { } returning)
                        return Assign(returning, "returning customer: previous consultant");
                    break;
                case RoutingStep.SkillMatch when lead.Vehicle is not null || lead.Language is not null:
                    var skilled = available.Where(c => HasSkills(c, lead)).ToList();
                    if (skilled.Count > 0)
                        return Assign(NextInTurn(skilled), $"skill match ({Describe(lead)}), next in turn of {skilled.Count}", skilled);
                    break;
                case RoutingStep.RoundRobin when available.Count > 0:
                    return Assign(NextInTurn(available), $"round robin: next in turn of {available.Count} available", available);
                case RoutingStep.LeastLoaded when available.Count > 0:
                    var least = available.OrderBy(c => c.OpenLeads).ThenBy(c => c.LastAssignedAt ?? DateTimeOffset.MinValue).ThenBy(c => c.Name, StringComparer.Ordinal).First();
                    return Assign(least, $"least loaded of {available.Count} available", available);
                case RoutingStep.Pool:
                    return Finish(new RoutingDecision(DecisionKind.Pool, null, rule.Name, null,
                        $"{prefix}: open pool, first claim wins{Unavailable(unavailable)}"));
                case RoutingStep.SupervisorQueue:
                    return Queue();
            }
        }
        return Queue();

        RoutingDecision Assign(Consultant chosen, string how, IReadOnlyList<Consultant>? candidates = null)
        {
            var text = new StringBuilder($"{prefix} → {how}: {chosen.Name} ({chosen.Load} open)");
            if (candidates is not null)
            {
                text.Append("; candidates: ").AppendJoin(", ", candidates.Take(CandidatesShown).Select(c => $"{c.Name} {c.Load}"));
                if (candidates.Count > CandidatesShown)
                    text.Append($" and {candidates.Count - CandidatesShown} more");
            }
            text.Append(Unavailable(unavailable));
            return Finish(new RoutingDecision(DecisionKind.Assign, chosen, rule.Name, null, text.ToString()));
        }

        RoutingDecision Queue() => Finish(new RoutingDecision(DecisionKind.SupervisorQueue, null, rule.Name, null,
            $"{prefix}: supervisor queue, no consultant qualifies ({(scope.Count == 0 ? "none on the roster" : $"{available.Count} available")}){Unavailable(unavailable)}"));
    }

    /// <summary>Round robin: whoever was given a lead longest ago (never first), then by name so ties are stable.</summary>
    public static Consultant NextInTurn(IEnumerable<Consultant> candidates) =>
        candidates.OrderBy(c => c.LastAssignedAt ?? DateTimeOffset.MinValue).ThenBy(c => c.Name, StringComparer.Ordinal).First();

    private static bool HasSkills(Consultant c, LeadFacts lead) =>
        (lead.Vehicle is null || c.Skills.Any(s => lead.Vehicle.Contains(s, StringComparison.OrdinalIgnoreCase)))
        && (lead.Language is null || c.Languages.Contains(lead.Language, StringComparer.OrdinalIgnoreCase));

    private static string Describe(LeadFacts lead) =>
        string.Join(", ", new[] { lead.Vehicle is null ? null : $"vehicle {lead.Vehicle}", lead.Language is null ? null : $"language {lead.Language}" }.Where(s => s is not null));

    private static string Unavailable(List<string> unavailable)
    {
        if (unavailable.Count == 0)
            return "";
        var shown = string.Join(", ", unavailable.Take(CandidatesShown));
        return $"; not available: {shown}{(unavailable.Count > CandidatesShown ? $" and {unavailable.Count - CandidatesShown} more" : "")}";
    }

    private static RoutingDecision Finish(RoutingDecision decision) =>
        decision.Reason.Length <= MaxReason ? decision : decision with { Reason = decision.Reason[..(MaxReason - 1)] + "…" };
}
