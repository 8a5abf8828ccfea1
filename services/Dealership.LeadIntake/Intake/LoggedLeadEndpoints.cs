using Dealership.Hosting;
using Dealership.Hosting.Api;
using Dealership.Hosting.Security;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dealership.LeadIntake.Intake;

/// <summary>Leads entered by people: a receptionist logging an inbound call, a consultant adding an own contact.</summary>
public static class LoggedLeadEndpoints
{
    /// <param name="CallId">The phone system's id of the call, if any: logging the same call twice keeps one lead.</param>
    /// <param name="Question">What the caller asked; an unanswered question becomes the callback promise.</param>
    /// <param name="SmsConsent">Whether the caller agreed to receive SMS; a caller always agrees to be called back.</param>
    public record InboundCall(string? DealershipCode, string? Phone, string? Name, string? Question, string? VehicleOfInterest,
        string? CallId, bool? SmsConsent);

    /// <param name="ContactId">The consultant's own id for the contact, if any: adding it twice keeps one lead.</param>
    public record OwnContact(string? DealershipCode, string? Name, string? Phone, string? Email, string? VehicleOfInterest,
        string? Note, string? ContactId, bool? SmsConsent, bool? PhoneConsent);

    public static void MapLoggedLeadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var leads = endpoints.MapGroup("/api/leads").WithTags("Intake").RequireAuthorization();
        leads.MapPost("/inbound-calls", LogCallAsync)
            .WithSummary("A receptionist logs an inbound call as a lead")
            .WithRequestExample(new InboundCall("DEMO01", "139 1234 8801", "王先生", "周六能试驾 ID.4 吗？", "ID.4 CROZZ", "CALL-20261130-0042", SmsConsent: true));
        leads.MapPost("/own-contacts", AddOwnContactAsync)
            .WithSummary("A consultant adds one of his or her own contacts as a lead")
            .WithRequestExample(new OwnContact("DEMO01", "刘女士", "138 0013 8002", null, "帕萨特", "老客户介绍", "WX-liu-2026", SmsConsent: true, PhoneConsent: true));
    }

    private static async Task<Results<Created<SubmittedLead>, Ok<SubmittedLead>, ValidationProblem, ForbiddenProblem>> LogCallAsync(InboundCall call, ClaimsPrincipal user, LeadIntakePipeline pipeline, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(call.Phone))
            return Problems.Invalid("phone", "An inbound call is logged with the caller's number.");
        // The person signed in took the call; a name in the body is not believed.
        var loggedBy = user.ActorName();
        var lead = new SubmitLeadRequest
        {
            DealershipCode = call.DealershipCode, Source = LeadSources.InboundCall,
            ExternalId = string.IsNullOrWhiteSpace(call.CallId) ? $"call-{Guid.NewGuid():N}" : call.CallId,
            Name = call.Name, Phone = call.Phone, VehicleOfInterest = call.VehicleOfInterest, Note = call.Question,
            Consent = new ConsentStatement { Phone = true, Sms = call.SmsConsent, Source = $"inbound call logged by {loggedBy}" },
        };
        return await IntakeEndpoints.SubmitOneAsync(lead, JsonSerializer.Serialize(call, IntakeEndpoints.Json), user, pipeline,
            new IntakeChannel("inbound-call", loggedBy), cancellationToken);
    }

    private static Task<Results<Created<SubmittedLead>, Ok<SubmittedLead>, ValidationProblem, ForbiddenProblem>> AddOwnContactAsync(OwnContact contact, ClaimsPrincipal user, LeadIntakePipeline pipeline, CancellationToken cancellationToken)
    {
        var consultant = user.ActorName();
        var lead = new SubmitLeadRequest
        {
            DealershipCode = contact.DealershipCode, Source = LeadSources.ConsultantOwn,
            ExternalId = string.IsNullOrWhiteSpace(contact.ContactId) ? $"contact-{Guid.NewGuid():N}" : contact.ContactId,
            Name = contact.Name, Phone = contact.Phone, Email = contact.Email, VehicleOfInterest = contact.VehicleOfInterest, Note = contact.Note,
            Consent = contact.SmsConsent is null && contact.PhoneConsent is null ? null
                : new ConsentStatement { Sms = contact.SmsConsent, Phone = contact.PhoneConsent, Source = $"given to consultant {consultant}" },
        };
        return IntakeEndpoints.SubmitOneAsync(lead, JsonSerializer.Serialize(contact, IntakeEndpoints.Json), user, pipeline,
            new IntakeChannel("own-contact", consultant, user.ConsultantId()), cancellationToken);
    }
}
