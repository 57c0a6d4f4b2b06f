using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Serialization;

/// <summary>
/// Writes one wire message: the primitives of <see cref="BinaryWriter"/> and the values messages are made of (stream keys,
/// actor references, positions, events, ids). <see cref="WireReader"/> reads each back.
/// </summary>
/// <param name="uuidIds">The message is written in the format of UUID ids (its manifest says so): an id field is its 16 bytes.</param>
internal sealed class WireWriter(Stream output, ExtendedActorSystem system, bool uuidIds) : BinaryWriter(output)
{
    // A stream key is its kind's tag and what names it within the kind: a user's by a UUID ('u', as before ids were
    // strings) or another id ('n').
    public void WriteStream(StreamKey stream)
    {
        switch (stream)
        {
            case StreamKey.User user when WireIds.FitsUuidFormat(user.UserId):
                Write((byte)'u');
                WireIds.WriteUuid(this, user.UserId);
                break;
            case StreamKey.User user:
                Write((byte)'n');
                Write(user.UserId);
                break;
            case StreamKey.Topic topic:
                Write((byte)'t');
                Write(topic.Key);
                break;
            default:
                Write((byte)'b');
                break;
        }
    }

    public void WriteRef(IActorRef actor) => Write(Akka.Serialization.Serialization.SerializedActorPath(actor));

    public void WriteEvent(SseEvent e)
    {
        Write(e.Id);
        Write(e.Utf8.Length);
        Write(e.Utf8);
        // History on: the stream and the place in it; a stream name and a position go together.
        Write(e.Stream is not null && e.Position.HasValue);
        if (e is { Stream: { } stream, Position: { } position })
        {
            Write(stream);
            WritePosition(position);
        }
        WriteOptionalString(e.MessageId);
    }

    public void WriteEvents(IReadOnlyList<SseEvent> events)
    {
        Write(events.Count);
        foreach (var e in events)
        {
            WriteEvent(e);
        }
    }

    public void WritePosition(StreamPosition position)
    {
        Write(position.Epoch);
        Write(position.Seq);
    }

    public void WriteOptionalPosition(StreamPosition? position)
    {
        Write(position.HasValue);
        if (position is { } p)
        {
            WritePosition(p);
        }
    }

    public void WriteOptionalString(string? value)
    {
        Write(value is not null);
        if (value is not null)
        {
            Write(value);
        }
    }

    /// <summary>A user or tenant id: its 16 bytes in the format of UUID ids, else its string.</summary>
    public void WriteId(string id)
    {
        if (uuidIds)
        {
            WireIds.WriteUuid(this, id);
        }
        else
        {
            Write(id);
        }
    }

    /// <summary>
    /// An optional tenant: in the format of UUID ids whether there is one, then its 16 bytes; else its string (a tenant
    /// that is not a UUID is never absent).
    /// </summary>
    public void WriteTenant(string? tenantId)
    {
        if (!uuidIds)
        {
            Write(tenantId!);
            return;
        }
        Write(tenantId is not null);
        if (tenantId is not null)
        {
            WireIds.WriteUuid(this, tenantId);
        }
    }

    /// <summary>A list of ids: 16 bytes each in the format of UUID ids, else each behind its tag.</summary>
    public void WriteIds(IReadOnlyList<string> ids)
    {
        Write(ids.Count);
        foreach (var id in ids)
        {
            if (uuidIds)
            {
                WireIds.WriteUuid(this, id);
            }
            else
            {
                WireIds.WriteTagged(this, id);
            }
        }
    }

    /// <summary>A page's cursor: any user id, tagged (a UUID in 17 bytes), in either format.</summary>
    public void WriteCursor(string? id)
    {
        Write(id is not null);
        if (id is not null)
        {
            WireIds.WriteTagged(this, id);
        }
    }

    public void WriteGuid(Guid id) => WireIds.WriteGuid(this, id);

    /// <summary>A value of Akka's own types (a hand-off bucket's dictionary), through the serializer Akka binds to it: Akka.DistributedData's.</summary>
    public void WriteWithAkka(object value)
    {
        var serializer = system.Serialization.FindSerializerFor(value);
        Write(serializer.Identifier);
        Write(Akka.Serialization.Serialization.ManifestFor(serializer, value));
        var bytes = serializer.ToBinary(value);
        Write(bytes.Length);
        Write(bytes);
    }
}
