using Dealership.Assignment.Roster;
using Dealership.Contracts;
using Dealership.Hosting.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Assignment.Routing;

/// <summary>Routes each accepted lead by the dealership's rules and records why.</summary>
public sealed class LeadAcceptedConsumer(AssignmentDbContext db, Assigner assigner) : IConsumer<LeadAccepted>
{
    public async Task Consume(ConsumeContext<LeadAccepted> context)
    {
        var lead = context.Message;
        var cancellationToken = context.CancellationToken;
        await db.RetryOnConflictAsync(async () =>
        {
            // The business key backs up the inbox: one routing per lead, whatever message id it came with.
            if (await Routed.For(db)(db, lead.LeadId, cancellationToken))
                return;

            var routing = await assigner.LoadAsync(lead.DealershipId, cancellationToken);
            if (routing is null)
            {
                // A dealership assignment has not heard of yet: it starts with the defaults and an empty roster.
                var settings = new RoutingSettings { DealershipId = lead.DealershipId, DealershipCode = lead.DealershipCode };
                db.Settings.Add(settings);
                routing = new RoutingContext(settings, [], []);
            }
            var assignment = new LeadAssignment
            {
                LeadId = lead.LeadId, DealershipId = lead.DealershipId, Source = lead.Source, CustomerPhone = lead.CustomerPhone,
                Vehicle = lead.VehicleOfInterest, Language = lead.Language, Reason = "", DecidedAt = assigner.Now,
                State = AssignmentState.Waiting,
            };
            db.Assignments.Add(assignment);
            // A consultant's own contact stays with the consultant while he or she works here; the cap is for what others hand out.
            if (lead.OwnerConsultantId is { } owner && routing.Find(owner) is { Role: StaffRole.Consultant, Status: ConsultantStatus.Active } consultant)
                assigner.Apply(assignment, new RoutingDecision(DecisionKind.Assign, consultant, "own contact", null,
                    $"{consultant.Name}'s own contact, entered by {consultant.Name}"), routing, "assigned", Assigner.Routing);
            else
                await assigner.RouteAsync(assignment, routing, "assigned", Assigner.Routing, cancellationToken: cancellationToken,
                    firstOfCustomer: lead.FirstLeadOfCustomer == true);
            await db.SaveChangesAsync(cancellationToken);
        });
    }

    // Compiled, as every lead asks it (ADR 0535).
    private static readonly CompiledQuery<Func<AssignmentDbContext, Guid, CancellationToken, Task<bool>>> Routed =
        new(() => EF.CompileAsyncQuery((AssignmentDbContext context, Guid leadId, CancellationToken _) => context.Assignments.Any(a => a.LeadId == leadId)));
}
