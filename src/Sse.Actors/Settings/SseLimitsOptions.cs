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
    /// Stream requests one client IP may start per minute (429 with Retry-After over it); 0 = no limit.
    /// Off by default: behind a proxy every client shares its IP unless forwarded headers are configured.
    /// </summary>
    public int ConnectionAttemptsPerMinutePerIp { get; set; }
}
