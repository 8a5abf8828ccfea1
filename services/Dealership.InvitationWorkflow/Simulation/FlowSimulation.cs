using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;

namespace Dealership.InvitationWorkflow.Simulation;

/// <summary>The figures of one version over the recorded leads.</summary>
/// <param name="Version">The version's label (N3, DEMO01-2).</param>
/// <param name="Sms">SMS the flow asks to send, by purpose (template), to customers and consultants alike.</param>
/// <param name="SmsRules">What notification's rules would do with the customer SMS among them, where its rules are known.</param>
/// <param name="Answers">How the waits were answered: replayed from the lead's own history, drawn from other leads', or left open (nothing recorded).</param>
public sealed record VersionFigures(
    string Version, string Status, int Leads, IReadOnlyDictionary<string, int> Sms, int SmsTotal, SmsRuleFigures? SmsRules, FirstContactFigures FirstContact,
    TaskFigures Tasks, int BookingsRequested, int VisitsBooked, int ClosedLost, int ClosedWon, IReadOnlyDictionary<string, int> LostByReason,
    int SupervisorAlerts, AnswerFigures Answers, InstanceFigures Instances);

/// <summary>
/// The customer SMS notification would hold until its quiet hours end (sent later, not lost) and those it would refuse at the weekly cap
/// (never sent), in total and by purpose; a stopped SMS is not counted as held.
/// </summary>
public sealed record SmsRuleFigures(int HeldByQuietHours, int StoppedByWeeklyCap, IReadOnlyDictionary<string, int> Held, IReadOnlyDictionary<string, int> Stopped);

/// <summary>The rules a simulation applied, as notification last announced them for the dealership.</summary>
public sealed record AppliedSmsRules(string TimeZone, TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, int WeeklyCap, DateTimeOffset AnnouncedAt);

/// <summary>
/// The first-contact promise: kept (the step done before its deadline timer fired), missed (it fired, or the step was done after its due
/// time where the step has no timer), pending (neither by the end of the history); <c>missedLeads</c> names the leads that missed it. A
/// lead ended from outside before its first contact counts in none.
/// </summary>
public sealed record FirstContactFigures(int Kept, int Missed, int Pending, IReadOnlyList<string> MissedLeads);

/// <summary>Consultant tasks opened, per person (a consultant's id, or role:receptionist) and per day of the period's time zone.</summary>
public sealed record TaskFigures(int Total, DateOnly? PeakDay, int PeakDayTasks, double AveragePerDay, IReadOnlyList<ConsultantTaskFigures> PerConsultant);

public sealed record ConsultantTaskFigures(string Consultant, int Total, DateOnly PeakDay, int PeakDayTasks, double AveragePerDay);

public sealed record AnswerFigures(int Replayed, int Drawn, int WithoutRecord);

/// <summary>
/// Where the simulated instances stood at the end: completed, still waiting, ended from outside at the recorded moment (the lead closed
/// by hand, an opt-out), or stopped at an incident.
/// </summary>
public sealed record InstanceFigures(int Completed, int Active, int Cancelled, int WithIncident);

/// <summary>
/// A lead the two versions take different ways: each path as the element ids completed, in order, and the sequence flows taken, to draw on
/// the diagrams.
/// </summary>
public sealed record DifferingLead(string LeadId, IReadOnlyList<string> SimulatedPath, IReadOnlyList<string> PublishedPath,
    IReadOnlyList<string> SimulatedFlows, IReadOnlyList<string> PublishedFlows);

/// <summary>What a version would have done with the leads of a period, beside the published version over the same leads.</summary>
/// <param name="Until">The end of the replay: the recorded history goes to now, so the simulation does too.</param>
/// <param name="SmsRules">Notification's rules applied to the customer SMS; null while notification has not announced any for the dealership.</param>
public sealed record SimulationReport(
    string ProcessKey, string DealershipCode, DateTimeOffset From, DateTimeOffset To, DateTimeOffset Until, int Seed, int Leads,
    AppliedSmsRules? SmsRules, VersionFigures Simulated, VersionFigures? Published, IReadOnlyList<DifferingLead> DifferingLeads, double ElapsedMilliseconds);

/// <summary>A version to replay: its label, status, number and model.</summary>
public sealed record SimulatedVersion(string Label, string Status, int Number, ProcessModel Process);

/// <summary>Replays the recorded leads through versions of a flow and counts what each would have done.</summary>
public static class FlowSimulation
{
    public static async Task<IReadOnlyList<SimulatedLead>> RunAsync(RecordedHistory history, SimulatedVersion version, IEnumerable<string> taskTypes,
        int seed, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var types = taskTypes.ToList();
        var results = new SimulatedLead[history.Leads.Count];
        // Each lead has its own engine, clock and seeded draws: the leads run in parallel and a seed gives the same report every time.
        await Parallel.ForEachAsync(Enumerable.Range(0, results.Length), cancellationToken, async (i, ct) =>
            results[i] = await SimulatedLead.RunAsync(history.Leads[i], history, version.Process, types, version.Number, seed, until, ct));
        return results;
    }

    public static VersionFigures Figures(SimulatedVersion version, IReadOnlyList<SimulatedLead> leads, TimeSpan dayOffset, DateTimeOffset from, DateTimeOffset until,
        DealershipSmsRules? rules)
    {
        var sms = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var message in leads.SelectMany(l => l.Sms))
            sms[message.Purpose] = sms.GetValueOrDefault(message.Purpose) + 1;

        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(dayOffset).DateTime);
        var days = Math.Max(1, Day(until).DayNumber - Day(from).DayNumber + 1);
        var tasks = leads.SelectMany(l => l.Tasks).ToList();
        var perConsultant = tasks.GroupBy(t => t.Who)
            .Select(g =>
            {
                var peak = g.GroupBy(t => Day(t.At)).OrderByDescending(d => d.Count()).ThenBy(d => d.Key).First();
                return new ConsultantTaskFigures(g.Key, g.Count(), peak.Key, peak.Count(), Math.Round(g.Count() / (double)days, 2));
            })
            .OrderByDescending(c => c.Total).ThenBy(c => c.Consultant, StringComparer.Ordinal)
            .ToList();
        var peakDay = tasks.GroupBy(t => Day(t.At)).OrderByDescending(d => d.Count()).ThenBy(d => d.Key).FirstOrDefault();

        var lost = leads.Where(l => l.Closed is { Won: false }).ToList();
        return new VersionFigures(
            version.Label, version.Status, leads.Count, sms, sms.Values.Sum(), rules is null ? null : ByTheRules(leads, rules),
            new FirstContactFigures(
                leads.Count(l => l.Promise == PromiseResult.Kept), leads.Count(l => l.Promise == PromiseResult.Missed),
                leads.Count(l => l.Promise == PromiseResult.Pending),
                leads.Where(l => l.Promise == PromiseResult.Missed).Select(l => l.LeadId).ToList()),
            new TaskFigures(tasks.Count, peakDay?.Key, peakDay?.Count() ?? 0, Math.Round(tasks.Count / (double)days, 2), perConsultant),
            leads.Sum(l => l.BookingsRequested), leads.Sum(l => l.VisitsBooked), lost.Count, leads.Count(l => l.Closed is { Won: true }),
            lost.GroupBy(l => l.Closed!.Value.Reason).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            leads.Sum(l => l.SupervisorAlerts),
            new AnswerFigures(leads.Sum(l => l.Replayed), leads.Sum(l => l.Drawn), leads.Sum(l => l.WithoutRecord)),
            new InstanceFigures(leads.Count(l => l.Status == InstanceStatus.Completed), leads.Count(l => l.Status == InstanceStatus.Active),
                leads.Count(l => l.Status == InstanceStatus.Cancelled), leads.Count(l => l.HasIncident)));
    }

    /// <summary>
    /// Each lead's customer SMS through notification's rules in the order it asks for them (SmsRequests): refused when the customer
    /// already has the weekly cap's number in the 7 days before, else held when it falls in the quiet hours. One lead is one customer.
    /// </summary>
    private static SmsRuleFigures ByTheRules(IReadOnlyList<SimulatedLead> leads, DealershipSmsRules rules)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(rules.TimeZone);
        var held = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var stopped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var lead in leads)
        {
            var counted = new List<DateTimeOffset>();
            foreach (var message in lead.Sms.Where(m => m.ForCustomer).OrderBy(m => m.At))
            {
                if (counted.Count(at => at > message.At - TimeSpan.FromDays(7)) >= rules.WeeklyCap)
                {
                    stopped[message.Purpose] = stopped.GetValueOrDefault(message.Purpose) + 1;
                    continue;
                }
                counted.Add(message.At);
                if (rules.QuietHours.NextAllowedTime(message.At, zone) > message.At)
                    held[message.Purpose] = held.GetValueOrDefault(message.Purpose) + 1;
            }
        }
        return new SmsRuleFigures(held.Values.Sum(), stopped.Values.Sum(), held, stopped);
    }

    public static IReadOnlyList<DifferingLead> Differences(IReadOnlyList<SimulatedLead> simulated, IReadOnlyList<SimulatedLead> published) =>
        simulated.Zip(published)
            .Where(p => !p.First.Path.SequenceEqual(p.Second.Path))
            .Select(p => new DifferingLead(p.First.LeadId, p.First.Path, p.Second.Path, p.First.Flows.Distinct().ToList(), p.Second.Flows.Distinct().ToList()))
            .ToList();
}
