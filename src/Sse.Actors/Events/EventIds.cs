namespace Sse.Actors.Events;

/// <summary>
/// Event ids: a process-wide counter seeded with the start time, so ids increase within a node
/// and do not repeat after a restart.
/// </summary>
internal static class EventIds
{
    private static long _last = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public static string Next() => Interlocked.Increment(ref _last).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
