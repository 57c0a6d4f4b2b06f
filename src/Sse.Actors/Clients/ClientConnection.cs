using System.Threading.Channels;
using Sse.Actors.Events;

namespace Sse.Actors.Clients;

/// <summary>
/// The bridge between one <see cref="ClientActor"/> and the HTTP response it streams to: a
/// bounded buffer of encoded events (written by the actor, never waiting) and an abort signal
/// for the response. Local to the node that holds the request.
/// </summary>
public sealed class ClientConnection
{
    private readonly Channel<SseEvent> _buffer;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _ended = new();

    public ClientConnection(Guid userId, Guid? tenantId, IReadOnlyList<string> topics, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        UserId = userId;
        TenantId = tenantId;
        Topics = topics;
        TopicKeys = [.. topics.Select(topic => Sse.Actors.Topics.TopicKeys.For(tenantId, topic))];
        _buffer = Channel.CreateBounded<SseEvent>(new BoundedChannelOptions(bufferSize)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public Guid ClientId { get; } = Guid.NewGuid();

    public Guid UserId { get; }

    public Guid? TenantId { get; }

    public IReadOnlyList<string> Topics { get; }

    /// <summary>The topic entities this connection subscribes to: its topics within its tenant.</summary>
    public IReadOnlyList<string> TopicKeys { get; }

    /// <summary>What the response writer drains. Completes when the client actor stops.</summary>
    public ChannelReader<SseEvent> Events => _buffer.Reader;

    /// <summary>Cancelled when the response must end at once (slow consumer, shutdown grace over).</summary>
    public CancellationToken Aborted => _abort.Token;

    /// <summary>Cancelled when the HTTP request is over for any reason; the client actor then stops.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>The request is over (browser gone, refused, timed out, or the stream ended).</summary>
    public void End() => _ended.Cancel();

    /// <summary>Queues an event without waiting; false when the buffer is full or closed.</summary>
    public bool TryWrite(SseEvent sseEvent) => _buffer.Writer.TryWrite(sseEvent);

    /// <summary>No more events: the writer drains what is queued, then ends the response.</summary>
    public void Complete() => _buffer.Writer.TryComplete();

    public void Abort() => _abort.Cancel();

    public void AbortAfter(TimeSpan delay) => _abort.CancelAfter(delay);
}
