using System.Buffers;
using Sse.Actors.Events;

namespace Sse.Actors.History;

/// <summary>
/// With history on (<see cref="EventIdPolicy.StreamPositions"/>), the id of each event is the connection's position
/// vector after it (<see cref="PositionVector"/>). The writer sees the connection's events in order, so it keeps the
/// vector and writes the <c>id:</c> line itself. Events of no stream (heartbeats, close, reset) get none.
/// </summary>
internal sealed class PositionIdWriter(IReadOnlyList<string> streams) : IEventIdWriter
{
    private readonly StreamPosition[] _positions = new StreamPosition[streams.Count];
    private readonly int _maxLine = PositionVector.MaxIdLineBytes(streams.Count);

    public void WriteId(IBufferWriter<byte> output, SseEvent sseEvent)
    {
        if (sseEvent.StartPositions is { } start)
        {
            start.CopyTo(_positions, 0);
        }
        else if (sseEvent is { Stream: { } stream, Position: { } position } && IndexOf(stream) is var i and >= 0)
        {
            _positions[i] = position;
        }
        else
        {
            return;
        }
        output.Advance(PositionVector.WriteIdLine(output.GetSpan(_maxLine), _positions));
    }

    // A few streams per connection: a scan is cheaper than a dictionary per connection.
    private int IndexOf(string stream)
    {
        for (var i = 0; i < streams.Count; i++)
        {
            if (string.Equals(streams[i], stream, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
