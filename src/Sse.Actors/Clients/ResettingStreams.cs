using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Clients;

/// <summary>
/// History off: nothing is numbered, so nothing is resumed or filtered. A stream whose entity stopped or moved and
/// sent events before the connection was back (its acknowledgement says so with a gap), or whose events were shed on
/// the way, is named in a <c>reset</c>: what the connection missed of it is gone.
/// </summary>
internal sealed class ResettingStreams(IReadOnlyList<StreamKey> streams) : ConnectionStreams(streams, resumeFrom: null)
{
    /// <summary>A stream whose entity acknowledged it before asks from <see cref="NoHistory.Returning"/>: the entity that answers says whether it sent events meanwhile.</summary>
    public override StreamProtocol.SubscribeToStream Subscribe(StreamKey stream, IActorRef subscriber) =>
        new(stream, subscriber, Find(stream) is { WasAcknowledged: true } ? NoHistory.Returning : null);

    public override StreamAction Accept(SseEvent sseEvent, out StreamKey? repair)
    {
        repair = null;
        return StreamAction.Write;
    }

    /// <summary>The broadcasts are not one of these streams (they come through the broker), but a connection still has them.</summary>
    public override StreamAction Shed(StreamKey stream) =>
        stream is StreamKey.Broadcasts || Find(stream) is not null ? StreamAction.Reset : StreamAction.None;

    private protected override Resumption? TakeReplay(StreamCursor cursor, StreamReplay? replay)
    {
        if (replay is not { Gap: true })
        {
            return null;
        }
        // An earlier entity stopped or moved, and the one now acknowledging sent events before this subscription.
        if (Welcomed)
        {
            return new Resumption([cursor.Stream.Label], []);
        }
        cursor.Replay = replay;
        return null;
    }

    private protected override Resumption StartStreams() =>
        new([.. Cursors.Where(cursor => cursor.Replay is { Gap: true }).Select(cursor => cursor.Stream.Label)], []);
}
