using System.Collections.Concurrent;
using System.Diagnostics;
using Dealership.Hosting.Polling;
using Dealership.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dealership.Tests.Hosting;

/// <summary>
/// The loop every poller of the product runs on (outbox, SMS sender, workflow timers, no-shows, shift starts),
/// in a bare host: what a spec waiting for a pass may rely on, and what a failing pass does.
/// </summary>
public sealed class Polling_worker_Specs : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private IHost _host = null!;
    private ScriptedWorker Worker => _host.Services.GetRequiredService<ScriptedWorker>();

    /// <summary>A worker whose passes take the spec's steps in turn, whichever pass runs them.</summary>
    private sealed class ScriptedWorker(IHostApplicationLifetime lifetime, ILogger<ScriptedWorker> logger) : PollingWorker(lifetime, logger)
    {
        public ConcurrentQueue<Func<Task>> Script { get; } = new();
        public TimeSpan Every { get; set; } = TimeSpan.FromHours(1);

        protected override TimeSpan Interval => Every;
        protected override TimeSpan MaxBackoff => TimeSpan.FromMilliseconds(400);

        protected override async Task<bool> PassAsync(CancellationToken cancellationToken)
        {
            if (Script.TryDequeue(out var step))
                await step();
            return false;
        }
    }

    private static Func<Task> Gate(TaskCompletionSource entered, TaskCompletionSource open) => async () =>
    {
        entered.SetResult();
        await open.Task;
    };

    public async Task InitializeAsync()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(_logs);
        builder.Services.AddPollingWorker<ScriptedWorker>();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task Should_wait_for_a_pass_that_began_after_the_call_and_not_for_the_one_under_way()
    {
        TaskCompletionSource inFirst = new(), openFirst = new(), inSecond = new(), openSecond = new();
        Worker.Script.Enqueue(Gate(inFirst, openFirst));
        Worker.Script.Enqueue(Gate(inSecond, openSecond));
        _ = Worker.RunPassAsync();
        await inFirst.Task;

        // The pass under way may have read its table before whatever the spec did just now.
        var next = Worker.WaitForNextPassAsync();
        openFirst.SetResult();
        await inSecond.Task;
        Assert.False(next.IsCompleted, "the pass under way when the wait began has ended, and the wait should go on");

        openSecond.SetResult();
        await next;
    }

    [Fact]
    public async Task Should_log_a_failed_pass_and_try_again_after_a_pause_that_doubles()
    {
        Worker.Every = TimeSpan.FromMilliseconds(50);
        var began = new ConcurrentQueue<long>();
        for (var i = 0; i < 3; i++)
        {
            Worker.Script.Enqueue(() =>
            {
                began.Enqueue(Stopwatch.GetTimestamp());
                throw new InvalidOperationException("the table is locked");
            });
        }
        Worker.Script.Enqueue(() =>
        {
            began.Enqueue(Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        });

        // Only the pass after the three that fail ends well: the wait covers them all.
        await Worker.WaitForNextPassAsync();

        var at = began.ToList();
        Assert.Equal(4, at.Count);
        // Pauses of 50, 100 and 200 ms after the failures (the first may be cut short by the wait's wake-up);
        // a busy machine may make them longer, never shorter.
        Assert.True(Stopwatch.GetElapsedTime(at[1], at[2]) >= TimeSpan.FromMilliseconds(95), $"second pause: {Stopwatch.GetElapsedTime(at[1], at[2])}");
        Assert.True(Stopwatch.GetElapsedTime(at[2], at[3]) >= TimeSpan.FromMilliseconds(190), $"third pause: {Stopwatch.GetElapsedTime(at[2], at[3])}");
        Assert.Equal(3, _logs.Lines.Count(l => l.Contains("A pass of ScriptedWorker failed") && l.Contains("the table is locked")));
    }
}
