using System.Diagnostics;
using System.Runtime.Serialization;
using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Serialization;

/// <summary>Reads one wire message: what <see cref="WireWriter"/> wrote, in the same order.</summary>
/// <param name="uuidIds">The message is in the format of UUID ids (its manifest says so): an id field is its 16 bytes.</param>
internal sealed class WireReader(Stream input, ExtendedActorSystem system, bool uuidIds) : BinaryReader(input)
{
    /// <summary>Whether the message has no more fields: one written by the version before ends sooner.</summary>
    public bool AtEnd => BaseStream.Position >= BaseStream.Length;

    public StreamKey ReadStream() => ReadByte() switch
    {
        (byte)'u' => new StreamKey.User(WireIds.ReadUuid(this)),
        (byte)'n' => new StreamKey.User(ReadString()),
        (byte)'t' => new StreamKey.Topic(ReadString()),
        (byte)'b' => StreamKey.Broadcasts.Instance,
        var tag => throw new SerializationException($"Unknown stream kind '{(char)tag}'."),
    };

    public IActorRef ReadRef() => system.Provider.ResolveActorRef(ReadString());

    public SseEvent ReadEvent() => ReadEvent(withMessageId: true);

    public SseEvent ReadEvent(bool withMessageId)
    {
        var id = ReadString();
        var length = ReadInt32();
        var bytes = WithoutIdLine(ReadBytes(length));
        // Only published events cross nodes; their latency on this node counts from arrival.
        var sseEvent = new SseEvent(id, bytes) { PublishedAt = Stopwatch.GetTimestamp() };
        if (ReadBoolean())
        {
            sseEvent = sseEvent with { Stream = ReadString(), Position = ReadPosition() };
        }
        return withMessageId && ReadBoolean() ? sseEvent with { MessageId = ReadString() } : sseEvent;
    }

    /// <summary>
    /// An event of the version before, with history off, begins with its <c>id:</c> line (the encoder writes it first, and
    /// no other field begins with <c>id</c>): it is taken off, since the response writer writes the id by its policy.
    /// </summary>
    private static byte[] WithoutIdLine(byte[] utf8)
    {
        if (!utf8.AsSpan().StartsWith("id:"u8))
        {
            return utf8;
        }
        var end = Array.IndexOf(utf8, (byte)'\n');
        return end < 0 ? utf8 : utf8[(end + 1)..];
    }

    public SseEvent[] ReadEvents()
    {
        var events = new SseEvent[ReadInt32()];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = ReadEvent();
        }
        return events;
    }

    public StreamPosition ReadPosition() => new(ReadUInt32(), ReadInt64());

    public StreamPosition? ReadOptionalPosition() => ReadBoolean() ? ReadPosition() : null;

    public string? ReadOptionalString() => ReadBoolean() ? ReadString() : null;

    public string ReadId() => uuidIds ? WireIds.ReadUuid(this) : ReadString();

    public string? ReadTenant() => !uuidIds ? ReadString() : ReadBoolean() ? WireIds.ReadUuid(this) : null;

    public IReadOnlyList<string> ReadIds()
    {
        var ids = new string[ReadInt32()];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = uuidIds ? WireIds.ReadUuid(this) : WireIds.ReadTagged(this);
        }
        return ids;
    }

    public string? ReadCursor() => ReadBoolean() ? WireIds.ReadTagged(this) : null;

    public Guid ReadGuid() => WireIds.ReadGuid(this);

    public object ReadWithAkka()
    {
        var serializerId = ReadInt32();
        var manifest = ReadString();
        return system.Serialization.Deserialize(ReadBytes(ReadInt32()), serializerId, manifest);
    }
}
