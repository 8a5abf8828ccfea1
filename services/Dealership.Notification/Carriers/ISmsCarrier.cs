namespace Dealership.Notification.Carriers;

/// <summary>One SMS as a carrier takes it. <see cref="Id"/> goes to the carrier as our reference, so a retried send is recognised.</summary>
public sealed record CarrierMessage(Guid Id, string Phone, string Signature, string Text);

public enum CarrierOutcome
{
    /// <summary>Taken; a delivery receipt follows.</summary>
    Accepted,
    /// <summary>Taken and delivered at once (the development sink).</summary>
    Delivered,
    /// <summary>A fault worth retrying: a timeout, a 5xx, throttling.</summary>
    Transient,
    /// <summary>Refused for good: a bad number, a blocked signature.</summary>
    Permanent,
}

public sealed record CarrierResult(CarrierOutcome Outcome, string? CarrierMessageId = null, string? Error = null);

/// <summary>Where SMS leave the platform: the development sink, or a carrier's HTTP gateway.</summary>
public interface ISmsCarrier
{
    Task<CarrierResult> SendAsync(CarrierMessage message, CancellationToken cancellationToken);
}

/// <summary>The development sink: nothing leaves the machine; messages are listed over HTTP as delivered.</summary>
public sealed class DevelopmentSmsSink : ISmsCarrier
{
    public Task<CarrierResult> SendAsync(CarrierMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(new CarrierResult(CarrierOutcome.Delivered, "sink-" + message.Id.ToString("N")));
}
