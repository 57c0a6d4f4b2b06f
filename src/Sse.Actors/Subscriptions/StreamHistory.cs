using Sse.Actors.Events;

namespace Sse.Actors.Subscriptions;

/// <summary>
/// What a subscription acknowledgement tells a subscriber with history on: where the stream is now,
/// and either the events after the position it asked for (in order) or that they are gone (<see cref="Gap"/>).
/// </summary>
/// <param name="Now">The stream's epoch and the sequence number of its last event.</param>
/// <param name="Gap">The asked position cannot be resumed: another epoch, older than the kept window, or ahead of the stream (forged).</param>
/// <param name="Missed">The kept events after the asked position, oldest first; empty on a gap or when no position was asked.</param>
public sealed record StreamReplay(StreamPosition Now, bool Gap, IReadOnlyList<SseEvent> Missed);

/// <summary>
/// One stream's numbering and its last events, in a ring of <c>HistorySize</c> slots (allocated on
/// the first event: most entities of a quiet system never get one). Lives and dies with its entity.
/// </summary>
internal sealed class StreamHistory(int size)
{
    private SseEvent[]? _ring;

    /// <summary>Never 0, so a zero epoch is never taken for a stream's.</summary>
    public uint Epoch { get; } = (uint)Random.Shared.NextInt64(1, 1L << 32);

    public long Seq { get; private set; }

    /// <summary>Numbers the event for <paramref name="stream"/> and keeps it; the bytes stay shared, only the record is copied.</summary>
    public SseEvent Append(string stream, SseEvent sseEvent)
    {
        var numbered = sseEvent with { Stream = stream, Position = new StreamPosition(Epoch, ++Seq) };
        (_ring ??= new SseEvent[size])[(Seq - 1) % size] = numbered;
        return numbered;
    }

    /// <summary>The answer to a subscriber that asks to resume after <paramref name="from"/> (none: a first connection).</summary>
    public StreamReplay ReplayAfter(StreamPosition? from, long maxBytes = long.MaxValue)
    {
        var now = new StreamPosition(Epoch, Seq);
        if (from is not { } position)
        {
            return new StreamReplay(now, Gap: false, []);
        }
        var oldestKept = Seq - Math.Min(Seq, size) + 1;
        if (position.Epoch != Epoch || position.Seq > Seq || position.Seq < oldestKept - 1)
        {
            return new StreamReplay(now, Gap: true, []);
        }
        var missed = new SseEvent[Seq - position.Seq];
        long bytes = 0;
        for (var i = 0; i < missed.Length; i++)
        {
            missed[i] = _ring![(position.Seq + i) % size];
            bytes += missed[i].Length;
        }
        // Too much for one message to another node: the subscriber refetches instead.
        return bytes > maxBytes ? new StreamReplay(now, Gap: true, []) : new StreamReplay(now, Gap: false, missed);
    }
}
