using System.Diagnostics;
using Akka.Actor;
using Akka.DistributedData;
using Akka.Serialization;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerQueries;
using static Sse.Actors.Streams.StreamProtocol;
using static Sse.Actors.Tickets.TicketProtocol;

namespace Sse.Actors.Serialization;

// One file on purpose (over 250 lines): every message's wire format side by side, the manifest, the writer
// and the reader of each in the same order, so a change to one message is made and reviewed in one place.

/// <summary>
/// Compact binary format for every <see cref="ISseWireMessage"/>: a short manifest names the type,
/// fields follow in declaration order. Actor references travel as their serialized paths.
/// </summary>
/// <remarks>
/// User and tenant ids: a message whose ids are all UUIDs is written exactly as when ids were UUIDs (16 bytes each, the
/// same manifest and stream tag), so nodes of that version and this one understand each other during a rolling upgrade.
/// A message with any other id has a manifest (<c>…n</c>) or stream tag (<c>n</c>) of its own, which that version refuses
/// rather than misreads (<see cref="WireIds"/>).
/// </remarks>
public sealed class SseWireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7401;

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        SseEvent => "EV",
        SubscribeToStream => "SS",
        UnsubscribeFromStream => "US",
        PublishToStream => "PS",
        EventRecorded => "ER",
        SubscribedToStream => "AS",
        SubscriptionRefused => "RS",
        SendToUser m => WireIds.FitsUuidFormat(m.UserId) ? "CU" : "CUn",
        SendToTopic m => WireIds.FitsUuidFormat(m.TenantId) ? "CT" : "CTn",
        Broadcast => "CB",
        DeliverBroadcast => "DB",
        PublishAccepted => "PA",
        PublishRejected => "PR",
        PublishOutcomeUnknown => "PU",
        GetStats => "QS",
        GetUserConnectionCount m => WireIds.FitsUuidFormat(m.UserId) ? "QC" : "QCn",
        UserConnectionCount m => WireIds.FitsUuidFormat(m.UserId) ? "RC" : "RCn",
        GetOnlineUsers => "QO",
        OnlineUsers m => WireIds.AllUuids(m.UserIds) ? "RO" : "ROn",
        BrokerStats => "BS",
        GetNodeReport => "QN",
        NodeReport => "RN",
        GetNodeOnlineUsers => "QU",
        NodeOnlineUsers m => WireIds.AllUuids(m.UserIds) ? "RU" : "RUn",
        NodeFanOut.StreamEvent => "NS",
        HistorySnapshot => "HS",
        HandoverBucket => "HB",
        HandoverBucketKey => "HK",
        StoredEvent => "JE",
        RedeemTicket => "TR",
        TicketRedeemed => "TA",
        _ => throw new ArgumentException($"No wire format for {o.GetType()}.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            Write(w, obj);
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        return manifest switch
        {
            "EV" => ReadEvent(r),
            "SS" => new SubscribeToStream(ReadStream(r), ReadRef(r), ReadOptionalPosition(r), r.ReadInt32()),
            "US" => new UnsubscribeFromStream(ReadStream(r), ReadRef(r)),
            "PS" => new PublishToStream(ReadStream(r), ReadEvent(r), ReadOptionalRecordBy(r)),
            "ER" => new EventRecorded(ReadStream(r), r.ReadString(), r.ReadString()),
            "AS" => new SubscribedToStream(ReadStream(r), ReadReplay(r)),
            "RS" => new SubscriptionRefused(ReadStream(r), r.ReadInt32()),
            "CU" => new SendToUser(WireIds.ReadUuid(r), r.ReadString(), r.ReadString(), ReadOptionalString(r)),
            "CUn" => new SendToUser(r.ReadString(), r.ReadString(), r.ReadString(), ReadOptionalString(r)),
            "CT" => new SendToTopic(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadBoolean() ? WireIds.ReadUuid(r) : null, ReadOptionalString(r)),
            "CTn" => new SendToTopic(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), ReadOptionalString(r)),
            "CB" => new Broadcast(r.ReadString(), r.ReadString(), ReadOptionalString(r)),
            "DB" => new DeliverBroadcast(ReadEvent(r)),
            "PA" => new PublishAccepted(r.ReadString()),
            "PR" => new PublishRejected(r.ReadString()),
            "PU" => new PublishOutcomeUnknown(r.ReadString()),
            "QS" => GetStats.Instance,
            "QC" => new GetUserConnectionCount(WireIds.ReadUuid(r)),
            "QCn" => new GetUserConnectionCount(r.ReadString()),
            "RC" => new UserConnectionCount(WireIds.ReadUuid(r), r.ReadInt32()),
            "RCn" => new UserConnectionCount(r.ReadString(), r.ReadInt32()),
            "QO" => new GetOnlineUsers(ReadOptionalId(r), r.ReadInt32()),
            "RO" => new OnlineUsers(ReadIds(r, WireIds.ReadUuid), ReadOptionalId(r)),
            "ROn" => new OnlineUsers(ReadIds(r, WireIds.ReadTagged), ReadOptionalId(r)),
            "BS" => ReadStats(r),
            "QN" => GetNodeReport.Instance,
            "RN" => new NodeReport(ReadStats(r), r.ReadInt32(), r.ReadInt32()),
            "QU" => new GetNodeOnlineUsers(ReadOptionalId(r), r.ReadInt32()),
            "RU" => new NodeOnlineUsers(r.ReadString(), ReadIds(r, WireIds.ReadUuid)),
            "RUn" => new NodeOnlineUsers(r.ReadString(), ReadIds(r, WireIds.ReadTagged)),
            "NS" => new NodeFanOut.StreamEvent(ReadStream(r), ReadEvent(r)),
            "HS" => new HistorySnapshot(ReadPosition(r), ReadEvents(r)),
            "HB" => new HandoverBucket((ORDictionary<string, LWWRegister<HistorySnapshot>>)ReadWithAkka(r)),
            "HK" => new HandoverBucketKey(r.ReadString()),
            "JE" => ReadStoredEvent(r),
            "TR" => new RedeemTicket(WireIds.ReadGuid(r), DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64())),
            "TA" => new TicketRedeemed(WireIds.ReadGuid(r), r.ReadBoolean()),
            _ => throw new System.Runtime.Serialization.SerializationException($"Unknown manifest '{manifest}' for {nameof(SseWireSerializer)}."),
        };
    }

    private void Write(BinaryWriter w, object obj)
    {
        switch (obj)
        {
            case SseEvent e: WriteEvent(w, e); break;
            case SubscribeToStream m: WriteStream(w, m.Stream); WriteRef(w, m.Subscriber); WriteOptionalPosition(w, m.From); w.Write(m.MaxSubscribers); break;
            case UnsubscribeFromStream m: WriteStream(w, m.Stream); WriteRef(w, m.Subscriber); break;
            case PublishToStream m: WriteStream(w, m.Stream); WriteEvent(w, m.Event); WriteOptionalRecordBy(w, m.RecordBy); break;
            case EventRecorded m: WriteStream(w, m.Stream); w.Write(m.EventId); w.Write(m.RecordedAs); break;
            case SubscribedToStream m: WriteStream(w, m.Stream); WriteReplay(w, m.Replay); break;
            case SubscriptionRefused m: WriteStream(w, m.Stream); w.Write(m.Subscribers); break;
            case SendToUser m: WriteId(w, m.UserId); w.Write(m.Event); w.Write(m.Data); WriteOptionalString(w, m.MessageId); break;
            case SendToTopic m:
                w.Write(m.Topic); w.Write(m.Event); w.Write(m.Data);
                if (WireIds.FitsUuidFormat(m.TenantId))
                {
                    // "CT": whether there is a tenant, then its 16 bytes.
                    w.Write(m.TenantId is not null);
                    if (m.TenantId is { } tenant)
                    {
                        WireIds.WriteUuid(w, tenant);
                    }
                }
                else
                {
                    w.Write(m.TenantId!);
                }
                WriteOptionalString(w, m.MessageId);
                break;
            case Broadcast m: w.Write(m.Event); w.Write(m.Data); WriteOptionalString(w, m.MessageId); break;
            case DeliverBroadcast m: WriteEvent(w, m.Event); break;
            case PublishAccepted m: w.Write(m.EventId); break;
            case PublishRejected m: w.Write(m.Reason); break;
            case PublishOutcomeUnknown m: w.Write(m.Reason); break;
            case GetStats or GetNodeReport: break;
            case GetOnlineUsers m: WriteOptionalId(w, m.After); w.Write(m.Limit); break;
            case GetUserConnectionCount m: WriteId(w, m.UserId); break;
            case UserConnectionCount m: WriteId(w, m.UserId); w.Write(m.Connections); break;
            case OnlineUsers m: WriteIds(w, m.UserIds); WriteOptionalId(w, m.Next); break;
            case BrokerStats m: WriteStats(w, m); break;
            case NodeReport m: WriteStats(w, m.Stats); w.Write(m.ActiveUsers); w.Write(m.ActiveTopics); break;
            case GetNodeOnlineUsers m: WriteOptionalId(w, m.After); w.Write(m.Limit); break;
            case NodeOnlineUsers m: w.Write(m.Node); WriteIds(w, m.UserIds); break;
            case NodeFanOut.StreamEvent m: WriteStream(w, m.Stream); WriteEvent(w, m.Event); break;
            case HistorySnapshot m: WritePosition(w, m.Now); WriteEvents(w, m.Events); break;
            case HandoverBucket m: WriteWithAkka(w, m.Entries); break;
            case HandoverBucketKey m: w.Write(m.Id); break;
            case StoredEvent m: w.Write(StoredEventFormat); WriteEvent(w, m.Event); break;
            case RedeemTicket m: WireIds.WriteGuid(w, m.TicketId); w.Write(m.ExpiresAt.ToUnixTimeMilliseconds()); break;
            case TicketRedeemed m: WireIds.WriteGuid(w, m.TicketId); w.Write(m.FirstUse); break;
            default: throw new ArgumentException($"No wire format for {obj.GetType()}.", nameof(obj));
        }
    }

    // Stored events outlive the process that wrote them: their format is versioned, unlike messages between nodes of one version.
    // 2 added the message id; 1 is still read.
    private const byte StoredEventFormat = 2;

    private static StoredEvent ReadStoredEvent(BinaryReader r)
    {
        var format = r.ReadByte();
        return format is 1 or StoredEventFormat
            ? new StoredEvent(ReadEvent(r, withMessageId: format >= 2))
            : throw new System.Runtime.Serialization.SerializationException($"Stored event format {format} is not known to this version (knows 1 to {StoredEventFormat}).");
    }

    // A stream key is its kind's tag and what names it within the kind: a user's by a UUID ('u', as before ids were
    // strings) or another id ('n').
    private static void WriteStream(BinaryWriter w, StreamKey stream)
    {
        switch (stream)
        {
            case StreamKey.User user when WireIds.FitsUuidFormat(user.UserId):
                w.Write((byte)'u');
                WireIds.WriteUuid(w, user.UserId);
                break;
            case StreamKey.User user:
                w.Write((byte)'n');
                w.Write(user.UserId);
                break;
            case StreamKey.Topic topic:
                w.Write((byte)'t');
                w.Write(topic.Key);
                break;
            default:
                w.Write((byte)'b');
                break;
        }
    }

    private static StreamKey ReadStream(BinaryReader r) => r.ReadByte() switch
    {
        (byte)'u' => new StreamKey.User(WireIds.ReadUuid(r)),
        (byte)'n' => new StreamKey.User(r.ReadString()),
        (byte)'t' => new StreamKey.Topic(r.ReadString()),
        (byte)'b' => StreamKey.Broadcasts.Instance,
        var tag => throw new System.Runtime.Serialization.SerializationException($"Unknown stream kind '{(char)tag}'."),
    };

    private static void WriteEvent(BinaryWriter w, SseEvent e)
    {
        w.Write(e.Id);
        w.Write(e.Utf8.Length);
        w.Write(e.Utf8);
        // History on: the stream and the place in it; a stream name and a position go together.
        w.Write(e.Stream is not null && e.Position.HasValue);
        if (e is { Stream: { } stream, Position: { } position })
        {
            w.Write(stream);
            WritePosition(w, position);
        }
        w.Write(e.MessageId is not null);
        if (e.MessageId is { } messageId)
        {
            w.Write(messageId);
        }
    }

    private static SseEvent ReadEvent(BinaryReader r) => ReadEvent(r, withMessageId: true);

    private static SseEvent ReadEvent(BinaryReader r, bool withMessageId)
    {
        var id = r.ReadString();
        var length = r.ReadInt32();
        var bytes = r.ReadBytes(length);
        // Only published events cross nodes; their latency on this node counts from arrival.
        var sseEvent = new SseEvent(id, bytes) { PublishedAt = Stopwatch.GetTimestamp() };
        if (r.ReadBoolean())
        {
            sseEvent = sseEvent with { Stream = r.ReadString(), Position = ReadPosition(r) };
        }
        return withMessageId && r.ReadBoolean() ? sseEvent with { MessageId = r.ReadString() } : sseEvent;
    }

    private static void WritePosition(BinaryWriter w, StreamPosition position)
    {
        w.Write(position.Epoch);
        w.Write(position.Seq);
    }

    private static StreamPosition ReadPosition(BinaryReader r) => new(r.ReadUInt32(), r.ReadInt64());

    private static void WriteOptionalPosition(BinaryWriter w, StreamPosition? position)
    {
        w.Write(position.HasValue);
        if (position is { } p)
        {
            WritePosition(w, p);
        }
    }

    private static StreamPosition? ReadOptionalPosition(BinaryReader r) => r.ReadBoolean() ? ReadPosition(r) : null;

    private static void WriteReplay(BinaryWriter w, StreamReplay? replay)
    {
        w.Write(replay is not null);
        if (replay is null)
        {
            return;
        }
        WritePosition(w, replay.Now);
        w.Write(replay.Gap);
        WriteEvents(w, replay.Missed);
    }

    private static void WriteEvents(BinaryWriter w, IReadOnlyList<SseEvent> events)
    {
        w.Write(events.Count);
        foreach (var e in events)
        {
            WriteEvent(w, e);
        }
    }

    private static SseEvent[] ReadEvents(BinaryReader r)
    {
        var events = new SseEvent[r.ReadInt32()];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = ReadEvent(r);
        }
        return events;
    }

    private static StreamReplay? ReadReplay(BinaryReader r)
    {
        if (!r.ReadBoolean())
        {
            return null;
        }
        var now = ReadPosition(r);
        var gap = r.ReadBoolean();
        return new StreamReplay(now, gap, ReadEvents(r));
    }

    private static void WriteOptionalString(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadOptionalString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    // Last in its message and written only when set: a node of the version before reads the publish and ignores it, and a
    // publish from that version reads as one without a deadline.
    private static void WriteOptionalRecordBy(BinaryWriter w, DateTime? recordBy)
    {
        if (recordBy is { } utc)
        {
            w.Write(utc.Ticks);
        }
    }

    private static DateTime? ReadOptionalRecordBy(BinaryReader r) =>
        r.BaseStream.Position < r.BaseStream.Length ? new DateTime(r.ReadInt64(), DateTimeKind.Utc) : null;

    // One id in a message whose manifest says which: its 16 bytes when it is a UUID, else its string.
    private static void WriteId(BinaryWriter w, string id)
    {
        if (WireIds.FitsUuidFormat(id))
        {
            WireIds.WriteUuid(w, id);
        }
        else
        {
            w.Write(id);
        }
    }

    // A page's cursor: any user id, tagged (a UUID in 17 bytes).
    private static void WriteOptionalId(BinaryWriter w, string? id)
    {
        w.Write(id is not null);
        if (id is not null)
        {
            WireIds.WriteTagged(w, id);
        }
    }

    private static string? ReadOptionalId(BinaryReader r) => r.ReadBoolean() ? WireIds.ReadTagged(r) : null;

    private static void WriteStats(BinaryWriter w, BrokerStats s)
    {
        w.Write(s.Node); w.Write(s.TotalClients); w.Write(s.TotalUsers); w.Write(s.TotalTopics); w.Write(s.IsRunning); w.Write(s.BufferSize);
        w.Write(s.MaxConnections); w.Write(s.MaxConnectionsPerUser); w.Write(s.ConnectionsAccepted); w.Write(s.ConnectionsRefused);
        w.Write(s.SlowConsumerDisconnects);
    }

    private static BrokerStats ReadStats(BinaryReader r) => new(r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadBoolean(),
        r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());

    // A list of ids: 16 bytes each when all are UUIDs (the manifest says so), else each behind its tag.
    private static void WriteIds(BinaryWriter w, IReadOnlyList<string> ids)
    {
        var uuids = WireIds.AllUuids(ids);
        w.Write(ids.Count);
        foreach (var id in ids)
        {
            if (uuids)
            {
                WireIds.WriteUuid(w, id);
            }
            else
            {
                WireIds.WriteTagged(w, id);
            }
        }
    }

    private static IReadOnlyList<string> ReadIds(BinaryReader r, Func<BinaryReader, string> readId)
    {
        var ids = new string[r.ReadInt32()];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = readId(r);
        }
        return ids;
    }

    // A value of Akka's own types (a hand-off bucket's dictionary), through the serializer Akka binds to it: Akka.DistributedData's.
    private void WriteWithAkka(BinaryWriter w, object value)
    {
        var serializer = system.Serialization.FindSerializerFor(value);
        w.Write(serializer.Identifier);
        w.Write(Akka.Serialization.Serialization.ManifestFor(serializer, value));
        var bytes = serializer.ToBinary(value);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private object ReadWithAkka(BinaryReader r)
    {
        var serializerId = r.ReadInt32();
        var manifest = r.ReadString();
        return system.Serialization.Deserialize(r.ReadBytes(r.ReadInt32()), serializerId, manifest);
    }

    private static void WriteRef(BinaryWriter w, IActorRef actor) => w.Write(Akka.Serialization.Serialization.SerializedActorPath(actor));

    private IActorRef ReadRef(BinaryReader r) => system.Provider.ResolveActorRef(r.ReadString());
}
