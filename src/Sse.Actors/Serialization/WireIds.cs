using System.Runtime.Serialization;
using Sse.Actors.Events;

namespace Sse.Actors.Serialization;

/// <summary>
/// User and tenant ids in binary. A UUID (most ids of the seed's clients) is 16 bytes; any other id its UTF-8 string.
/// Alone, a field holds the 16 bytes where the message's format says so (a UUID in a message of the format ids had when
/// they were UUIDs) and the string otherwise; in a list or a ticket, a tag byte says which follows.
/// </summary>
internal static class WireIds
{
    private const byte UuidTag = 0;
    private const byte StringTag = 1;

    /// <summary>Whether every id is a UUID, so the message can be written in the format of UUID ids.</summary>
    public static bool AllUuids(IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            if (!SseIds.TryParseUuid(id, out _))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether an id field can be written in the format of UUID ids: it holds a UUID, or no id at all (an optional tenant).</summary>
    public static bool FitsUuidFormat(string? id) => id is null || SseIds.TryParseUuid(id, out _);

    /// <summary>A UUID id as its 16 bytes (the caller checked it is one).</summary>
    public static void WriteUuid(BinaryWriter w, string id) => WriteGuid(w, Guid.ParseExact(id, "D"));

    public static string ReadUuid(BinaryReader r) => SseIds.FromGuid(ReadGuid(r));

    public static void WriteTagged(BinaryWriter w, string id)
    {
        if (SseIds.TryParseUuid(id, out var uuid))
        {
            w.Write(UuidTag);
            WriteGuid(w, uuid);
        }
        else
        {
            w.Write(StringTag);
            w.Write(id);
        }
    }

    public static string ReadTagged(BinaryReader r) => r.ReadByte() switch
    {
        UuidTag => ReadUuid(r),
        StringTag => r.ReadString(),
        var tag => throw new SerializationException($"Unknown id tag {tag}."),
    };

    public static void WriteGuid(BinaryWriter w, Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        w.Write(bytes);
    }

    public static Guid ReadGuid(BinaryReader r)
    {
        var bytes = r.ReadBytes(16);
        return bytes.Length == 16 ? new Guid(bytes) : throw new EndOfStreamException("A UUID ends early.");
    }
}
