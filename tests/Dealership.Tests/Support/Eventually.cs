namespace Dealership.Tests.Support;

public static class Eventually
{
    /// <summary>Polls until <paramref name="probe"/> returns a value that satisfies <paramref name="done"/>; fails with the last value seen.</summary>
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
                return last;
            if (DateTime.UtcNow > deadline)
                break;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Not reached in time{(because is null ? "" : ": " + because)}. Last seen: {System.Text.Json.JsonSerializer.Serialize(last)}");
    }
}
