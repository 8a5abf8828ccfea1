using MassTransit;

namespace Dealership.Hosting.Lag;

/// <summary>
/// Notes, for every message a service's endpoint receives, how long it waited between its sending (<c>SentTime</c>,
/// stamped by the sender's bus) and the start of its consume: the part of the lag a consumer can see for itself.
/// Put on every endpoint once, by the host. MassTransit places it inside each message type's retry filter, so a
/// retry runs it again: only the first attempt counts, the retries' pauses being no wait in a queue.
/// </summary>
/// <remarks>
/// A message without a <c>SentTime</c> (plain JSON from outside) is not measured. Across machines the two clocks may
/// differ; a wait that reads as negative counts as none.
/// </remarks>
public sealed class ConsumeLagFilter(LagMonitor monitor, string service) : IFilter<ConsumeContext>
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        if (context.SentTime is { } sent && context.GetRetryAttempt() == 0)
            monitor.RecordConsumeStart(service, DateTime.UtcNow - DateTime.SpecifyKind(sent, DateTimeKind.Utc));
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("consumeLag").Add("service", service);

    /// <summary>The service an endpoint belongs to: the module whose name begins the queue's name (<c>lead-intake-submit-lead</c>).</summary>
    public static string ServiceOf(string endpointName, IEnumerable<ServiceModule> modules) =>
        modules.Select(m => m.Name).Where(n => endpointName.StartsWith(n + "-", StringComparison.Ordinal)).MaxBy(n => n.Length) ?? endpointName;
}
