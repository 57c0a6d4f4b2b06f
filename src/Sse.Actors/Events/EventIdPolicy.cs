using System.Buffers;
using System.Text;
using Sse.Actors.History;

namespace Sse.Actors.Events;

/// <summary>
/// What a browser sees as each event's <c>id:</c>, chosen once at start from the history setting (<see cref="For"/>).
/// The response writer is the one place that writes the line, straight into the response before the event's bytes,
/// which never hold one: an event is encoded once and written as is to every connection, in either mode.
/// </summary>
internal abstract class EventIdPolicy
{
    /// <summary>History off: each event's own id (<see cref="SseEvent.Id"/>), also for the connection's welcome, heartbeats and close.</summary>
    public static readonly EventIdPolicy OwnIds = new EventsOwnIds();

    /// <summary>
    /// History on: the connection's position in each of its streams (<see cref="PositionVector"/>), written on its
    /// streams' events and on a welcome that says where they start; its other events leave the Last-Event-ID alone.
    /// </summary>
    public static readonly EventIdPolicy StreamPositions = new ConnectionPositions();

    public static EventIdPolicy For(bool history) => history ? StreamPositions : OwnIds;

    /// <summary>The id writer of one connection, whose streams are named <paramref name="streams"/> in its order.</summary>
    public abstract IEventIdWriter ForConnection(IReadOnlyList<string> streams);

    // Stateless: one writer for every connection.
    private sealed class EventsOwnIds : EventIdPolicy, IEventIdWriter
    {
        public override IEventIdWriter ForConnection(IReadOnlyList<string> streams) => this;

        public void WriteId(IBufferWriter<byte> output, SseEvent sseEvent)
        {
            if (sseEvent.KeepsLastEventId)
            {
                return;
            }
            var id = sseEvent.Id;
            var line = output.GetSpan("id: \n".Length + Encoding.UTF8.GetMaxByteCount(id.Length));
            "id: "u8.CopyTo(line);
            var written = "id: ".Length + Encoding.UTF8.GetBytes(id, line["id: ".Length..]);
            line[written] = (byte)'\n';
            output.Advance(written + 1);
        }
    }

    private sealed class ConnectionPositions : EventIdPolicy
    {
        public override IEventIdWriter ForConnection(IReadOnlyList<string> streams) => new PositionIdWriter(streams);
    }
}

/// <summary>Writes the <c>id:</c> line of a connection's events by its <see cref="EventIdPolicy"/>; called by the response writer, in write order.</summary>
internal interface IEventIdWriter
{
    /// <summary>Writes the <c>id:</c> line of <paramref name="sseEvent"/> into <paramref name="output"/>, or nothing when it gets none.</summary>
    void WriteId(IBufferWriter<byte> output, SseEvent sseEvent);
}
