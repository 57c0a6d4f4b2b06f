using System.Globalization;
using System.Text.Json;
using Sse.Actors.Events;

namespace Sse.Actors.Clients;

/// <summary>
/// The events a connection writes of its own: welcome, heartbeat, reset and close. Each has an id of its own, as every
/// event does; whether a browser sees it is the response writer's <see cref="EventIdPolicy"/>, not theirs.
/// </summary>
internal static class ConnectionEvents
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Bytes hold no id: every heartbeat of every connection shares one encoded copy.
    private static readonly byte[] HeartbeatBytes = SseEncoder.Encode("heartbeat", "ping").Utf8;

    public static SseEvent Heartbeat() => new(EventIds.Next(), HeartbeatBytes);

    /// <summary>The first event of a connection: its client id and the browser's <c>retry:</c>.</summary>
    public static SseEvent Welcome(Guid clientId, TimeSpan reconnectDelay)
    {
        var timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var data = JsonSerializer.Serialize(new WelcomeData("welcome", clientId, timestamp), Json);
        return SseEncoder.Encode(SseEncoder.DefaultEventName, data, (int)reconnectDelay.TotalMilliseconds);
    }

    /// <summary>Names the streams the connection could not resume: what it missed of them is gone. Never an id: it names no position.</summary>
    public static SseEvent Reset(IReadOnlyList<string> streams) =>
        SseEncoder.EncodeWithoutId("reset", JsonSerializer.Serialize(new ResetData("reset", streams), Json));

    /// <summary>The last event of a stream the server ends.</summary>
    public static SseEvent Close(string reason) => SseEncoder.Encode("close", reason);

    private sealed record WelcomeData(string Type, Guid ClientId, string Timestamp);

    private sealed record ResetData(string Type, IReadOnlyList<string> Streams);
}
