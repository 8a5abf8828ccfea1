using System.Reflection;
using MassTransit;
using MassTransit.Middleware;

namespace Dealership.Hosting.Messaging;

public static class Partitioning
{
    /// <summary>
    /// A partitioner of eight lanes, to be shared by the consumers whose messages must not overlap for one key: messages
    /// with different keys go on beside each other, as many at once as there are lanes.
    /// </summary>
    public static IPartitioner NewPartitioner() => new Partitioner(8, new Murmur3UnsafeHashGenerator());

    private static readonly MethodInfo ByKeyOfMessage = typeof(Partitioning).GetMethod(nameof(ByKey), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// Sends every message type <typeparamref name="TConsumer"/> takes through <paramref name="partitioner"/> by the message's
    /// <see cref="Guid"/> property of that name (a lead's id, a dealership's), so that messages with the same key are consumed
    /// one at a time in this process while the others go on beside them.
    /// </summary>
    public static void PartitionBy<TConsumer>(this IConsumerConfigurator<TConsumer> consumer, IPartitioner partitioner, string property)
        where TConsumer : class
    {
        var messageTypes = typeof(TConsumer).GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0]);
        foreach (var messageType in messageTypes)
            ByKeyOfMessage.MakeGenericMethod(typeof(TConsumer), messageType).Invoke(null, [consumer, partitioner, property]);
    }

    private static void ByKey<TConsumer, TMessage>(IConsumerConfigurator<TConsumer> consumer, IPartitioner partitioner, string property)
        where TConsumer : class where TMessage : class
    {
        var getter = typeof(TMessage).GetProperty(property)?.GetMethod is { ReturnType: var type } method && type == typeof(Guid)
            ? method.CreateDelegate<Func<TMessage, Guid>>()
            : throw new InvalidOperationException($"{typeof(TMessage).Name}, taken by {typeof(TConsumer).Name}, has no Guid {property} to be partitioned by.");
        consumer.Message<TMessage>(m => m.UsePartitioner(partitioner, context => getter(context.Message)));
    }
}
