using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Clients;

/// <summary>
/// A connection's streams: which entity acknowledged each (none while its subscription is pending) and, with
/// history on, where the connection is in each of them: where a (re)subscription resumes, which events it
/// already has (a live event that also came in a replay, or through another node before the acknowledgement),
/// and which streams a <c>reset</c> names. The client actor's bookkeeping, with no mailbox of its own.
/// </summary>
public sealed class ConnectionStreams
{
    private readonly StreamCursor[] _streams;
    private readonly bool _history;
    private readonly bool _resumeRefused;
    private bool _welcomed;

    /// <param name="streams">The connection's streams in its order: its user, its topics, and with history on the broadcasts.</param>
    /// <param name="history">History is on: positions are kept, asked for and filtered.</param>
    /// <param name="resumeFrom">The positions its Last-Event-ID named, in the same order; null for a first connection.</param>
    /// <param name="resumeRefused">It carried a Last-Event-ID that does not address these streams: the welcome is followed by a reset of them all.</param>
    public ConnectionStreams(IReadOnlyList<StreamKey> streams, bool history, IReadOnlyList<StreamPosition>? resumeFrom = null, bool resumeRefused = false)
    {
        _streams = [.. streams.Select((stream, i) => new StreamCursor(stream, resumeFrom?[i]))];
        _history = history;
        _resumeRefused = resumeRefused;
    }

    /// <summary>Each stream, with the entity that acknowledged it (null while pending).</summary>
    public IEnumerable<(StreamKey Stream, IActorRef? Entity)> Subscriptions => _streams.Select(cursor => (cursor.Stream, cursor.Entity));

    /// <summary>The streams whose subscription is not acknowledged yet.</summary>
    public IEnumerable<StreamKey> Pending => _streams.Where(cursor => cursor.Entity is null).Select(cursor => cursor.Stream);

    public bool AllAcknowledged => _streams.All(cursor => cursor.Entity is not null);

    /// <summary>
    /// The subscription to <paramref name="stream"/>: with history on it resumes after the last position the connection has.
    /// With history off, a stream whose entity acknowledged it before asks from <see cref="NoHistory.Returning"/>: the
    /// entity that answers now says whether it sent events before this subscription arrived.
    /// </summary>
    public StreamProtocol.SubscribeToStream Subscribe(StreamKey stream, IActorRef subscriber) =>
        new(stream, subscriber, _history ? Find(stream)?.Position : Find(stream) is { WasAcknowledged: true } ? NoHistory.Returning : null);

    /// <summary>
    /// The stream's entity acknowledged its subscription; false when it is not one of the connection's streams or
    /// was acknowledged already (the answer to a retried subscribe). Before the welcome the replay waits for the other
    /// streams; after it (the entity stopped or moved) <paramref name="resumed"/> is what to write at once.
    /// </summary>
    public bool Acknowledged(StreamKey stream, IActorRef entity, StreamReplay? replay, out Resumption? resumed)
    {
        resumed = null;
        if (Find(stream) is not { Entity: null } cursor)
        {
            return false;
        }
        cursor.Entity = entity;
        cursor.Repairing = false;
        cursor.WasAcknowledged = true;
        if (!_history && replay is { Gap: true })
        {
            // An earlier entity stopped or moved, and the one now acknowledging sent events before this subscription.
            if (_welcomed)
            {
                resumed = new Resumption([stream.Label], []);
            }
            else
            {
                cursor.Replay = replay;
            }
        }
        else if (_history)
        {
            // No replay: the entity runs without history (settings differ between nodes); nothing to resume.
            replay ??= new StreamReplay(default, Gap: true, []);
            if (_welcomed)
            {
                resumed = Resubscribed(cursor, replay);
            }
            else
            {
                cursor.Replay = replay;
            }
        }
        return true;
    }

    /// <summary>
    /// The stream's entity stopped or moved: true when <paramref name="entity"/> is the one that acknowledged its
    /// subscription, which is now pending (subscribe again; until it answers, events of another epoch are held back).
    /// False for an earlier entity, or while the subscription is pending anyway.
    /// </summary>
    public bool Lost(StreamKey stream, IActorRef entity)
    {
        if (Find(stream) is not { } cursor || !entity.Equals(cursor.Entity))
        {
            return false;
        }
        cursor.Entity = null;
        return true;
    }

    /// <summary>
    /// Once every stream is acknowledged, what follows the welcome. With history on: where each stream starts (the
    /// asked position when it resumes, the stream's current one otherwise), the streams that could not be resumed,
    /// then each resumed stream's missed events in order, without any the connection already has.
    /// </summary>
    public Resumption Welcome()
    {
        _welcomed = true;
        if (!_history)
        {
            List<string> moved = [.. _streams.Where(cursor => cursor.Replay is { Gap: true }).Select(cursor => cursor.Stream.Label)];
            foreach (var cursor in _streams)
            {
                cursor.Replay = null;
            }
            return new Resumption(moved, []);
        }
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
        if (cursor.Repairing)
        {
            // The acknowledgement of the repairing subscription brings it, or a reset.
            return false;
        }
        if (cursor.Position is { } seen && seen.Epoch == position.Epoch && position.Seq <= seen.Seq)
        {
            return false;
        }
        if (cursor.Position is { } before && before.Epoch != position.Epoch && cursor.Entity is null)
        {
            return false;
        }
        cursor.Position = position;
        return true;
    }

    /// <summary>
    /// A live event that skips ahead of the connection's position in its stream (one before it was lost on the way):
    /// the stream is repaired, not skipped. Returns the stream to subscribe to again, from the position the connection
    /// has, whose acknowledgement replays what is missing (this event included) or resets the stream; until then its
    /// events are held back. Null for any other event.
    /// </summary>
    public StreamKey? GapBefore(SseEvent sseEvent)
    {
        if (!_history || sseEvent is not { Stream: { } name, Position: { } position } || FindByName(name) is not { Entity: not null, Repairing: false } cursor
            || cursor.Position is not { } seen || seen.Epoch != position.Epoch || position.Seq <= seen.Seq + 1)
        {
            return null;
        }
        cursor.Entity = null;
        cursor.Repairing = true;
        return cursor.Stream;
    }

    /// <summary>
    /// Events of the stream were shed on their way to this node: with history on, returns true and the stream is
    /// subscribed again from the position the connection has, as for a gap. False with history off (the caller writes
    /// a reset), or when a subscription to it is pending already (its acknowledgement gives what was missed).
    /// </summary>
    public bool CatchUp(StreamKey stream)
    {
        if (!_history || Find(stream) is not { Entity: not null } cursor)
        {
            return false;
        }
        cursor.Entity = null;
        cursor.Repairing = true;
        return true;
    }

    /// <summary>The events missed while the entity stopped or moved, or a reset of the stream when they cannot be given.</summary>
    private Resumption Resubscribed(StreamCursor cursor, StreamReplay replay)
    {
        if (replay.Gap || cursor.Position is not { } seen || seen.Epoch != replay.Now.Epoch)
        {
            cursor.Position = replay.Now;
            return new Resumption([cursor.Stream.Label], []);
        }
        List<SseEvent> missed = [];
        AddNew(replay.Missed, missed);
        return new Resumption([], missed);
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

    private StreamCursor? Find(StreamKey stream) => Array.Find(_streams, cursor => cursor.Stream == stream);

    // A few streams per connection: a scan is cheaper than a dictionary per connection.
    private StreamCursor? FindByName(string name)
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
}
