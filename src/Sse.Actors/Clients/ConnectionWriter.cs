using Akka.Actor;
using Sse.Actors.Events;

namespace Sse.Actors.Clients;

/// <summary>
/// The write path of every event a connection gets: into its bounded buffer, never waiting. A live event that finds
/// the buffer full makes the connection a slow consumer. A replay (and the <c>reset</c> that announces it) of any size
/// up to the history arrives whole instead: what has no room waits here and moves into the buffer as the response
/// drains it, and the live events that come meanwhile queue behind it, in order; more than <paramref name="liveBound"/>
/// of them waiting makes the connection a slow consumer, as a full buffer does when no replay is pending.
/// </summary>
/// <param name="client">Told <see cref="ClientProtocol.BufferHasRoom"/> once the response has drained some of what waits.</param>
internal sealed class ConnectionWriter(ClientConnection connection, int liveBound, IActorRef client)
{
    // Made when a replay first finds the buffer full: most connections never have one.
    private Queue<(SseEvent Event, bool Live)>? _waiting;
    private int _live;
    private bool _waitingForRoom;

    private bool IsEmpty => _waiting is not { Count: > 0 };

    /// <summary>Writes a live event, or queues it behind a replay; false when it finds no room (a slow consumer).</summary>
    public bool Write(SseEvent sseEvent) => Write(sseEvent, replayed: false);

    /// <summary>A reset and a replay are written whole, paced by the response.</summary>
    public void Write(Resumption resumption)
    {
        if (resumption.Reset.Count > 0)
        {
            Write(ConnectionEvents.Reset(resumption.Reset), replayed: true);
        }
        foreach (var sseEvent in resumption.Missed)
        {
            Write(sseEvent, replayed: true);
        }
    }

    /// <summary>The buffer has room again: moves into it what fits, in order, and waits for room again while anything is left.</summary>
    public void BufferHasRoom()
    {
        _waitingForRoom = false;
        while (_waiting is not null && _waiting.TryPeek(out var next) && connection.TryWrite(next.Event))
        {
            _waiting.Dequeue();
            _live -= next.Live ? 1 : 0;
        }
        WaitForRoomWhileQueued();
    }

    /// <summary>The published events lost with a connection that ends because <paramref name="refused"/> found no room.</summary>
    public int LostWith(SseEvent refused) => (refused.PublishedAt == 0 ? 0 : 1) + (_waiting?.Count(w => w.Event.PublishedAt != 0) ?? 0);

    /// <param name="replayed">Part of a replay (or of what announces it): queued rather than refused when the buffer is full.</param>
    private bool Write(SseEvent sseEvent, bool replayed)
    {
        if (IsEmpty && connection.TryWrite(sseEvent))
        {
            return true;
        }
        if (!replayed && (IsEmpty || _live >= liveBound))
        {
            return false;
        }
        (_waiting ??= new()).Enqueue((sseEvent, !replayed));
        _live += replayed ? 0 : 1;
        WaitForRoomWhileQueued();
        return true;
    }

    private void WaitForRoomWhileQueued()
    {
        if (IsEmpty || _waitingForRoom)
        {
            return;
        }
        _waitingForRoom = true;
        // Completes when the response has drained some of the buffer; false (the stream ended) needs nothing.
        connection.WaitForRoomAsync().PipeTo(client, success: open => open ? ClientProtocol.BufferHasRoom.Instance : ClientProtocol.Disconnect.Instance);
    }
}
