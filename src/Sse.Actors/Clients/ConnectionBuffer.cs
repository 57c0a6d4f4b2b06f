using System.Threading.Channels;
using System.Threading.Tasks.Sources;
using Sse.Actors.Events;
using Sse.Actors.Mailboxes;

namespace Sse.Actors.Clients;

/// <summary>
/// The bounded buffer between one client actor (the only writer, which never waits) and its response writer
/// (the only reader). A node holds one per connection, so it is small when idle and gives a burst's slots back:
/// a <see cref="GrowingRing{T}"/> of <see cref="InitialCapacity"/> slots that doubles up to its bound while events
/// queue and shrinks once drained, one lock, and one reusable wait for the reader (<c>ConnectionBuffer.ReaderWait.cs</c>).
/// A bounded <see cref="Channel"/> holds about 0.8 KB of wait objects from the start and keeps its largest queue array for life.
/// </summary>
internal sealed partial class ConnectionBuffer : ChannelReader<SseEvent>, IValueTaskSource<bool>, IThreadPoolWorkItem
{
    public const int InitialCapacity = GrowingRing.InitialCapacity;

    private GrowingRing<SseEvent> _ring;
    private bool _completed;
    // The writer's wait for room, only ever made for a connection that fell behind.
    private TaskCompletionSource<bool>? _room;
    // Made only when someone asks: completes once the buffer is completed and drained.
    private TaskCompletionSource? _completion;

    public ConnectionBuffer(int bound)
    {
        _ring = new GrowingRing<SseEvent>(bound);
    }

    public override bool CanCount => true;

    public override int Count
    {
        get
        {
            lock (this)
            {
                return _ring.Count;
            }
        }
    }

    public override Task Completion
    {
        get
        {
            lock (this)
            {
                if (_completed && _ring.Count == 0)
                {
                    return Task.CompletedTask;
                }
                _completion ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _completion.Task;
            }
        }
    }

    /// <summary>Slots held now: what a burst left behind, until it is drained.</summary>
    public int Capacity
    {
        get
        {
            lock (this)
            {
                return _ring.Capacity;
            }
        }
    }

    /// <summary>Queues an event without waiting; false when the buffer is full or completed.</summary>
    public bool TryWrite(SseEvent sseEvent)
    {
        lock (this)
        {
            if (_completed || !_ring.TryAddLast(sseEvent))
            {
                return false;
            }
            if (!TakeReaderWait())
            {
                return true;
            }
        }
        WakeReader(true);
        return true;
    }

    /// <summary>Completes once the buffer has room (the reader took some), false once it is completed.</summary>
    public Task<bool> WaitForRoomAsync()
    {
        lock (this)
        {
            if (_completed)
            {
                return Task.FromResult(false);
            }
            if (!_ring.IsFull)
            {
                return Task.FromResult(true);
            }
            _room ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _room.Task;
        }
    }

    /// <summary>No more events: the reader takes what is queued, then learns the buffer is done.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool>? room;
        TaskCompletionSource? drained;
        bool wakeReader;
        lock (this)
        {
            if (_completed)
            {
                return;
            }
            _completed = true;
            room = _room;
            _room = null;
            drained = _ring.Count == 0 ? _completion : null;
            wakeReader = TakeReaderWait();
        }
        room?.TrySetResult(false);
        drained?.TrySetResult();
        if (wakeReader)
        {
            WakeReader(false);
        }
    }

    public override bool TryRead(out SseEvent item)
    {
        TaskCompletionSource<bool>? room = null;
        TaskCompletionSource? drained = null;
        lock (this)
        {
            if (!_ring.TryTakeFirst(out item))
            {
                return false;
            }
            if (_ring.Count == 0)
            {
                drained = _completed ? _completion : null;
            }
            if (_room is not null)
            {
                room = _room;
                _room = null;
            }
        }
        room?.TrySetResult(true);
        drained?.TrySetResult();
        return true;
    }

    public override ValueTask<SseEvent> ReadAsync(CancellationToken cancellationToken = default) =>
        TryRead(out var sseEvent) ? new ValueTask<SseEvent>(sseEvent) : ReadWhenWrittenAsync(cancellationToken);

    private async ValueTask<SseEvent> ReadWhenWrittenAsync(CancellationToken cancellationToken)
    {
        while (await WaitToReadAsync(cancellationToken))
        {
            if (TryRead(out var sseEvent))
            {
                return sseEvent;
            }
        }
        throw new ChannelClosedException();
    }
}
