using Dealership.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Hosting;

/// <summary>Clock:OffsetFile lets a fault program jump a host's clock; without it the host keeps the system clock.</summary>
public class Clock_offset_Specs
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Should_keep_the_system_clock_without_the_setting()
    {
        await using var app = await TestApp.StartAsync(settings: ["--services=invitation-workflow"]);

        Assert.Same(TimeProvider.System, app.Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task Should_follow_the_offset_written_in_the_file_as_it_changes()
    {
        var data = TestApp.NewDataDirectory();
        Directory.CreateDirectory(data);
        var file = Path.Combine(data, "clock-offset");
        await File.WriteAllTextAsync(file, "1.01:00:00");
        await using var app = await TestApp.StartAsync(data, settings: ["--services=invitation-workflow", $"--Clock:OffsetFile={file}"]);
        var clock = app.Services.GetRequiredService<TimeProvider>();

        AssertNear(DateTimeOffset.UtcNow + TimeSpan.FromHours(25), clock.GetUtcNow());

        await File.WriteAllTextAsync(file, "-00:30:00");
        await Eventually.Get(() => Task.FromResult(clock.GetUtcNow()), now => Near(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(30), now), because: "the clock should follow the changed file");

        // Deleted: back to real time.
        File.Delete(file);
        await Eventually.Get(() => Task.FromResult(clock.GetUtcNow()), now => Near(DateTimeOffset.UtcNow, now), because: "a deleted file is no offset");
    }

    private static bool Near(DateTimeOffset expected, DateTimeOffset actual) => (actual - expected).Duration() < Tolerance;

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.True(Near(expected, actual), $"expected about {expected:O}, was {actual:O}");
}
