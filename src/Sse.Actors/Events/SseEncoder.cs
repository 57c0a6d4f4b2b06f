using System.Buffers;
using System.Text;

namespace Sse.Actors.Events;

/// <summary>
/// Writes events in the text/event-stream format. Every line of the data becomes its own
/// <c>data:</c> line (CR, LF and CRLF all end a line), so a payload can never end an event early
/// or inject fields.
/// </summary>
public static class SseEncoder
{
    public const string DefaultEventName = "message";

    public static SseEvent Encode(string eventName, string data, int? retryMilliseconds = null) =>
        Encode(EventIds.Next(), eventName, data, retryMilliseconds);

    public static SseEvent Encode(string id, string eventName, string data, int? retryMilliseconds = null)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + Encoding.UTF8.GetMaxByteCount(data.Length) / 2);
        WriteLine(buffer, "id: "u8, id);
        if (eventName != DefaultEventName)
        {
            WriteLine(buffer, "event: "u8, eventName);
        }
        if (retryMilliseconds is { } retry)
        {
            WriteLine(buffer, "retry: "u8, retry.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        WriteData(buffer, data);
        buffer.Write("\n"u8);
        return new SseEvent(id, buffer.WrittenSpan.ToArray());
    }

    private static void WriteData(ArrayBufferWriter<byte> buffer, ReadOnlySpan<char> data)
    {
        while (true)
        {
            var end = data.IndexOfAny('\r', '\n');
            if (end < 0)
            {
                WriteLine(buffer, "data: "u8, data);
                return;
            }
            WriteLine(buffer, "data: "u8, data[..end]);
            var skip = data[end] == '\r' && end + 1 < data.Length && data[end + 1] == '\n' ? 2 : 1;
            data = data[(end + skip)..];
        }
    }

    private static void WriteLine(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> field, ReadOnlySpan<char> value)
    {
        buffer.Write(field);
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
        var written = Encoding.UTF8.GetBytes(value, span);
        span[written] = (byte)'\n';
        buffer.Advance(written + 1);
    }

    private static void WriteLine(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> field, string value) =>
        WriteLine(buffer, field, value.AsSpan());
}
