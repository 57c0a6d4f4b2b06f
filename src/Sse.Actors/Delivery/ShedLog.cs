using System.Diagnostics;
using Akka.Event;
using Sse.Actors.Diagnostics;

namespace Sse.Actors.Delivery;

/// <summary>A delivery's sheds: every event counted (<c>sse_events_shed</c>, at=broker), at most one log line per interval while overloaded.</summary>
internal sealed class ShedLog(SseMetrics? metrics, ILoggingAdapter log)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private long _loggedAt = -Stopwatch.Frequency * 3600;
    private long _sinceLog;

    public void Shed(long events)
    {
        metrics?.Shed(SseMetrics.ShedAt.Broker, events);
        _sinceLog += events;
        if (Stopwatch.GetElapsedTime(_loggedAt) < Interval)
        {
            return;
        }
        log.Warning("The node's delivery shed {Events} live events past Sse:Limits:MaxBrokerBacklog; the connections of their streams catch up", _sinceLog);
        _loggedAt = Stopwatch.GetTimestamp();
        _sinceLog = 0;
    }
}
