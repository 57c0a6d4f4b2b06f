using Sse.Actors.History;

namespace Sse.Actors.Events;

/// <summary>
/// One event, already encoded in the text/event-stream wire format. It is encoded once per
/// publish and the same bytes are handed to every recipient, whatever the history setting: the response writer writes
/// the <c>id:</c> line before them, by the node's <see cref="EventIdPolicy"/>.
/// </summary>
/// <param name="Id">The event's own id, the one its publisher is told; the <c>id:</c> a browser sees with history off.</param>
/// <param name="Utf8">The event block without an id (event, retry, data lines and the blank line), UTF-8.</param>
public sealed record SseEvent(string Id, byte[] Utf8) : Serialization.ISseWireMessage
{
    public int Length => Utf8.Length;

    /// <summary>
    /// A <see cref="System.Diagnostics.Stopwatch"/> timestamp of when the publish was accepted on
    /// this node, or when the event arrived from another node (a timestamp means nothing in
    /// another process); 0 for a connection's own events (welcome, heartbeat, close).
    /// Taken once per publish, for the delivery latency metric.
    /// </summary>
    public long PublishedAt { get; init; }

    /// <summary>With history on: the stream the event belongs to (its <see cref="Streams.StreamKey.Name"/>), set by its entity; null otherwise.</summary>
    public string? Stream { get; init; }

    /// <summary>With history on: the event's place in <see cref="Stream"/>, set by its entity.</summary>
    public StreamPosition? Position { get; init; }

    /// <summary>
    /// The publisher's own name for the event (<c>message_id</c>, <c>Idempotency-Key</c>): with history on, a stream
    /// that recorded it within its window records a retry of it as the same event, not again. Null when not named.
    /// </summary>
    public string? MessageId { get; init; }

    /// <summary>
    /// With history on, on a connection's welcome only: where each of the connection's streams starts,
    /// which the writer takes as its id. Never leaves the node.
    /// </summary>
    internal StreamPosition[]? StartPositions { get; init; }

    /// <summary>The event names no position (a reset): no policy writes an id for it, so the browser's Last-Event-ID stays. Never leaves the node.</summary>
    internal bool KeepsLastEventId { get; init; }

    public override string ToString() => $"SseEvent({Id}, {Utf8.Length} bytes)";
}
