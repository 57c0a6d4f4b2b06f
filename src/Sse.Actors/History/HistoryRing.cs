using Sse.Actors.Events;
using Sse.Actors.Streams;

namespace Sse.Actors.History;

/// <summary>
/// One stream's numbering and its last events, in a ring of <c>HistorySize</c> slots (allocated on
/// the first event: most entities of a quiet system never get one). Lives with its entity, and moves with it in a <see cref="HistorySnapshot"/>.
/// </summary>
internal sealed class HistoryRing(int size)
{
    private SseEvent[]? _ring;
    // The oldest sequence number kept, above the window only after a snapshot that kept fewer events.
    private long _firstKept = 1;

    /// <summary>
    /// Most bytes of events in one remote message by default: the hand-off snapshot always, and a replay to a
    /// subscriber on another node unless the remote frame allows more (<see cref="RemoteReplayLimit"/>).
    /// Under Akka.Remote's default maximum frame (128,000 bytes).
    /// </summary>
    internal const long MaxRemoteReplayBytes = 96 * 1024;

    /// <summary>
    /// Most bytes of events replayed to a subscriber on another node in one acknowledgement, for a remote
    /// frame of <paramref name="maximumFrameSize"/> bytes: the frame less a quarter or 64 KiB of room
    /// for the message around them, and never less than <see cref="MaxRemoteReplayBytes"/>. A larger replay answers a gap instead.
    /// </summary>
    public static long RemoteReplayLimit(long maximumFrameSize) =>
        Math.Max(MaxRemoteReplayBytes, maximumFrameSize - Math.Min(maximumFrameSize / 4, 64 * 1024));

    /// <summary>Events kept, the oldest dropped first.</summary>
    public int Size => size;

    /// <summary>Never 0, so a zero epoch is never taken for a stream's.</summary>
    public uint Epoch { get; private set; } = (uint)Random.Shared.NextInt64(1, 1L << 32);

    /// <summary>The sequence number of the last event kept: what subscribers can be given.</summary>
    public long Seq { get; private set; }

    // The sequence number of the last event numbered; ahead of Seq while the durable store writes.
    private long _numbered;

    /// <summary>Events numbered and not yet kept: those the durable store is writing.</summary>
    public long Unwritten => _numbered - Seq;

    /// <summary>Numbers the event for <paramref name="stream"/> and keeps it; the bytes stay shared, only the record is copied.</summary>
    public SseEvent Append(string stream, SseEvent sseEvent)
    {
        var numbered = Number(stream, sseEvent);
        Keep(numbered);
        return numbered;
    }

    /// <summary>Numbers the event for <paramref name="stream"/> without keeping it yet: the durable store writes it first.</summary>
    public SseEvent Number(string stream, SseEvent sseEvent) =>
        sseEvent with { Stream = stream, Position = new StreamPosition(Epoch, ++_numbered) };

    /// <summary>Keeps a numbered event, in the order they were numbered: from then on it is replayed.</summary>
    public void Keep(SseEvent numbered)
    {
        Seq = numbered.Position!.Value.Seq;
        Place(numbered, Seq);
    }

    /// <summary>The kept event a publisher named <paramref name="messageId"/>, if the window still holds it: a retry is that event.</summary>
    public SseEvent? RecordedAs(string messageId) => _byMessageId?.GetValueOrDefault(messageId);

    // The kept events' message ids, so a retry is recognised; allocated with the first named event.
    private Dictionary<string, SseEvent>? _byMessageId;

    private void Place(SseEvent sseEvent, long seq)
    {
        var slot = (seq - 1) % size;
        _ring ??= new SseEvent[size];
        if (_ring[slot] is { MessageId: { } dropped } old && _byMessageId!.TryGetValue(dropped, out var indexed) && ReferenceEquals(indexed, old))
        {
            _byMessageId.Remove(dropped);
        }
        _ring[slot] = sseEvent;
        if (sseEvent.MessageId is { } named)
        {
            (_byMessageId ??= new Dictionary<string, SseEvent>(StringComparer.Ordinal))[named] = sseEvent;
        }
    }

    /// <summary>The answer to a subscriber that asks to resume after <paramref name="from"/> (none: a first connection).</summary>
    public StreamReplay ReplayAfter(StreamPosition? from, long maxBytes = long.MaxValue)
    {
        var now = new StreamPosition(Epoch, Seq);
        if (from is not { } position)
        {
            return new StreamReplay(now, Gap: false, []);
        }
        if (position.Epoch != Epoch || position.Seq > Seq || position.Seq < OldestKept - 1)
        {
            return new StreamReplay(now, Gap: true, []);
        }
        var missed = new SseEvent[Seq - position.Seq];
        long bytes = 0;
        for (var i = 0; i < missed.Length; i++)
        {
            missed[i] = _ring![(position.Seq + i) % size];
            bytes += WireCost(missed[i]);
        }
        // Too much for one message to another node: the subscriber refetches instead.
        return bytes > maxBytes ? new StreamReplay(now, Gap: true, []) : new StreamReplay(now, Gap: false, missed);
    }

    /// <summary>
    /// At most what one kept event adds to a message: its bytes; its id, stream name and message id, up to 3 bytes a
    /// character in UTF-8; their lengths, its position and flags.
    /// </summary>
    internal static long WireCost(SseEvent kept) =>
        kept.Length + 3L * (kept.Id.Length + (kept.Stream?.Length ?? 0) + (kept.MessageId?.Length ?? 0)) + 40;

    /// <summary>
    /// The epoch of a stored stream that never had an event: the same in every incarnation (FNV-1a of its
    /// name, never 0). Any other stream draws its epoch at random.
    /// </summary>
    public static uint StableEpoch(string streamName) => StableHash(streamName) is var hash and not 0 ? hash : 1u;

    /// <summary>FNV-1a of <paramref name="text"/>'s characters: the same in every process, unlike <see cref="string.GetHashCode()"/>.</summary>
    internal static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }

    // The sequence number of the oldest event still kept (Seq + 1 when none is).
    private long OldestKept => Math.Max(_firstKept, Seq - size + 1);

    /// <summary>The position and the newest kept events, oldest first, as many as fit in <paramref name="maxBytes"/>.</summary>
    public HistorySnapshot Snapshot(long maxBytes)
    {
        var kept = new SseEvent[Seq - OldestKept + 1];
        for (var i = 0; i < kept.Length; i++)
        {
            kept[i] = _ring![(OldestKept + i - 1) % size];
        }
        return new HistorySnapshot(new StreamPosition(Epoch, Seq), kept).Newest(maxBytes);
    }

    /// <summary>Continues the stream a previous incarnation left in <paramref name="snapshot"/>: same epoch, same numbering, its events kept.</summary>
    public void Restore(HistorySnapshot snapshot)
    {
        Epoch = snapshot.Now.Epoch;
        Seq = _numbered = snapshot.Now.Seq;
        var events = snapshot.Events.Count > size ? snapshot.Events.Skip(snapshot.Events.Count - size).ToArray() : snapshot.Events;
        _firstKept = Seq - events.Count + 1;
        for (var i = 0; i < events.Count; i++)
        {
            Place(events[i], _firstKept + i);
        }
    }
}
