using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Dealership.Hosting.Messaging;

/// <summary>Puts the lead and dealership a message concerns into the log scope of everything its consumer logs.</summary>
public sealed class LeadLogScopeFilter<T>(ILogger<LeadLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>> where T : class
{
    private static readonly PropertyInfo? LeadId = typeof(T).GetProperty("LeadId");
    private static readonly PropertyInfo? DealershipId = typeof(T).GetProperty("DealershipId");

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var scope = new Dictionary<string, object?> { ["MessageType"] = typeof(T).Name, ["MessageId"] = context.MessageId };
        if (LeadId is not null)
            scope["LeadId"] = LeadId.GetValue(context.Message);
        if (DealershipId is not null)
            scope["DealershipId"] = DealershipId.GetValue(context.Message);
        using (logger.BeginScope(scope))
            await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("leadLogScope");
}
