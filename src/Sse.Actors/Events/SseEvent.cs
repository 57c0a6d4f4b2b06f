namespace Sse.Actors.Events;

/// <summary>
/// One event, already encoded in the text/event-stream wire format. It is encoded once per
/// publish and the same bytes are handed to every recipient.
/// </summary>
/// <param name="Id">The event's <c>id:</c> field.</param>
/// <param name="Utf8">The complete event block (id, event, data lines and the blank line), UTF-8.</param>
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

    public override string ToString() => $"SseEvent({Id}, {Utf8.Length} bytes)";
}
