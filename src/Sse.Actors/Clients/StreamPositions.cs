using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Clients;

/// <summary>
/// With history on, where one connection is in each of its streams: where each (re)subscription resumes,
/// which events the connection already has (a live event that also came in a replay, or through another
/// node before the acknowledgement), and which streams a <c>reset</c> names. The client actor's
/// bookkeeping, with no mailbox of its own.
/// </summary>
public sealed class StreamPositions
{
    private readonly Cursor[] _streams;
    private readonly bool _resumeRefused;

    /// <param name="streams">The connection's streams in its order: its user, its topics, the broadcasts.</param>
    /// <param name="resumeFrom">The positions its Last-Event-ID named, in the same order; null for a first connection.</param>
    /// <param name="resumeRefused">It carried a Last-Event-ID that does not address these streams: the welcome is followed by a reset of them all.</param>
    public StreamPositions(IReadOnlyList<StreamKey> streams, IReadOnlyList<StreamPosition>? resumeFrom = null, bool resumeRefused = false)
    {
        _streams = [.. streams.Select((stream, i) => new Cursor(stream, resumeFrom?[i]))];
        _resumeRefused = resumeRefused;
    }

    /// <summary>Where a (re)subscription to <paramref name="stream"/> resumes: the last position the connection has, null for none.</summary>
    public StreamPosition? ResumeFrom(StreamKey stream) => Find(stream).Position;

    /// <summary>Before the welcome: the stream's acknowledgement, held until every stream's is in.</summary>
    public void Acknowledged(StreamKey stream, StreamReplay replay)
    {
        var cursor = Find(stream);
        cursor.Subscribed = true;
        cursor.Replay = replay;
    }

    /// <summary>
    /// Once every stream is acknowledged: where each stream starts (the asked position when it resumes, the
    /// stream's current one otherwise), the streams that could not be resumed, then each resumed stream's
    /// missed events in order, without any the connection already has.
    /// </summary>
    public Resumption Welcome()
    {
        List<string> notResumed = [];
        foreach (var cursor in _streams)
        {
            var replay = cursor.Replay!;
            if (cursor.Position is null || replay.Gap)
            {
                if (cursor.Position is not null || _resumeRefused)
                {
                    notResumed.Add(cursor.Stream.Label);
                }
                cursor.Position = replay.Now;
            }
        }
        StreamPosition[] starts = [.. _streams.Select(cursor => cursor.Position!.Value)];
        List<SseEvent> missed = [];
        foreach (var cursor in _streams)
        {
            if (!cursor.Replay!.Gap)
            {
                AddNew(cursor.Replay.Missed, missed);
            }
            cursor.Replay = null;
        }
        return new Resumption(notResumed, missed, starts);
    }

    /// <summary>
    /// After the welcome, the stream's entity stopped or moved and acknowledged again: the events missed
    /// meanwhile, or a reset of the stream when they cannot be given.
    /// </summary>
    public Resumption Resubscribed(StreamKey stream, StreamReplay replay)
    {
        var cursor = Find(stream);
        cursor.Subscribed = true;
        if (replay.Gap || cursor.Position is not { } seen || seen.Epoch != replay.Now.Epoch)
        {
            cursor.Position = replay.Now;
            return new Resumption([stream.Label], []);
        }
        List<SseEvent> missed = [];
        AddNew(replay.Missed, missed);
        return new Resumption([], missed);
    }

    /// <summary>The stream's entity stopped or moved: until it acknowledges again, events of another epoch are held back.</summary>
    public void Lost(StreamKey stream) => Find(stream).Subscribed = false;

    /// <summary>
    /// False for an event of a stream at or before the position the connection already has, or of a
    /// restarted stream not yet subscribed again (its acknowledgement answers a reset, which covers the
    /// event); true, and the stream advances, otherwise. Events of no stream are always new.
    /// </summary>
    public bool IsNew(SseEvent sseEvent)
    {
        if (sseEvent is not { Stream: { } name, Position: { } position } || FindByName(name) is not { } cursor)
        {
            return true;
        }
        if (cursor.Position is { } seen && seen.Epoch == position.Epoch && position.Seq <= seen.Seq)
        {
            return false;
        }
        if (cursor.Position is { } before && before.Epoch != position.Epoch && !cursor.Subscribed)
        {
            return false;
        }
        cursor.Position = position;
        return true;
    }

    private void AddNew(IReadOnlyList<SseEvent> events, List<SseEvent> into)
    {
        foreach (var sseEvent in events)
        {
            if (IsNew(sseEvent))
            {
                into.Add(sseEvent);
            }
        }
    }

    private Cursor Find(StreamKey stream) => _streams.First(cursor => cursor.Stream == stream);

    // A few streams per connection: a scan is cheaper than a dictionary per connection.
    private Cursor? FindByName(string name)
    {
        foreach (var cursor in _streams)
        {
            if (string.Equals(cursor.Name, name, StringComparison.Ordinal))
            {
                return cursor;
            }
        }
        return null;
    }

    private sealed class Cursor(StreamKey stream, StreamPosition? resumeFrom)
    {
        public StreamKey Stream { get; } = stream;

        public string Name { get; } = stream.Name;

        /// <summary>The last position the connection has: asked in Last-Event-ID, then set by the acknowledgement and each event.</summary>
        public StreamPosition? Position { get; set; } = resumeFrom;

        /// <summary>The entity acknowledged the current subscription.</summary>
        public bool Subscribed { get; set; }

        /// <summary>The acknowledgement's replay, held from the acknowledgement until the welcome.</summary>
        public StreamReplay? Replay { get; set; }
    }
}

/// <summary>What to write after a (re)subscription: a <c>reset</c> naming <paramref name="Reset"/> when not empty, then <paramref name="Missed"/>.</summary>
/// <param name="Starts">On the welcome only: where each stream starts, the id the welcome carries.</param>
public sealed record Resumption(IReadOnlyList<string> Reset, IReadOnlyList<SseEvent> Missed, StreamPosition[]? Starts = null);
