using Microsoft.Extensions.Hosting;

namespace Dealership.Hosting;

public static class HostStart
{
    /// <summary>
    /// Waits until the host has started, and so the bus with it: background loops that publish would
    /// otherwise fail and wait out their back-off before their first messages go. False when the host
    /// stops first.
    /// </summary>
    public static async Task<bool> WaitForStartAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
