using System.Threading.Tasks.Sources;
using Sse.Actors.Events;

namespace Sse.Actors.Clients;

/// <summary>
/// The reader's wait of <see cref="ConnectionBuffer"/>: one <see cref="ManualResetValueTaskSourceCore{TResult}"/>
/// reused from one wait to the next, so a connection that waits for its next event allocates nothing. The buffer is
/// both the wait's source and the thread pool's work item that completes it.
/// </summary>
internal sealed partial class ConnectionBuffer
{
    // The reader's wait: reused from one wait to the next, completed from the thread pool (never on the writer's thread).
    private ManualResetValueTaskSourceCore<bool> _readable;
    private bool _readerWaiting;
    private bool _wakeWith;
    private OperationCanceledException? _wakeCancelled;
    private CancellationTokenRegistration _readerCancellation;

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }
        lock (this)
        {
            if (_ring.Count > 0)
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
}
