using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Clients;

/// <summary>
/// A connection's streams: which entity acknowledged each (none while its subscription is pending), and how the
/// connection resumes them, chosen once from the history setting (<see cref="For"/>): by position with history on
/// (<see cref="ResumingStreams"/>), with a <c>reset</c> of a stream whose events went out while it was away with
/// history off (<see cref="ResettingStreams"/>). The client actor's bookkeeping, with no mailbox of its own.
/// </summary>
internal abstract class ConnectionStreams
{
    private readonly StreamCursor[] _streams;

    /// <param name="streams">The connection's streams in its order: its user, its topics, and with history on the broadcasts.</param>
    /// <param name="resumeFrom">The positions its Last-Event-ID named, in the same order; null for a first connection.</param>
    private protected ConnectionStreams(IReadOnlyList<StreamKey> streams, IReadOnlyList<StreamPosition>? resumeFrom)
    {
        _streams = [.. streams.Select((stream, i) => new StreamCursor(stream, resumeFrom?[i]))];
    }

    /// <summary>The streams of <paramref name="connection"/> and how they resume: the one place the history setting is read.</summary>
    public static ConnectionStreams For(ClientConnection connection, bool history) => history
        // With history on, the kept broadcasts are one more stream, so a reconnect gets the ones it missed too.
        ? new ResumingStreams(connection.Streams, connection.ResumeFrom, connection.ResumeRefused)
        : new ResettingStreams([.. connection.Streams.Where(stream => stream is not StreamKey.Broadcasts)]);

    /// <summary>Each stream, with the entity that acknowledged it (null while pending).</summary>
    public IEnumerable<(StreamKey Stream, IActorRef? Entity)> Subscriptions => _streams.Select(cursor => (cursor.Stream, cursor.Entity));

    /// <summary>The streams whose subscription is not acknowledged yet.</summary>
    public IEnumerable<StreamKey> Pending => _streams.Where(cursor => cursor.Entity is null).Select(cursor => cursor.Stream);

    public bool AllAcknowledged => _streams.All(cursor => cursor.Entity is not null);

    /// <summary>The welcome is written: acknowledgements from now on are of streams subscribed again.</summary>
    private protected bool Welcomed { get; private set; }

    private protected IReadOnlyList<StreamCursor> Cursors => _streams;

    /// <summary>The subscription to <paramref name="stream"/>, asking from where the connection is in it.</summary>
    public abstract StreamProtocol.SubscribeToStream Subscribe(StreamKey stream, IActorRef subscriber);

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
        resumed = TakeReplay(cursor, replay);
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

    /// <summary>Once every stream is acknowledged: what follows the welcome, and where each stream starts.</summary>
    public Resumption Welcome()
    {
        Welcomed = true;
        var resumption = StartStreams();
        foreach (var cursor in _streams)
        {
            cursor.Replay = null;
        }
        return resumption;
    }

    /// <summary>A live event arrived: what to do with it, and the stream to subscribe to again when it shows a gap.</summary>
    public abstract StreamAction Accept(SseEvent sseEvent, out StreamKey? repair);

    /// <summary>Live events of <paramref name="stream"/> were shed on their way to this node: what to do about them.</summary>
    public abstract StreamAction Shed(StreamKey stream);

    /// <summary>An acknowledgement's replay: held for the welcome, or after it what to write at once.</summary>
    private protected abstract Resumption? TakeReplay(StreamCursor cursor, StreamReplay? replay);

    /// <summary>What follows the welcome, from the replays held since the acknowledgements.</summary>
    private protected abstract Resumption StartStreams();

    private protected StreamCursor? Find(StreamKey stream) => Array.Find(_streams, cursor => cursor.Stream == stream);

    // A few streams per connection: a scan is cheaper than a dictionary per connection.
    private protected StreamCursor? FindByName(string name)
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

/// <summary>What a connection does about one of its streams after a live event or a catch-up (<see cref="ConnectionStreams"/>).</summary>
internal enum StreamAction
{
    /// <summary>Nothing: the connection has the event already, or a pending subscription brings what it missed.</summary>
    None,

    /// <summary>Write the event.</summary>
    Write,

    /// <summary>Subscribe to the stream again from the connection's position: its acknowledgement replays what is missing, or resets it.</summary>
    Resubscribe,

    /// <summary>Write a <c>reset</c> naming the stream: what it missed is gone.</summary>
    Reset,
}
