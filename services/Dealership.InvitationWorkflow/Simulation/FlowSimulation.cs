using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Runtime;

namespace Dealership.InvitationWorkflow.Simulation;

/// <summary>The figures of one version over the recorded leads.</summary>
/// <param name="Version">The version's label (N3, DEMO01-2).</param>
/// <param name="Sms">SMS the flow asks to send, by purpose (template). Quiet hours and caps are notification's and are not applied.</param>
/// <param name="Answers">How the waits were answered: replayed from the lead's own history, drawn from other leads', or left open (nothing recorded).</param>
public sealed record VersionFigures(
    string Version, string Status, int Leads, IReadOnlyDictionary<string, int> Sms, int SmsTotal, FirstContactFigures FirstContact,
    TaskFigures Tasks, int BookingsRequested, int VisitsBooked, int ClosedLost, int ClosedWon, IReadOnlyDictionary<string, int> LostByReason,
    int SupervisorAlerts, AnswerFigures Answers, InstanceFigures Instances);

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
public sealed record SimulationReport(
    string ProcessKey, string DealershipCode, DateTimeOffset From, DateTimeOffset To, DateTimeOffset Until, int Seed, int Leads,
    bool SmsRulesApplied, VersionFigures Simulated, VersionFigures? Published, IReadOnlyList<DifferingLead> DifferingLeads, double ElapsedMilliseconds);

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

    public static VersionFigures Figures(SimulatedVersion version, IReadOnlyList<SimulatedLead> leads, TimeSpan dayOffset, DateTimeOffset from, DateTimeOffset until)
    {
        var sms = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (purpose, count) in leads.SelectMany(l => l.Sms))
            sms[purpose] = sms.GetValueOrDefault(purpose) + count;

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
            version.Label, version.Status, leads.Count, sms, sms.Values.Sum(),
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

    public static IReadOnlyList<DifferingLead> Differences(IReadOnlyList<SimulatedLead> simulated, IReadOnlyList<SimulatedLead> published) =>
        simulated.Zip(published)
            .Where(p => !p.First.Path.SequenceEqual(p.Second.Path))
            .Select(p => new DifferingLead(p.First.LeadId, p.First.Path, p.Second.Path, p.First.Flows.Distinct().ToList(), p.Second.Flows.Distinct().ToList()))
            .ToList();
}
