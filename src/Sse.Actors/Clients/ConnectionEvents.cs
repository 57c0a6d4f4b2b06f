using System.Globalization;
using System.Text.Json;
using Sse.Actors.Events;

namespace Sse.Actors.Clients;

/// <summary>
/// The events a connection writes of its own: welcome, heartbeat, reset and close. One of two policies, chosen with
/// the connection's streams (<see cref="ConnectionStreams.Events"/>): with history on they carry no id, since only
/// stream events may move the browser's Last-Event-ID; with history off each gets a new id, as every event does.
/// </summary>
internal sealed class ConnectionEvents
{
    /// <summary>History off: every event carries a new id.</summary>
    public static readonly ConnectionEvents WithIds = new(writeIds: true);

    /// <summary>History on: the connection's own events leave its Last-Event-ID alone.</summary>
    public static readonly ConnectionEvents WithoutIds = new(writeIds: false);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly bool _writeIds;
    // Without an id, every connection shares one encoded copy.
    private readonly SseEvent? _sharedHeartbeat;

    private ConnectionEvents(bool writeIds)
    {
        _writeIds = writeIds;
        _sharedHeartbeat = writeIds ? null : SseEncoder.EncodeWithoutId("heartbeat", "ping");
    }

    public SseEvent Heartbeat() => _sharedHeartbeat ?? SseEncoder.Encode("heartbeat", "ping");

    /// <summary>The first event of a connection: its client id and the browser's <c>retry:</c>.</summary>
    public SseEvent Welcome(Guid clientId, TimeSpan reconnectDelay)
    {
        var timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var data = JsonSerializer.Serialize(new WelcomeData("welcome", clientId, timestamp), Json);
        return Encode(SseEncoder.DefaultEventName, data, (int)reconnectDelay.TotalMilliseconds);
    }

    /// <summary>Names the streams the connection could not resume: what it missed of them is gone. Never an id: it names no position.</summary>
    public static SseEvent Reset(IReadOnlyList<string> streams) =>
        SseEncoder.EncodeWithoutId("reset", JsonSerializer.Serialize(new ResetData("reset", streams), Json));

    /// <summary>The last event of a stream the server ends.</summary>
    public SseEvent Close(string reason) => Encode("close", reason);

    private SseEvent Encode(string eventName, string data, int? retryMilliseconds = null) => _writeIds
        ? SseEncoder.Encode(eventName, data, retryMilliseconds)
        : SseEncoder.EncodeWithoutId(eventName, data, retryMilliseconds);

    private sealed record WelcomeData(string Type, Guid ClientId, string Timestamp);

    private sealed record ResetData(string Type, IReadOnlyList<string> Streams);
}
