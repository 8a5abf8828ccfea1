using System.Diagnostics;
using System.Text.Json;
using Dealership.Contracts;
using Dealership.Hosting.Polling;
using MassTransit;

namespace Dealership.Hosting.Messaging;

/// <summary>A message written in the same transaction as the state change that caused it, published afterwards.</summary>
public class OutboxMessage : ILeasedRow
{
    public Guid Id { get; set; }
    public required string MessageType { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public Guid? LockedBy { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>The W3C trace context of the request or message that caused it, so one lead can be followed across services.</summary>
    public string? TraceParent { get; set; }

    /// <summary>Leased to this process's dispatcher by the save under way, to be handed to it once that commits (not stored).</summary>
    internal bool HandOverOnSave;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage Create<T>(T message) where T : class
    {
        var type = message.GetType();
        if (type.Assembly != typeof(LeadAccepted).Assembly)
            throw new ArgumentException($"{type.Name} is not a contract: only Dealership.Contracts records cross service boundaries.");
        return new OutboxMessage
        {
            // The id becomes the MessageId, which consumers' inboxes use to discard a second delivery.
            Id = NewId.NextGuid(),
            MessageType = type.FullName!,
            Body = JsonSerializer.Serialize(message, type, Json),
            // A technical timestamp that orders dispatch; business time travels inside the message.
            CreatedAt = DateTimeOffset.UtcNow,
            TraceParent = Activity.Current?.Id,
        };
    }

    public (object Message, Type Type) Deserialize()
    {
        var type = typeof(LeadAccepted).Assembly.GetType(MessageType)
            ?? throw new InvalidOperationException($"Unknown contract type {MessageType}");
        return (JsonSerializer.Deserialize(Body, type, Json)!, type);
    }
}

/// <summary>One consumed message, remembered so that a redelivery has no second effect.</summary>
public class InboxMessage
{
    public Guid MessageId { get; set; }
    public required string Consumer { get; set; }
    public DateTimeOffset ConsumedAt { get; set; }
}
