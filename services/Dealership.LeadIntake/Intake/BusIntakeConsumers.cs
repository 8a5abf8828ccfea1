using System.Text;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;

namespace Dealership.LeadIntake.Intake;

/// <summary>Leads from OEM systems that publish the MassTransit <see cref="SubmitLead"/> contract.</summary>
[IdempotentWithoutInbox("the pipeline recognises a repeated (source, external id) and answers it as a duplicate; a lead it cannot use is answered with LeadRejected, so the message is consumed either way")]
public sealed class SubmitLeadConsumer(LeadIntakePipeline pipeline) : IConsumer<SubmitLead>
{
    public Task Consume(ConsumeContext<SubmitLead> context)
    {
        var m = context.Message;
        var request = new SubmitLeadRequest
        {
            DealershipCode = m.DealershipCode, Source = m.Source, ExternalId = m.ExternalId, Name = m.Name, Phone = m.Phone, Email = m.Email,
            VehicleOfInterest = m.VehicleOfInterest, Campaign = m.Campaign, ChannelName = m.ChannelName, Note = m.Note,
            Consent = m.SmsConsent is null && m.PhoneConsent is null ? null : new ConsentStatement { Sms = m.SmsConsent, Phone = m.PhoneConsent, Source = m.ConsentSource },
        };
        var sender = context.SourceAddress?.AbsolutePath.Trim('/') ?? "bus";
        return pipeline.SubmitAsync(request, new IntakeChannel("bus", sender), JsonSerializer.Serialize(m, IntakeEndpoints.Json), context.CancellationToken);
    }
}

/// <summary>
/// Leads as plain JSON on the queue <see cref="Queue"/>, for publishers that do not use MassTransit.
/// The JSON is the same object POST /api/leads takes (docs/lead-intake.md).
/// </summary>
[IdempotentWithoutInbox("the pipeline recognises a repeated (source, external id) and answers it as a duplicate; a lead it cannot use is answered with LeadRejected, so the message is consumed either way")]
public sealed class RawLeadConsumer(LeadIntakePipeline pipeline) : IConsumer<SubmitLeadRequest>
{
    public const string Queue = "lead-intake-raw-leads";

    public Task Consume(ConsumeContext<SubmitLeadRequest> context)
    {
        var raw = Encoding.UTF8.GetString(context.ReceiveContext.Body.GetBytes());
        return pipeline.SubmitAsync(context.Message, new IntakeChannel("raw-json", Queue), raw, context.CancellationToken);
    }
}

public sealed class RawLeadConsumerDefinition : ConsumerDefinition<RawLeadConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RawLeadConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // A plain queue that publishers send to directly: no exchange bound to a .NET type name, and
        // the body is the lead itself, with no MassTransit envelope.
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
    }
}
