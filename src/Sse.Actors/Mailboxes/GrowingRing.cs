namespace Sse.Actors.Mailboxes;

/// <summary>
/// A first-in first-out ring that starts small, doubles when full (up to its bound) and gives a burst's slots back once
/// drained: the queue of <see cref="LeanMessageQueue"/> and of a connection's buffer, of which a node holds one per
/// connection or stream. Not thread-safe: its owner locks (each its own way). A mutable struct kept in one field of its
/// owner and never copied, so it costs no object of its own.
/// </summary>
internal struct GrowingRing<T>
{
    private readonly int _bound;
    private T[] _slots;
    private int _head;
    private int _count;
    // The most items queued at once since the ring last emptied: whether a burst still needs the slots.
    private int _peak;

    /// <summary>An unbounded ring.</summary>
    public GrowingRing() : this(int.MaxValue)
    {
    }

    public GrowingRing(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        _bound = bound;
        _slots = new T[GrowingRing.InitialCapacity];
    }

    /// <summary>The items queued; may be read without the owner's lock.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Slots held now: what a burst left behind, until it is drained.</summary>
    public readonly int Capacity => _slots.Length;

    /// <summary>The ring holds its bound: nothing more can be added until an item is taken.</summary>
    public readonly bool IsFull => _count == _bound;

    /// <summary>Queues <paramref name="item"/> last; false when the ring holds its bound already.</summary>
    public bool TryAddLast(T item)
    {
        if (!TryMakeRoom())
        {
            return false;
        }
        _slots[(_head + _count) % _slots.Length] = item;
        Added();
        return true;
    }

    /// <summary>Puts <paramref name="item"/> back at the head (a stash's unstash); false when the ring holds its bound already.</summary>
    public bool TryAddFirst(T item)
    {
        if (!TryMakeRoom())
        {
            return false;
        }
        _head = (_head - 1 + _slots.Length) % _slots.Length;
        _slots[_head] = item;
        Added();
        return true;
    }

    /// <summary>Takes the item at the head; false when the ring is empty.</summary>
    public bool TryTakeFirst(out T item)
    {
        if (_count == 0)
        {
            item = default!;
            return false;
        }
        item = _slots[_head];
        _slots[_head] = default!;
        _head = (_head + 1) % _slots.Length;
        Volatile.Write(ref _count, _count - 1);
        if (_count == 0)
        {
            _head = 0;
            // Bursts are over (the last run used a quarter of the slots at most): give their slots back. A steady stream
            // of bursts keeps them, so a busy owner does not allocate a ring per burst.
            if (_slots.Length > 4 * GrowingRing.InitialCapacity && _peak * 4 <= _slots.Length)
            {
                _slots = new T[GrowingRing.InitialCapacity];
            }
            _peak = 0;
        }
        return true;
    }

    private void Added()
    {
        Volatile.Write(ref _count, _count + 1);
        _peak = Math.Max(_peak, _count);
    }

    private bool TryMakeRoom()
    {
        if (_count == _bound)
        {
            return false;
        }
        if (_count == _slots.Length)
        {
            var larger = new T[(int)Math.Min(2L * _slots.Length, _bound)];
            for (var i = 0; i < _count; i++)
            {
                larger[i] = _slots[(_head + i) % _slots.Length];
            }
            _slots = larger;
            _head = 0;
        }
        return true;
    }
}

/// <summary>What every <see cref="GrowingRing{T}"/> shares.</summary>
internal static class GrowingRing
{
    /// <summary>The slots a ring starts with, and drops back to once its bursts are over.</summary>
    public const int InitialCapacity = 4;
}
