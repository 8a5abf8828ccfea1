using System.Collections.Concurrent;
using MassTransit;

namespace Dealership.Tests.Support;

/// <summary>
/// Counts completed consumes per message id and queue, including repeats of the same message id
/// (which the test harness's lists fold into one).
/// </summary>
public sealed class ConsumeCounter : IConsumeObserver
{
    private readonly ConcurrentDictionary<(Guid?, string), int> _counts = new();
    private readonly ConcurrentDictionary<(Type, string), int> _byType = new();
    private readonly ConcurrentDictionary<(Type, string), int> _faults = new();

    public int Count(Guid messageId, string queue) => _counts.GetValueOrDefault((messageId, queue));

    /// <summary>Completed consumes of any message of type <typeparamref name="T"/> on the queue, whoever published it.</summary>
    public int Count<T>(string queue) => _byType.GetValueOrDefault((typeof(T), queue));

    /// <summary>Attempts at consuming a message of type <typeparamref name="T"/> on the queue that threw (each retry is one).</summary>
    public int Faults<T>(string queue) => _faults.GetValueOrDefault((typeof(T), queue));

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        var queue = context.ReceiveContext.InputAddress.Segments[^1];
        _counts.AddOrUpdate((context.MessageId, queue), 1, (_, n) => n + 1);
        _byType.AddOrUpdate((typeof(T), queue), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        _faults.AddOrUpdate((typeof(T), context.ReceiveContext.InputAddress.Segments[^1]), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
