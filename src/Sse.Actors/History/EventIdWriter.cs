using System.IO.Pipelines;
using Sse.Actors.Events;

namespace Sse.Actors.History;

/// <summary>
/// With history on, the id of each event is the connection's position vector after it
/// (<see cref="PositionVector"/>). The encoded bytes are shared by every recipient, so the
/// writer, which sees the connection's events in order, writes the <c>id:</c> line itself, straight
/// into the response. Events of no stream (heartbeats, close, reset) get none.
/// </summary>
internal sealed class EventIdWriter(IReadOnlyList<string> streams)
{
    private readonly StreamPosition[] _positions = new StreamPosition[streams.Count];
    private readonly int _maxLine = PositionVector.MaxIdLineBytes(streams.Count);

    public void WriteId(PipeWriter output, SseEvent sseEvent)
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
