using Dealership.Contracts;
using Dealership.Hosting;
using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake.Customers;
using Dealership.LeadIntake.Leads;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Dealership.LeadIntake.Intake;

public enum IntakeOutcome
{
    /// <summary>A new lead was opened.</summary>
    Accepted,
    /// <summary>The same arrival (source and external id) was already taken in.</summary>
    Duplicate,
    /// <summary>The customer's open lead took it in as a new enquiry.</summary>
    Merged,
    Rejected,
}

public sealed record IntakeResult(IntakeOutcome Outcome, Guid? LeadId, Guid? RejectionId, IReadOnlyDictionary<string, string[]> Errors)
{
    public static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>The reasons as "field: message" lines, as rejected leads and import rows keep them.</summary>
    public static List<string> ReasonLines(IReadOnlyDictionary<string, string[]> errors) =>
        errors.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}")).ToList();
}

/// <summary>How a submission came in, for the enquiry record and for rejections.</summary>
/// <param name="Owner">The consultant who entered the lead as an own contact, who keeps it.</param>
public sealed record IntakeChannel(string Name, string SubmittedBy, Guid? Owner = null);

/// <summary>
/// The one path every channel's leads take: validate, recognise a repeat, merge into the customer's
/// open lead or open a new one, record consent, and publish what happened. Each call commits on its own.
/// </summary>
public sealed class LeadIntakePipeline(LeadIntakeDbContext db, TimeProvider clock, ILogger<LeadIntakePipeline> logger)
{
    /// <summary>
    /// Every arrival for one customer writes the same customer and lead rows, so of N simultaneous
    /// arrivals only one commits per round and the last may lose N - 1 times (more while the lead's own
    /// events bump its version too). Each lost round means another writer made progress, so the budget
    /// only has to outlast a burst, not bound a livelock.
    /// </summary>
    private const int Attempts = 25;

    // A concurrent arrival for the same enquiry or customer committed first: the next attempt sees it
    // and answers as a duplicate or a merge.
    // auditAs: the audit entry of the request that brought the lead, for the outcome it is answered with; committed with the
    // lead or the merge (an arrival that changes nothing, a repeat or a rejection, is left to the request's audit trail).
    public Task<IntakeResult> SubmitAsync(SubmitLeadRequest request, IntakeChannel channel, string rawPayload, CancellationToken cancellationToken,
        Func<IntakeOutcome, ActionAudited?>? auditAs = null) =>
        db.RetryOnConflictAsync(() => TrySubmitAsync(request, channel, rawPayload, auditAs, cancellationToken), Attempts, cancellationToken);

    /// <summary>Keeps a submission that cannot be used, with every reason, and announces it.</summary>
    public async Task<IntakeResult> RejectAsync(IntakeChannel channel, string rawPayload, IReadOnlyDictionary<string, string[]> errors,
        SubmitLeadRequest? request, Guid dealershipId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reasons = IntakeResult.ReasonLines(errors);
        var rejected = new RejectedLead
        {
            Id = NewId.NextGuid(),
            DealershipId = dealershipId,
            DealershipCode = Text.Truncate(request?.DealershipCode?.Trim().ToUpperInvariant(), 32),
            Channel = channel.Name,
            Source = Text.Truncate(request?.Source?.Trim(), 40),
            ExternalId = Text.Truncate(request?.ExternalId?.Trim(), 100),
            Reasons = string.Join('\n', reasons),
            RawPayload = Text.Truncate(rawPayload, MaxRawPayload)!,
            SubmittedBy = channel.SubmittedBy,
            ReceivedAt = now,
            Status = RejectionStatus.Open,
        };
        db.RejectedLeads.Add(rejected);
        db.Publish(new LeadRejected(dealershipId, rejected.DealershipCode ?? "", rejected.Source ?? "", rejected.ExternalId ?? "", reasons, now));
        await db.SaveChangesAsync(cancellationToken);
        logger.LogWarning("Lead from {Channel} rejected ({RejectionId}): {Reasons}", channel.Name, rejected.Id, string.Join("; ", errors.Keys));
        return new IntakeResult(IntakeOutcome.Rejected, null, rejected.Id, errors);
    }

    /// <summary>Raw payloads are kept for a person to read, not as an archive: very large ones are cut.</summary>
    public const int MaxRawPayload = 64 * 1024;

    private async Task<IntakeResult> TrySubmitAsync(SubmitLeadRequest request, IntakeChannel channel, string rawPayload,
        Func<IntakeOutcome, ActionAudited?>? auditAs, CancellationToken cancellationToken)
    {
        var code = request.DealershipCode?.Trim().ToUpperInvariant();
        var dealership = string.IsNullOrEmpty(code) ? null : await DealershipByCode.For(db)(db, code, cancellationToken);
        var (submission, errors) = LeadSubmission.Validate(request, dealership?.PhoneRegion ?? "CN");
        if (dealership is null && !string.IsNullOrEmpty(code))
            errors["dealershipCode"] = [$"Dealership {code} is not known."];
        else if (dealership is { Active: false })
            errors["dealershipCode"] = [$"Dealership {code} is closed and takes no new leads."];
        if (submission is null || dealership is not { Active: true })
            return await RejectAsync(channel, rawPayload, errors, request, dealership?.Id ?? Guid.Empty, cancellationToken);

        var repeated = await RepeatedEnquiry.For(db)(db, dealership.Id, submission.Source, submission.ExternalId, cancellationToken);
        if (repeated is not null)
            return new IntakeResult(IntakeOutcome.Duplicate, repeated, null, IntakeResult.NoErrors);

        var now = clock.GetUtcNow();
        var customer = submission.Phone is null
            ? null
            : await CustomerByPhone.For(db)(db, dealership.Id, submission.Phone, cancellationToken);
        var openLead = customer?.OpenLeadId is { } openLeadId
            // A consultant's own contact merges into the customer's open lead whoever holds it.
            ? await db.Leads.IgnoreQueryFilters([ServiceDbContext.ConsultantFilter]).SingleOrDefaultAsync(l => l.Id == openLeadId, cancellationToken)
            : null;

        IntakeResult result;
        if (openLead is not null && openLead.IsOpen && dealership.MergeOnPhone && openLead.CreatedAt >= now.AddDays(-dealership.MergeWindowDays))
        {
            AddEnquiry(openLead, submission, channel, now);
            openLead.UpdatedAt = now;
            openLead.Version++;
            openLead.Name ??= submission.Name;
            openLead.Email ??= submission.Email;
            // How soon the customer means to buy changes as the customer gets closer: the latest word counts.
            openLead.Timeframe = submission.Timeframe?.Copy() ?? openLead.Timeframe;
            openLead.Address ??= submission.Address;
            openLead.PreferredContact ??= submission.PreferredContact;
            openLead.PreferredContactTime ??= submission.PreferredContactTime;
            AddTimeline(openLead.Id, now, "enquiry-merged",
                $"New enquiry from {Describe(submission)} ({channel.SubmittedBy}), external id {submission.ExternalId}, merged into this open lead", submission, channel);
            db.Publish(new LeadMerged(openLead.Id, dealership.Id, submission.Source, submission.ExternalId, now));
            customer!.Version++;
            foreach (var consent in await RecordConsentAsync(customer, openLead.Id, submission.Consent, now, cancellationToken))
                db.Publish(new ConsentChanged(customer.DealershipId, openLead.Id, customer.Phone, consent.Channel, consent.Granted, consent.Source, now));
            result = new IntakeResult(IntakeOutcome.Merged, openLead.Id, null, IntakeResult.NoErrors);
        }
        else
        {
            var lead = new Lead
            {
                Id = NewId.NextGuid(),
                DealershipId = dealership.Id,
                DealershipCode = dealership.Code,
                Source = submission.Source,
                ExternalId = submission.ExternalId,
                SourceDetail = submission.SourceDetail,
                Name = submission.Name,
                Phone = submission.Phone,
                Email = submission.Email,
                VehicleOfInterest = submission.VehicleOfInterest,
                Timeframe = submission.Timeframe?.Copy(),
                Address = submission.Address,
                PreferredContact = submission.PreferredContact,
                PreferredContactTime = submission.PreferredContactTime,
                Stage = LeadStage.New,
                CreatedAt = now,
                UpdatedAt = now,
                // A walk-in is a visit already: the funnel counts it as arrived, though nobody invited the customer.
                ArrivedAt = submission.Source == LeadSources.WalkIn ? now : null,
            };
            if (submission.Phone is not null)
            {
                if (customer is null)
                {
                    customer = new Customer { Id = NewId.NextGuid(), DealershipId = dealership.Id, Phone = submission.Phone, CreatedAt = now };
                    db.Customers.Add(customer);
                }
                customer.Name = submission.Name ?? customer.Name;
                customer.OpenLeadId = lead.Id;
                customer.Version++;
                lead.CustomerId = customer.Id;
            }
            db.Leads.Add(lead);
            AddEnquiry(lead, submission, channel, now);
            AddTimeline(lead.Id, now, "received", $"Lead received from {Describe(submission)} ({channel.SubmittedBy}), external id {submission.ExternalId}", submission, channel);
            var consents = customer is null ? [] : await RecordConsentAsync(customer, lead.Id, submission.Consent, now, cancellationToken);
            db.Publish(new LeadAccepted(lead.Id, lead.DealershipId, lead.DealershipCode, lead.Source, lead.ExternalId, lead.Name, lead.Phone, now, lead.VehicleOfInterest,
                OwnerConsultantId: channel.Owner, Consents: consents.Count > 0 ? consents : null,
                FirstLeadOfCustomer: customer is null ? null : db.Entry(customer).State == EntityState.Added));
            result = new IntakeResult(IntakeOutcome.Accepted, lead.Id, null, IntakeResult.NoErrors);
        }

        if (auditAs?.Invoke(result.Outcome) is { } audited)
            db.Publish(audited);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Lead {LeadId} {Outcome} for {DealershipCode} from {Source}, phone {Phone}",
            result.LeadId, result.Outcome, dealership.Code, submission.Source, PhoneMask.Mask(submission.Phone));
        return result;
    }

    // Compiled, as every lead posted asks them: LINQ built and looked up each query's expression at every call (ADR 0535).
    private static readonly CompiledQuery<Func<LeadIntakeDbContext, string, CancellationToken, Task<IntakeDealership?>>> DealershipByCode =
        new(() => EF.CompileAsyncQuery((LeadIntakeDbContext context, string code, CancellationToken _) => context.Dealerships.SingleOrDefault(d => d.Code == code)));

    private static readonly CompiledQuery<Func<LeadIntakeDbContext, Guid, string, string?, CancellationToken, Task<Guid?>>> RepeatedEnquiry =
        new(() => EF.CompileAsyncQuery((LeadIntakeDbContext context, Guid dealershipId, string source, string? externalId, CancellationToken _) => context.Enquiries
            .Where(e => e.DealershipId == dealershipId && e.Source == source && e.ExternalId == externalId)
            .Select(e => (Guid?)e.LeadId)
            .FirstOrDefault()));

    private static readonly CompiledQuery<Func<LeadIntakeDbContext, Guid, string, CancellationToken, Task<Customer?>>> CustomerByPhone =
        new(() => EF.CompileAsyncQuery((LeadIntakeDbContext context, Guid dealershipId, string phone, CancellationToken _) =>
            context.Customers.SingleOrDefault(c => c.DealershipId == dealershipId && c.Phone == phone)));

    /// <summary>Records the consent stated with a lead where it changes what is on record; returns the changes, for the caller to announce.</summary>
    private async Task<List<LeadConsent>> RecordConsentAsync(Customer customer, Guid leadId, ConsentStatement? statement, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var changes = new List<LeadConsent>();
        if (statement is null)
            return changes;
        // A customer first seen with this lead has nothing on record to look up (most leads: two queries fewer).
        var firstSeen = db.Entry(customer).State == EntityState.Added;
        foreach (var (channel, granted) in new[] { (ConsentChannels.Sms, statement.Sms), (ConsentChannels.Phone, statement.Phone) })
        {
            if (granted is null)
                continue;
            var current = firstSeen ? null : await db.Consents
                .Where(c => c.CustomerId == customer.Id && c.Channel == channel)
                .OrderByDescending(c => c.At)
                .FirstOrDefaultAsync(cancellationToken);
            if (current?.Granted == granted)
                continue;
            var source = string.IsNullOrWhiteSpace(statement.Source) ? "lead submission" : statement.Source.Trim();
            db.Consents.Add(new ConsentRecord
            {
                Id = NewId.NextGuid(), DealershipId = customer.DealershipId, CustomerId = customer.Id, Channel = channel,
                Granted = granted.Value, Source = Text.Truncate(source, 200)!, LeadId = leadId, At = now,
            });
            changes.Add(new LeadConsent(channel, granted.Value, source));
        }
        return changes;
    }

    private void AddEnquiry(Lead lead, LeadSubmission submission, IntakeChannel channel, DateTimeOffset now) =>
        db.Enquiries.Add(new Enquiry
        {
            Id = NewId.NextGuid(),
            LeadId = lead.Id,
            DealershipId = lead.DealershipId,
            Source = submission.Source,
            ExternalId = submission.ExternalId,
            SourceDetail = submission.SourceDetail,
            VehicleOfInterest = submission.VehicleOfInterest,
            Note = submission.Note,
            // The enquiry keeps its own copy: EF Core maps an owned object to one owner only.
            Timeframe = submission.Timeframe?.Copy(),
            Vehicles = [.. submission.Vehicles ?? []],
            SubmittedBy = Text.Truncate($"{channel.Name}: {channel.SubmittedBy}", 200)!,
            ReceivedAt = now,
        });

    private void AddTimeline(Guid leadId, DateTimeOffset at, string kind, string text, LeadSubmission submission, IntakeChannel channel) =>
        db.Timeline.Add(new TimelineEntry
        {
            Id = NewId.NextGuid(), LeadId = leadId, At = at, Kind = kind, Text = Text.Truncate(text, 1000)!,
            Facts = TimelineFacts.Write(new Dictionary<string, string?>
            {
                ["source"] = submission.Source, ["sourceDetail"] = submission.SourceDetail, ["channel"] = channel.Name,
                ["submittedBy"] = channel.SubmittedBy, ["externalId"] = submission.ExternalId,
            }),
        });

    private static string Describe(LeadSubmission s) => s.SourceDetail is null ? s.Source : $"{s.Source} ({s.SourceDetail})";

}
