using Sse.Actors.Events;

namespace Sse.Actors.Clients;

/// <summary>
/// What a connection's buffer had no room for while a replay was written: a replay of any size up to the
/// history arrives whole, paced by how fast the response drains, not cut as a slow consumer. Live events that
/// come meanwhile queue behind it, in order; more than <paramref name="liveBound"/> of them waiting makes the
/// connection a slow consumer, as a full buffer does when no replay is pending.
/// </summary>
internal sealed class ReplayBacklog(ClientConnection connection, int liveBound)
{
    // Made when a replay first finds the buffer full: most connections never have one.
    private Queue<(SseEvent Event, bool Live)>? _waiting;
    private int _live;

    public bool IsEmpty => _waiting is not { Count: > 0 };

    /// <summary>Writes the event into the buffer, or queues it; false when a live event finds no room (a slow consumer).</summary>
    /// <param name="replayed">Part of a replay (or of what announces it): queued rather than refused when the buffer is full.</param>
    public bool Write(SseEvent sseEvent, bool replayed)
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
        return true;
    }

    /// <summary>The buffer has room again: moves into it what fits, in order. True once nothing waits.</summary>
    public bool Drain()
    {
        while (_waiting is not null && _waiting.TryPeek(out var next) && connection.TryWrite(next.Event))
        {
            _waiting.Dequeue();
            _live -= next.Live ? 1 : 0;
        }
        return IsEmpty;
    }

    /// <summary>The published events still waiting, lost with a connection that ends.</summary>
    public int PublishedWaiting => _waiting?.Count(w => w.Event.PublishedAt != 0) ?? 0;
}
