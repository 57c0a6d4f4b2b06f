using System.Diagnostics;
using System.Threading.Channels;
using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Clients;

/// <summary>
/// The bridge between one <see cref="ClientActor"/> and the HTTP response it streams to: a
/// bounded buffer of encoded events (written by the actor, never waiting), the response's abort,
/// and the state of its pending flush. Local to the node that holds the request.
/// </summary>
/// <remarks>
/// A node holds one per connection, so the signals are plain fields behind one uncontended lock
/// rather than cancellation sources and timers: the client actor's heartbeat tick checks the flush.
/// </remarks>
public sealed class ClientConnection
{
    private readonly ConnectionBuffer _buffer;
    // Guards the response's abort against the end of the request: Kestrel reuses an HttpContext
    // for the next request on a keep-alive connection, so an abort must never run after End().
    private readonly Lock _responseGate = new();
    private Action? _abortResponse;
    private int _abortRequested;
    private IActorRef? _client;
    private int _ended;
    private long _flushStartedAt;
    // With a per-user limit: the user entity's verdict (null: admitted, else the user's connections when refused).
    private readonly TaskCompletionSource<int?>? _admission;
    private static readonly Task<int?> Admitted = Task.FromResult<int?>(null);

    /// <param name="lastEventId">With history on, the Last-Event-ID the request carried (null or empty: none).</param>
    /// <param name="expiresAt">When the stream's credential expires (a JWT's exp); the stream is closed then.</param>
    /// <param name="maxUserConnections">The user's connection limit on every node (0: none): the user's entity admits the connection.</param>
    public ClientConnection(string userId, string? tenantId, IReadOnlyList<string> topics, int bufferSize, string? lastEventId = null, DateTimeOffset? expiresAt = null,
        int maxUserConnections = 0)
    {
        ExpiresAt = expiresAt;
        MaxUserConnections = maxUserConnections;
        _admission = maxUserConnections > 0 ? new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        UserId = userId;
        TenantId = tenantId;
        // Each topic once: a stream's position has one place in the connection's event ids.
        Topics = [.. topics.Distinct(StringComparer.Ordinal)];
        Streams = [new StreamKey.User(userId), .. Topics.Select(topic => StreamKey.Topic.For(tenantId, topic)), StreamKey.Broadcasts.Instance];
        if (!string.IsNullOrEmpty(lastEventId))
        {
            // Positions can only name this connection's own streams, so an id copied from another user resumes nothing of theirs.
            ResumeFrom = PositionVector.TryParse(lastEventId, Streams.Count, out var positions) ? positions : null;
            ResumeRefused = ResumeFrom is null;
        }
        _buffer = new ConnectionBuffer(bufferSize);
    }

    public Guid ClientId { get; } = Guid.NewGuid();

    public string UserId { get; }

    public string? TenantId { get; }

    /// <summary>When the stream's credential expires; the client actor closes the stream at its first heartbeat tick after it.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    public IReadOnlyList<string> Topics { get; }

    /// <summary>The user's connection limit on every node, checked by the user's entity; 0: none.</summary>
    public int MaxUserConnections { get; }

    /// <summary>
    /// With <see cref="MaxUserConnections"/>: completes once the user's entity admitted the connection (null) or refused it
    /// (the user's connections it counted). Without, complete at once.
    /// </summary>
    public Task<int?> Admission => _admission?.Task ?? Admitted;

    /// <summary>
    /// The connection's streams: its user, then its topics within its tenant in order, then the broadcasts
    /// (a stream of their own with history on only). Their positions make up its event ids.
    /// </summary>
    public IReadOnlyList<StreamKey> Streams { get; }

    /// <summary>
    /// Where the connection resumes, one position per stream in <see cref="Streams"/> order (read
    /// from its Last-Event-ID); null for a first connection or an id that could not be read.
    /// </summary>
    public StreamPosition[]? ResumeFrom { get; }

    /// <summary>The request carried a Last-Event-ID that does not address this connection's streams: it starts with a <c>reset</c>.</summary>
    public bool ResumeRefused { get; }

    /// <summary>What the response writer drains. Completes when the client actor stops.</summary>
    public ChannelReader<SseEvent> Events => _buffer;

    /// <summary>Whether the response was told to end at once (slow consumer, stalled writes, shutdown grace over).</summary>
    public bool IsAborted => Volatile.Read(ref _abortRequested) == 1;

    /// <summary>How long the response's current flush has waited for the client; zero when none is pending.</summary>
    public TimeSpan PendingFlush => Volatile.Read(ref _flushStartedAt) is var started and not 0 ? Stopwatch.GetElapsedTime(started) : TimeSpan.Zero;

    /// <summary>Queues an event without waiting; false when the buffer is full or closed.</summary>
    public bool TryWrite(SseEvent sseEvent) => _buffer.TryWrite(sseEvent);

    /// <summary>Completes once the buffer has room (the response drained some), false once it is closed.</summary>
    public Task<bool> WaitForRoomAsync() => _buffer.WaitForRoomAsync();

    /// <summary>No more events: the writer drains what is queued, then ends the response.</summary>
    public void Complete() => _buffer.Complete();

    /// <summary>The response writer says how to cut the response; runs at once if that was already asked for.</summary>
    public void OnAbort(Action abortResponse)
    {
        lock (_responseGate)
        {
            if (_ended == 1)
            {
                return;
            }
            _abortResponse = abortResponse;
            if (_abortRequested == 1)
            {
                abortResponse();
            }
        }
    }

    /// <summary>Ends the response at once, unless the request is already over.</summary>
    public void Abort()
    {
        lock (_responseGate)
        {
            if (_ended == 1 || Interlocked.Exchange(ref _abortRequested, 1) == 1)
            {
                return;
            }
            _abortResponse?.Invoke();
        }
    }

    /// <summary>Ends the response after <paramref name="delay"/> (only at shutdown, so a timer per call is fine).</summary>
    public void AbortAfter(TimeSpan delay) =>
        _ = Task.Delay(delay).ContinueWith(static (_, state) => ((ClientConnection)state!).Abort(), this, TaskScheduler.Default);

    public void FlushStarting() => Volatile.Write(ref _flushStartedAt, Stopwatch.GetTimestamp());

    public void FlushDone() => Volatile.Write(ref _flushStartedAt, 0);

    internal void Admit() => _admission?.TrySetResult(null);

    internal void RefuseAdmission(int connections) => _admission?.TrySetResult(connections);

    /// <summary>The client actor registers itself; false when the request has already ended and the actor should stop.</summary>
    internal bool Attach(IActorRef client)
    {
        Interlocked.Exchange(ref _client, client);
        return Volatile.Read(ref _ended) == 0;
    }

    /// <summary>The request is over (browser gone, refused, timed out, or the stream ended): the client actor stops.</summary>
    public void End()
    {
        lock (_responseGate)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1)
            {
                return;
            }
            _abortResponse = null;
        }
        Volatile.Read(ref _client)?.Tell(ClientProtocol.Disconnect.Instance);
    }
}
