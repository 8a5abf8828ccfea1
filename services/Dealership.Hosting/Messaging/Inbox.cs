using System.Reflection;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dealership.Hosting.Messaging;

/// <summary>
/// The consumer needs no inbox row: it is idempotent by itself, for the reason given. Every other
/// consumer goes through the <see cref="InboxFilter{TConsumer}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class IdempotentWithoutInboxAttribute(string why) : Attribute
{
    public string Why { get; } = why;
}

/// <summary>
/// Remembers what each consumer has consumed, so that a redelivered message has no second effect.
/// A message whose id this consumer already committed is acknowledged without running the consumer;
/// otherwise the consumer runs with its DbContext holding the inbox row, which the context adds to its
/// first save that succeeds, so it commits together with the consumer's changes and outbox rows (see
/// <see cref="ServiceDbContext.SaveChangesAsync(bool, CancellationToken)"/>). Two copies delivered at
/// once both pass the check; one fails on the inbox's key, is retried, and then finds the message consumed.
/// </summary>
/// <remarks>
/// The database is the one the consumer writes to: the <see cref="ServiceDbContext"/> its constructor takes,
/// resolved from the message's scope, so it is the very instance the consumer saves with. The row's
/// consumer name is the class name, as the hand-written checks before this filter stored it.
/// </remarks>
public sealed class InboxFilter<TConsumer>(Type contextType, ILogger logger) : IFilter<ConsumerConsumeContext<TConsumer>> where TConsumer : class
{
    private static readonly string Consumer = typeof(TConsumer).Name;

    public async Task Send(ConsumerConsumeContext<TConsumer> context, IPipe<ConsumerConsumeContext<TConsumer>> next)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException("The message has no MessageId, so a redelivery could not be recognised.");
        var scope = context.GetPayload<IServiceScope>();
        var db = (ServiceDbContext)scope.ServiceProvider.GetRequiredService(contextType);
        if (await db.ConsumedAsync(messageId, Consumer, context.CancellationToken))
        {
            logger.LogDebug("{Consumer} already consumed message {MessageId}; this delivery is a repeat", Consumer, messageId);
            return;
        }
        db.ConsumeOnce(new InboxMessage { MessageId = messageId, Consumer = Consumer, ConsumedAt = DateTimeOffset.UtcNow });
        try
        {
            await next.Send(context);
        }
        finally
        {
            db.ConsumeOnce(null);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inbox").Add("consumer", Consumer);
}

public static class Inbox
{
    /// <summary>Puts the inbox in front of <typeparamref name="TConsumer"/>, unless it says why it needs none.</summary>
    public static void Configure<TConsumer>(IRegistrationContext context, IConsumerConfigurator<TConsumer> consumer) where TConsumer : class
    {
        if (typeof(TConsumer).GetCustomAttribute<IdempotentWithoutInboxAttribute>() is not null)
            return;
        var logger = context.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Inbox).FullName!);
        consumer.UseFilter(new InboxFilter<TConsumer>(ContextTypeOf<TConsumer>(), logger));
    }

    private static Type ContextTypeOf<TConsumer>()
    {
        var contexts = typeof(TConsumer).GetConstructors().SelectMany(c => c.GetParameters())
            .Select(p => p.ParameterType).Where(t => t.IsAssignableTo(typeof(ServiceDbContext))).Distinct().ToList();
        return contexts.Count == 1
            ? contexts[0]
            : throw new InvalidOperationException(
                $"{typeof(TConsumer).Name} takes {(contexts.Count == 0 ? "no" : "more than one")} service DbContext, so its inbox rows have no one database: "
                + $"take the DbContext it writes to, or mark it [{nameof(IdempotentWithoutInboxAttribute)}] with the reason it needs none.");
    }
}
