namespace Sse.Actors.Settings;

/// <summary>Input limits (<c>Sse:Limits</c> section). Over a limit: a 4xx naming the limit, or an <see cref="ArgumentException"/> from the API.</summary>
public sealed class SseLimitsOptions
{
    /// <summary>Topics one stream may subscribe to (400 over it).</summary>
    public int MaxTopicsPerConnection { get; set; } = 32;

    /// <summary>Characters in a topic name. Topics also refuse commas and control characters.</summary>
    public int MaxTopicLength { get; set; } = 128;

    /// <summary>Characters in an event name.</summary>
    public int MaxEventNameLength { get; set; } = 64;

    /// <summary>UTF-8 bytes of one event's data.</summary>
    public int MaxEventDataBytes { get; set; } = 64 * 1024;

    /// <summary>Bytes of a <c>POST /send</c> body (413 over it).</summary>
    public int MaxSendBodyBytes { get; set; } = 128 * 1024;

    /// <summary>Messages in one <c>POST /send/batch</c> body (400 over it).</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Bytes of a <c>POST /send/batch</c> body (413 over it).</summary>
    public int MaxBatchBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Publishes this node lets wait for their streams at once. Past it a publish waits for room (a slower answer) and is
    /// refused, never sent (503 with Retry-After, <c>PublishTimeoutException</c>), once <c>Sse:PublishTimeout</c> has passed,
    /// or at once when as many wait already. Bounds what the node's publishers add to entity mailboxes.
    /// </summary>
    public int MaxPendingPublishes { get; set; } = 20_000;

    /// <summary>
    /// Messages a stream entity holds before it drops publishes unanswered (their publishers are refused after
    /// <c>Sse:PublishTimeout</c> and retry): its mailbox, what waits while its history loads, and with the durable store
    /// the events not yet written.
    /// </summary>
    public int MaxStreamBacklog { get; set; } = 10_000;

    /// <summary>
    /// Live events the node's broker holds for its connections before it sheds them: the connections of a shed
    /// event's stream catch up from the stream's history (or get a <c>reset</c> naming it), so nothing is skipped silently.
    /// </summary>
    public int MaxBrokerBacklog { get; set; } = 100_000;

    /// <summary>
    /// Stream requests one client IP may start per minute (429 with Retry-After over it); 0 = no limit.
    /// Off by default: behind a proxy every client shares its IP unless forwarded headers are configured.
    /// </summary>
    public int ConnectionAttemptsPerMinutePerIp { get; set; }
}
