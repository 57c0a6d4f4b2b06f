using System.Threading.Channels;
using System.Threading.Tasks.Sources;
using Sse.Actors.Events;

namespace Sse.Actors.Clients;

/// <summary>
/// The bounded buffer between one client actor (the only writer, which never waits) and its response writer
/// (the only reader). A node holds one per connection, so it is small when idle and gives a burst's slots back:
/// a ring of <see cref="InitialCapacity"/> slots that doubles up to its bound while events queue and shrinks once
/// drained, one lock, and one reusable wait for the reader. A bounded <see cref="Channel"/> holds about 0.8 KB of
/// wait objects from the start and keeps its largest queue array for life.
/// </summary>
internal sealed class ConnectionBuffer : ChannelReader<SseEvent>, IValueTaskSource<bool>, IThreadPoolWorkItem
{
    public const int InitialCapacity = 4;

    private readonly int _bound;
    private SseEvent?[] _ring = new SseEvent?[InitialCapacity];
    private int _head;
    private int _count;
    // The most events queued at once since the buffer last emptied: whether a burst still needs the slots.
    private int _peak;
    private bool _completed;
    // The reader's wait: reused from one wait to the next, completed from the thread pool (never on the writer's thread).
    private ManualResetValueTaskSourceCore<bool> _readable;
    private bool _readerWaiting;
    private bool _wakeWith;
    private OperationCanceledException? _wakeCancelled;
    private CancellationTokenRegistration _readerCancellation;
    // The writer's wait for room, only ever made for a connection that fell behind.
    private TaskCompletionSource<bool>? _room;
    // Made only when someone asks: completes once the buffer is completed and drained.
    private TaskCompletionSource? _completion;

    public ConnectionBuffer(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        _bound = bound;
    }

    public override bool CanCount => true;

    public override int Count
    {
        get
        {
            lock (this)
            {
                return _count;
            }
        }
    }

    public override Task Completion
    {
        get
        {
            lock (this)
            {
                if (_completed && _count == 0)
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
                return _ring.Length;
            }
        }
    }

    /// <summary>Queues an event without waiting; false when the buffer is full or completed.</summary>
    public bool TryWrite(SseEvent sseEvent)
    {
        lock (this)
        {
            if (_completed || _count == _bound)
            {
                return false;
            }
            if (_count == _ring.Length)
            {
                Resize(Math.Min(_ring.Length * 2, _bound));
            }
            _ring[(_head + _count) % _ring.Length] = sseEvent;
            _count++;
            _peak = Math.Max(_peak, _count);
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
            if (_count < _bound)
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
            drained = _count == 0 ? _completion : null;
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
            if (_count == 0)
            {
                item = null!;
                return false;
            }
            item = _ring[_head]!;
            _ring[_head] = null;
            _head = (_head + 1) % _ring.Length;
            _count--;
            if (_count == 0)
            {
                _head = 0;
                drained = _completed ? _completion : null;
                // Bursts are over (the last run used a quarter of the slots at most): give their slots back. A steady
                // stream of bursts keeps them, so a busy stream does not allocate a ring per burst.
                if (_ring.Length > 4 * InitialCapacity && _peak * 4 <= _ring.Length)
                {
                    _ring = new SseEvent?[InitialCapacity];
                }
                _peak = 0;
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

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }
        lock (this)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }
            if (_completed)
            {
                return new ValueTask<bool>(false);
            }
            if (_readerWaiting)
            {
                throw new InvalidOperationException("The connection's buffer has one reader, and it is already waiting.");
            }
            _readable.Reset();
            _readerWaiting = true;
            // Registered before a writer can take the wait, so the writer always unregisters it (the lock is re-entrant
            // for a token cancelled already, whose callback runs here).
            _readerCancellation = cancellationToken.CanBeCanceled
                ? cancellationToken.UnsafeRegister(static (state, token) => ((ConnectionBuffer)state!).CancelReaderWait(token), this)
                : default;
            return new ValueTask<bool>(this, _readable.Version);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _readable.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _readable.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _readable.OnCompleted(continuation, state, token, flags);

    // Under the lock: whoever takes the reader's wait completes it, once.
    private bool TakeReaderWait()
    {
        if (!_readerWaiting)
        {
            return false;
        }
        _readerWaiting = false;
        return true;
    }

    private void WakeReader(bool readable)
    {
        // Unregister, not Dispose: Dispose would wait for a cancellation callback running on another thread.
        _readerCancellation.Unregister();
        _wakeWith = readable;
        // The buffer itself is the work item: waking the reader allocates nothing.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (_wakeCancelled is { } cancelled)
        {
            _wakeCancelled = null;
            _readable.SetException(cancelled);
            return;
        }
        _readable.SetResult(_wakeWith);
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

    private void CancelReaderWait(CancellationToken token)
    {
        lock (this)
        {
            if (!TakeReaderWait())
            {
                return;
            }
        }
        _wakeCancelled = new OperationCanceledException(token);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void Resize(int capacity)
    {
        var ring = new SseEvent?[capacity];
        for (var i = 0; i < _count; i++)
        {
            ring[i] = _ring[(_head + i) % _ring.Length];
        }
        _ring = ring;
        _head = 0;
    }
}
