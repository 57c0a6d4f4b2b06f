using System.Globalization;
using System.Text.Json;
using Sse.Actors.Events;

namespace Sse.Actors.Clients;

/// <summary>
/// The events a connection writes of its own: welcome, heartbeat, reset and close. With history on they
/// carry no id: only stream events move the browser's Last-Event-ID.
/// </summary>
internal static class ConnectionEvents
{
    // With history on a heartbeat has no id, so every connection shares one encoded copy.
    private static readonly SseEvent HeartbeatWithoutId = SseEncoder.EncodeWithoutId("heartbeat", "ping");

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static SseEvent Heartbeat(bool history) => history ? HeartbeatWithoutId : SseEncoder.Encode("heartbeat", "ping");

    /// <summary>The first event of a connection: its client id and the browser's <c>retry:</c>.</summary>
    public static SseEvent Welcome(Guid clientId, TimeSpan reconnectDelay, bool history)
    {
        var timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var data = JsonSerializer.Serialize(new WelcomeData("welcome", clientId, timestamp), Json);
        var retry = (int)reconnectDelay.TotalMilliseconds;
        return history
            ? SseEncoder.EncodeWithoutId(SseEncoder.DefaultEventName, data, retry)
            : SseEncoder.Encode(SseEncoder.DefaultEventName, data, retry);
    }

    /// <summary>Names the streams the connection could not resume: what it missed of them is gone.</summary>
    public static SseEvent Reset(IReadOnlyList<string> streams) =>
        SseEncoder.EncodeWithoutId("reset", JsonSerializer.Serialize(new ResetData("reset", streams), Json));

    /// <summary>The last event of a stream the server ends.</summary>
    public static SseEvent Close(string reason, bool history) =>
        history ? SseEncoder.EncodeWithoutId("close", reason) : SseEncoder.Encode("close", reason);

    private sealed record WelcomeData(string Type, Guid ClientId, string Timestamp);

    private sealed record ResetData(string Type, IReadOnlyList<string> Streams);
}
