using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Dealership.Hosting;

/// <summary>
/// The system clock plus an offset written in a file (<c>Clock:OffsetFile</c>), so a fault program can jump one
/// process's clock while it runs, as an NTP step or a mis-set host would. Only the wall clock moves: timestamps and
/// timers stay the system's, since a jump of the date does not make a pause longer or shorter. Without the setting the
/// host keeps <see cref="TimeProvider.System"/> and reads no file.
/// </summary>
/// <remarks>
/// The file holds a <see cref="TimeSpan"/> as <c>[-][d.]hh:mm:ss</c>: <c>1.01:00:00</c> for 25 hours (<c>25:00:00</c>
/// reads as 25 days, since hours stop at 23), <c>-00:30:00</c>. A missing file is no offset, so
/// deleting it returns the host to real time. A file that does not parse (empty while its writer is half-way) keeps
/// the offset there was, rather than a moment of real time in the middle of a jump; a writer should still write a new
/// file and rename it over the old one, since a half-written <c>1.01:00:00</c> may read as <c>1</c>, a day. The file
/// is read by a timer (<see cref="CheckEvery"/>), never by a clock call: the workflow engine and the outbox read the
/// clock in their hot paths, and a file watcher would depend on inotify limits and on how the file is written.
/// </remarks>
public sealed class OffsetFileClock : TimeProvider, IDisposable
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(250);

    private readonly string _path;
    private readonly ILogger? _logger;
    private readonly ITimer _check;
    private long _offsetTicks;

    public OffsetFileClock(string path, ILogger? logger = null)
    {
        _path = Path.GetFullPath(path);
        _logger = logger;
        // Said once at the start: a production host with this setting would keep a clock anyone who can write the file moves.
        _logger?.LogWarning("The clock is the system clock plus the offset in {OffsetFile} (Clock:OffsetFile): meant for fault tests", _path);
        Check();
        _check = TimeProvider.System.CreateTimer(_ => Check(), null, CheckEvery, CheckEvery);
    }

    public string OffsetFile => _path;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;

    private void Check()
    {
        TimeSpan offset;
        try
        {
            if (!File.Exists(_path))
                offset = TimeSpan.Zero;
            else if (!TimeSpan.TryParse(File.ReadAllText(_path).Trim(), CultureInfo.InvariantCulture, out offset))
                return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        var before = Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
        if (before != offset.Ticks)
            _logger?.LogWarning("The clock is now the system clock {Offset} (from {OffsetFile})", offset.ToString("c", CultureInfo.InvariantCulture), _path);
    }

    public void Dispose() => _check.Dispose();
}
