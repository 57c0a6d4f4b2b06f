using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sse.Actors.Events;

/// <summary>
/// Writes events in the text/event-stream format. Every line of the data becomes its own
/// <c>data:</c> line (CR, LF and CRLF all end a line), so a payload can never end an event early
/// or inject fields. The event is measured first and written into one exactly sized array. The bytes never hold an
/// <c>id:</c> line: the response writer writes it, by the node's <see cref="EventIdPolicy"/>.
/// </summary>
public static class SseEncoder
{
    public const string DefaultEventName = "message";

    public static SseEvent Encode(string eventName, string data, int? retryMilliseconds = null) =>
        Encode(EventIds.Next(), eventName, data, retryMilliseconds);

    public static SseEvent Encode(string id, string eventName, string data, int? retryMilliseconds = null) =>
        new(id, EncodeBytes(eventName, data, retryMilliseconds));

    /// <summary>An event that must not move the browser's Last-Event-ID (a reset): no id is written for it, whatever the policy.</summary>
    public static SseEvent EncodeWithoutId(string eventName, string data, int? retryMilliseconds = null) =>
        Encode(eventName, data, retryMilliseconds) with { KeepsLastEventId = true };

    /// <summary>A published event: a new id, and the moment the publish was accepted (<see cref="SseEvent.PublishedAt"/>).</summary>
    internal static SseEvent EncodePublished(string eventName, string data) =>
        new(EventIds.Next(), EncodeBytes(eventName, data, retryMilliseconds: null)) { PublishedAt = Stopwatch.GetTimestamp() };

    private static byte[] EncodeBytes(string eventName, string data, int? retryMilliseconds)
    {
        var named = eventName != DefaultEventName;
        var retry = retryMilliseconds?.ToString(CultureInfo.InvariantCulture);

        var size = (named ? FieldSize("event: "u8, eventName) : 0) + (retry is null ? 0 : FieldSize("retry: "u8, retry)) + 1;
        for (var lines = new Lines(data); lines.Next(out var line);)
        {
            size += FieldSize("data: "u8, line);
        }

        var bytes = new byte[size];
        var output = bytes.AsSpan();
        if (named)
        {
            WriteField(ref output, "event: "u8, eventName);
        }
        if (retry is not null)
        {
            WriteField(ref output, "retry: "u8, retry);
        }
        for (var lines = new Lines(data); lines.Next(out var line);)
        {
            WriteField(ref output, "data: "u8, line);
        }
        output[0] = (byte)'\n';
        return bytes;
    }

    /// <summary>The lines of a payload: CR, LF and CRLF end a line; what follows the last end is a line too, even empty.</summary>
    private ref struct Lines
    {
        private ReadOnlySpan<char> _rest;
        private bool _done;

        public Lines(ReadOnlySpan<char> data) => _rest = data;

        public bool Next(out ReadOnlySpan<char> line)
        {
            if (_done)
            {
                line = default;
                return false;
            }
            var end = _rest.IndexOfAny('\r', '\n');
            if (end < 0)
            {
                line = _rest;
                _done = true;
                return true;
            }
            line = _rest[..end];
            var skip = _rest[end] == '\r' && end + 1 < _rest.Length && _rest[end + 1] == '\n' ? 2 : 1;
            _rest = _rest[(end + skip)..];
            return true;
        }
    }

    private static int FieldSize(ReadOnlySpan<byte> field, ReadOnlySpan<char> value) => field.Length + Encoding.UTF8.GetByteCount(value) + 1;

    private static void WriteField(ref Span<byte> output, ReadOnlySpan<byte> field, ReadOnlySpan<char> value)
    {
        field.CopyTo(output);
        var written = field.Length + Encoding.UTF8.GetBytes(value, output[field.Length..]);
        output[written] = (byte)'\n';
        output = output[(written + 1)..];
    }
}
