using System.Text.Json;
using Dealership.Hosting.Data;
using Microsoft.Data.Sqlite;

namespace Dealership.Faults;

/// <summary>
/// Reads each service's SQLite file read-only (a test program may; the product's services never read each other's)
/// and the broker's error queues, and says which invariant does not hold.
/// </summary>
public sealed class Invariants(IReadOnlyDictionary<string, ServiceProcess> services, Broker broker)
{
    /// <summary>Message ids (or, for plain payloads, the payload) of poison this program put on a queue, by queue.</summary>
    public HashSet<string> InjectedPoison { get; } = [];
    public int PoisonMessages { get; set; }

    public static SqliteConnection Open(string file)
    {
        // Pooling off: a pooled connection would keep the file open between checks, also while a fault holds it.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 60 }.ToString());
        connection.Open();
        return connection;
    }

    private static List<object?[]> Query(string file, string sql)
    {
        using var connection = Open(file);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private string Db(string service) => services[service].DatabaseFile;

    public HashSet<Guid> Ids(string service, string sql) => Query(Db(service), sql).Select(r => Guid.Parse((string)r[0]!)).ToHashSet();

    public long Count(string service, string sql) => Convert.ToInt64(Query(Db(service), sql)[0][0]);

    /// <summary>A count per lead, from a query that selects a lead id (text) and a count.</summary>
    public Dictionary<Guid, long> PerLead(string service, string sql) =>
        Query(Db(service), sql).ToDictionary(r => Guid.Parse((string)r[0]!), r => Convert.ToInt64(r[1]));

    /// <summary>Leads lead-intake holds, and of them those that have their first-contact task in the workflow service: the pipeline's backlog.</summary>
    public (long Leads, long Tasked) Progress() =>
        (Count("lead-intake", "SELECT COUNT(*) FROM Leads"),
         Count("invitation-workflow", "SELECT COUNT(DISTINCT LeadId) FROM ConsultantTasks WHERE Kind = 'first-contact'"));

    public Dictionary<string, long> UnsentOutbox() =>
        services.Keys.ToDictionary(s => s, s => Count(s, "SELECT COUNT(*) FROM OutboxMessages WHERE SentAt IS NULL"));

    /// <summary>Checks everything; returns the broken invariants (empty when all hold) and prints what was counted.</summary>
    public async Task<List<string>> CheckAsync(LeadStream stream, IReadOnlyDictionary<string, Guid> otherAccepted, TextWriter log)
    {
        var broken = new List<string>();

        // 1. Every accepted lead stored exactly once.
        var leads = Query(Db("lead-intake"), "SELECT Id, Source, ExternalId FROM Leads")
            .Select(r => (Id: Guid.Parse((string)r[0]!), Source: (string?)r[1], ExternalId: (string?)r[2])).ToList();
        var leadIds = leads.Select(l => l.Id).ToHashSet();
        var enquiries = Query(Db("lead-intake"), "SELECT LeadId, Source, ExternalId FROM Enquiries WHERE ExternalId IS NOT NULL")
            .Select(r => (LeadId: Guid.Parse((string)r[0]!), Key: $"{r[1]}/{r[2]}")).ToList();
        var leadsPerExternalId = enquiries.GroupBy(e => e.Key).Where(g => g.Select(e => e.LeadId).Distinct().Count() > 1).ToList();
        var accepted = stream.Accepted.Select(kv => (Key: "oem/" + kv.Key, Lead: kv.Value)).Concat(otherAccepted.Select(kv => (Key: kv.Key, Lead: kv.Value))).ToList();
        var missing = accepted.Where(a => !leadIds.Contains(a.Lead)).ToList();
        var byKey = enquiries.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.First().LeadId);
        var answeredOtherLead = accepted.Where(a => byKey.TryGetValue(a.Key, out var stored) && stored != a.Lead).ToList();
        // Each lead of the stream has a phone number of its own: two leads for one external id would be a duplicate.
        var duplicateLeads = leads.Where(l => l.ExternalId is not null).GroupBy(l => $"{l.Source}/{l.ExternalId}").Where(g => g.Count() > 1).ToList();
        var storedUnanswered = stream.Unanswered.Keys.Count(k => byKey.ContainsKey("oem/" + k));
        var why = string.Join(", ", stream.Unanswered.Values.GroupBy(v => v).Select(g => $"{g.Count()} {g.Key}"));
        log.WriteLine($"    leads: {stream.Accepted.Count + otherAccepted.Count} accepted, {leads.Count} stored; {stream.Unanswered.Count} posts got no lead back{(why.Length > 0 ? $" ({why})" : "")}, " +
                      $"of them {storedUnanswered} stored anyway (allowed: a retry would get the same lead); {stream.Skipped} ticks skipped by the driver");
        if (missing.Count > 0)
            broken.Add($"{missing.Count} accepted leads are not stored, e.g. {string.Join(", ", missing.Take(3).Select(m => m.Key))}");
        if (leadsPerExternalId.Count > 0 || duplicateLeads.Count > 0)
            broken.Add($"{leadsPerExternalId.Count + duplicateLeads.Count} external ids are stored as more than one lead, e.g. {string.Join(", ", leadsPerExternalId.Select(g => g.Key).Concat(duplicateLeads.Select(g => g.Key)).Take(3))}");
        if (answeredOtherLead.Count > 0)
            broken.Add($"{answeredOtherLead.Count} submissions were answered with a lead id that is not the stored one");

        // 2. One assignment, one workflow instance and one first-contact task per lead.
        var assignments = Query(Db("assignment"), "SELECT LeadId, COUNT(*) FROM Assignments GROUP BY LeadId")
            .ToDictionary(r => Guid.Parse((string)r[0]!), r => Convert.ToInt64(r[1]));
        var instances = Query(Db("invitation-workflow"), "SELECT BusinessKey, Status, HasOpenIncident, WaitingAt, ProcessKey FROM WorkflowInstances WHERE BusinessKey IS NOT NULL")
            .Select(r => (Lead: Guid.TryParse((string)r[0]!, out var g) ? g : Guid.Empty, Status: (string)r[1]!, Incident: Convert.ToInt64(r[2]) != 0, WaitingAt: (string?)r[3], ProcessKey: (string)r[4]!))
            .Where(i => i.Lead != Guid.Empty).ToList();
        var tasks = Query(Db("invitation-workflow"), "SELECT LeadId, COUNT(*) FROM ConsultantTasks WHERE Kind = 'first-contact' GROUP BY LeadId")
            .ToDictionary(r => Guid.Parse((string)r[0]!), r => Convert.ToInt64(r[1]));
        var instancesPerLead = instances.GroupBy(i => i.Lead).ToDictionary(g => g.Key, g => g.Count());
        var notAssigned = leadIds.Count(l => assignments.GetValueOrDefault(l) == 0);
        var twiceAssigned = leadIds.Count(l => assignments.GetValueOrDefault(l) > 1);
        var noInstance = leadIds.Where(l => instancesPerLead.GetValueOrDefault(l) == 0).ToList();
        var severalInstances = leadIds.Where(l => instancesPerLead.GetValueOrDefault(l) > 1).ToList();
        var noTask = leadIds.Where(l => tasks.GetValueOrDefault(l) == 0).ToList();
        var severalTasks = leadIds.Where(l => tasks.GetValueOrDefault(l) > 1).ToList();
        log.WriteLine($"    assignments {assignments.Count}, workflow instances {instances.Count}, first-contact tasks {tasks.Values.Sum()} for {leadIds.Count} leads");
        if (notAssigned + twiceAssigned > 0)
            broken.Add($"assignment: {notAssigned} leads have no assignment, {twiceAssigned} more than one");
        if (noInstance.Count + severalInstances.Count > 0)
            broken.Add($"workflow: {noInstance.Count} leads have no instance (e.g. {string.Join(", ", noInstance.Take(3))}), {severalInstances.Count} more than one (e.g. {string.Join(", ", severalInstances.Take(3))})");
        if (noTask.Count + severalTasks.Count > 0)
            broken.Add($"tasks: {noTask.Count} leads have no first-contact task (e.g. {string.Join(", ", noTask.Take(3))}), {severalTasks.Count} more than one (e.g. {string.Join(", ", severalTasks.Take(3))})");

        // 3. At most one SMS per lead, template (purpose and step) and recipient.
        var twiceSent = Query(Db("notification"), "SELECT LeadId, Template, Recipient, COUNT(*) FROM SmsMessages GROUP BY LeadId, Template, Recipient HAVING COUNT(*) > 1");
        var sms = Count("notification", "SELECT COUNT(*) FROM SmsMessages");
        log.WriteLine($"    SMS: {sms} (at most one per lead, template and recipient: {(twiceSent.Count == 0 ? "yes" : "no")})");
        if (twiceSent.Count > 0)
            broken.Add($"SMS: {twiceSent.Count} (lead, template, recipient) have more than one SMS, e.g. {string.Join(", ", twiceSent.Take(3).Select(r => $"{r[0]} {r[1]} to {r[2]} x{r[3]}"))}");

        // 4. Nothing stuck: instances of our leads are active, without incident, and wait somewhere; no timer or SMS long overdue; every outbox empty.
        var stuck = instances.Where(i => leadIds.Contains(i.Lead) && (i.Incident || (i.Status == "Active" && string.IsNullOrEmpty(i.WaitingAt)))).ToList();
        var overdue = (long)new UtcBinaryConverter().ConvertToProvider(DateTimeOffset.UtcNow.AddMinutes(-1))!;
        var lateTimers = Count("invitation-workflow", $"SELECT COUNT(*) FROM WorkflowTimers WHERE DueAt < {overdue}");
        var lateSms = Count("notification", $"SELECT COUNT(*) FROM SmsMessages WHERE Status = 'Queued' AND SendAt < {overdue}");
        var unsent = UnsentOutbox();
        // A row written a moment ago (an SMS of the last leads reaching lead-intake's timeline) is on its way, not left behind.
        var thirtySecondsAgo = (long)new UtcBinaryConverter().ConvertToProvider(DateTimeOffset.UtcNow.AddSeconds(-30))!;
        var left = services.Keys.ToDictionary(s => s, s => Count(s, $"SELECT COUNT(*) FROM OutboxMessages WHERE SentAt IS NULL AND CreatedAt < {thirtySecondsAgo}"));
        log.WriteLine($"    stuck: {stuck.Count} instances with an incident or waiting nowhere, {lateTimers} timers and {lateSms} queued SMS over a minute late; " +
                      $"unsent outbox rows: {string.Join(", ", unsent.Select(kv => $"{kv.Key} {kv.Value}"))}, of them over 30 s old: {left.Values.Sum()}");
        if (stuck.Count > 0)
            broken.Add($"workflow: {stuck.Count} instances stuck, e.g. {string.Join(", ", stuck.Take(3).Select(i => $"{i.Lead} {i.Status} incident={i.Incident} waiting at '{i.WaitingAt}'"))}");
        if (lateTimers > 0)
            broken.Add($"workflow: {lateTimers} timers over a minute past due");
        if (lateSms > 0)
            broken.Add($"SMS: {lateSms} queued SMS over a minute past their send time");
        if (left.Values.Sum() > 0)
            broken.Add($"outbox: unsent rows over 30 s old: {string.Join(", ", left.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key} {kv.Value}"))}");

        // 5. Only the poison this program put there sits in the error queues, each with the reason it failed.
        var errorQueues = (await broker.QueuesAsync()).Where(q => q.Name.EndsWith("_error") || q.Name.EndsWith("_skipped")).ToList();
        var parked = 0;
        var notInjected = new List<(string Queue, string Id, string Reason)>();
        foreach (var (queue, count) in errorQueues.Where(q => q.Messages > 0))
        {
            foreach (var message in await broker.PeekAsync(queue, Math.Max(count, 1) + 10))
            {
                parked++;
                var properties = message.GetProperty("properties");
                var id = properties.TryGetProperty("message_id", out var mid) ? mid.GetString() : null;
                var payload = message.GetProperty("payload").GetString() ?? "";
                var ours = (id is not null && InjectedPoison.Contains(id)) || InjectedPoison.Contains(payload);
                string? reason = null;
                if (properties.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
                    reason = headers.TryGetProperty("MT-Fault-Message", out var r) ? r.ToString() : headers.TryGetProperty("MT-Reason", out var mtReason) ? mtReason.ToString() : null;
                if (!ours)
                    notInjected.Add((queue, id ?? payload[..Math.Min(80, payload.Length)], reason ?? "no reason header"));
                else if (string.IsNullOrWhiteSpace(reason))
                    broken.Add($"{queue}: injected poison {id} has no reason header");
            }
        }
        // One line per queue, however many messages a fault parked there.
        foreach (var group in notInjected.GroupBy(m => m.Queue))
            broken.Add($"{group.Key}: {group.Count()} messages this program did not inject, e.g. {group.First().Id}: {group.First().Reason}");
        log.WriteLine($"    error queues: {parked} messages parked ({string.Join(", ", errorQueues.Where(q => q.Messages > 0).Select(q => $"{q.Name} {q.Messages}"))}), " +
                      $"{PoisonMessages} poison messages injected so far");
        return broken;
    }
}
