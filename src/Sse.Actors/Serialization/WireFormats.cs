using System.Runtime.Serialization;
using Akka.Actor;
using Akka.DistributedData;
using Sse.Actors.Broker;
using Sse.Actors.Delivery;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerQueries;
using static Sse.Actors.Serialization.WireFormat;
using static Sse.Actors.Streams.StreamProtocol;
using static Sse.Actors.Tickets.TicketProtocol;

namespace Sse.Actors.Serialization;

/// <summary>
/// The wire table: one row per message that may cross nodes, with its manifest, its writer and its reader; fields follow
/// in declaration order. A new message gets a row with a manifest of its own; a row's bytes never change (rolling upgrades
/// run two versions side by side, <c>WireBytesTests</c> pins them), a new field goes last and is read only when present.
/// </summary>
/// <remarks>
/// A row <c>Replacing</c> a manifest (<c>…2</c>) carries events whose bytes no longer hold their <c>id:</c> line (the
/// response writer writes it); the version before wrote it inside with history off, so it reads the former manifest
/// still and takes the line off (<see cref="WireReader.ReadEvent()"/>). The rows of history's own messages (replays,
/// snapshots, stored events) keep theirs: with history on the bytes never held the line.
/// A row with two manifests is a message with user or tenant ids: the first while they are all UUIDs, 16 bytes each and
/// the manifest of the version whose ids were UUIDs; the second (<c>…n</c>) otherwise, which that version refuses rather
/// than misreads (<see cref="WireIds"/>).
/// </remarks>
internal static class WireFormats
{
    public static readonly IReadOnlyList<WireFormat> Rows =
    [
        Row<SseEvent>("EV2", (w, m) => w.WriteEvent(m), r => r.ReadEvent()).Replacing("EV"),
        Row<SubscribeToStream>("SS",
            (w, m) => { w.WriteStream(m.Stream); w.WriteRef(m.Subscriber); w.WriteOptionalPosition(m.From); w.Write(m.MaxSubscribers); WriteDelivery(w, m.Delivery); },
            r => new SubscribeToStream(r.ReadStream(), r.ReadRef(), r.ReadOptionalPosition(), r.ReadInt32(), ReadDelivery(r))),
        Row<UnsubscribeFromStream>("US",
            (w, m) => { w.WriteStream(m.Stream); w.WriteRef(m.Subscriber); },
            r => new UnsubscribeFromStream(r.ReadStream(), r.ReadRef())),
        Row<PublishToStream>("PS2",
            (w, m) => { w.WriteStream(m.Stream); w.WriteEvent(m.Event); WriteRecordBy(w, m.RecordBy); },
            r => new PublishToStream(r.ReadStream(), r.ReadEvent(), ReadRecordBy(r))).Replacing("PS"),
        Row<EventRecorded>("ER",
            (w, m) => { w.WriteStream(m.Stream); w.Write(m.EventId); w.Write(m.RecordedAs); },
            r => new EventRecorded(r.ReadStream(), r.ReadString(), r.ReadString())),
        Row<SubscribedToStream>("AS",
            (w, m) => { w.WriteStream(m.Stream); WriteReplay(w, m.Replay); },
            r => new SubscribedToStream(r.ReadStream(), ReadReplay(r))),
        Row<SubscriptionRefused>("RS",
            (w, m) => { w.WriteStream(m.Stream); w.Write(m.Subscribers); },
            r => new SubscriptionRefused(r.ReadStream(), r.ReadInt32())),
        Row<SendToUser>("CU", "CUn", m => WireIds.FitsUuidFormat(m.UserId),
            (w, m) => { w.WriteId(m.UserId); w.Write(m.Event); w.Write(m.Data); w.WriteOptionalString(m.MessageId); },
            r => new SendToUser(r.ReadId(), r.ReadString(), r.ReadString(), r.ReadOptionalString())),
        Row<SendToTopic>("CT", "CTn", m => WireIds.FitsUuidFormat(m.TenantId),
            (w, m) => { w.Write(m.Topic); w.Write(m.Event); w.Write(m.Data); w.WriteTenant(m.TenantId); w.WriteOptionalString(m.MessageId); },
            r => new SendToTopic(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadTenant(), r.ReadOptionalString())),
        Row<Broadcast>("CB",
            (w, m) => { w.Write(m.Event); w.Write(m.Data); w.WriteOptionalString(m.MessageId); },
            r => new Broadcast(r.ReadString(), r.ReadString(), r.ReadOptionalString())),
        Row<DeliveryProtocol.DeliverBroadcast>("DB2", (w, m) => w.WriteEvent(m.Event), r => new DeliveryProtocol.DeliverBroadcast(r.ReadEvent())).Replacing("DB"),
        Row<PublishAccepted>("PA", (w, m) => w.Write(m.EventId), r => new PublishAccepted(r.ReadString())),
        Row<PublishRejected>("PR", (w, m) => w.Write(m.Reason), r => new PublishRejected(r.ReadString())),
        Row<PublishOutcomeUnknown>("PU", (w, m) => w.Write(m.Reason), r => new PublishOutcomeUnknown(r.ReadString())),
        Row<GetStats>("QS", (_, _) => { }, _ => GetStats.Instance),
        Row<GetUserConnectionCount>("QC", "QCn", m => WireIds.FitsUuidFormat(m.UserId),
            (w, m) => w.WriteId(m.UserId),
            r => new GetUserConnectionCount(r.ReadId())),
        Row<UserConnectionCount>("RC", "RCn", m => WireIds.FitsUuidFormat(m.UserId),
            (w, m) => { w.WriteId(m.UserId); w.Write(m.Connections); },
            r => new UserConnectionCount(r.ReadId(), r.ReadInt32())),
        Row<GetOnlineUsers>("QO",
            (w, m) => { w.WriteCursor(m.After); w.Write(m.Limit); },
            r => new GetOnlineUsers(r.ReadCursor(), r.ReadInt32())),
        Row<OnlineUsers>("RO", "ROn", m => WireIds.AllUuids(m.UserIds),
            (w, m) => { w.WriteIds(m.UserIds); w.WriteCursor(m.Next); },
            r => new OnlineUsers(r.ReadIds(), r.ReadCursor())),
        Row<BrokerStats>("BS", WriteStats, ReadStats),
        Row<GetNodeReport>("QN", (_, _) => { }, _ => GetNodeReport.Instance),
        Row<NodeReport>("RN",
            (w, m) => { WriteStats(w, m.Stats); w.Write(m.ActiveUsers); w.Write(m.ActiveTopics); },
            r => new NodeReport(ReadStats(r), r.ReadInt32(), r.ReadInt32())),
        Row<GetNodeOnlineUsers>("QU",
            (w, m) => { w.WriteCursor(m.After); w.Write(m.Limit); },
            r => new GetNodeOnlineUsers(r.ReadCursor(), r.ReadInt32())),
        Row<NodeOnlineUsers>("RU", "RUn", m => WireIds.AllUuids(m.UserIds),
            (w, m) => { w.Write(m.Node); w.WriteIds(m.UserIds); },
            r => new NodeOnlineUsers(r.ReadString(), r.ReadIds())),
        Row<DeliveryProtocol.StreamEvent>("NS2",
            (w, m) => { w.WriteStream(m.Stream); w.WriteEvent(m.Event); },
            r => new DeliveryProtocol.StreamEvent(r.ReadStream(), r.ReadEvent())).Replacing("NS"),
        Row<DeliveryProtocol.Subscribed>("DA",
            (w, m) => { w.WriteRef(m.Subscriber); w.WriteStream(m.Ack.Stream); WriteReplay(w, m.Ack.Replay); },
            r => new DeliveryProtocol.Subscribed(r.ReadRef(), new SubscribedToStream(r.ReadStream(), ReadReplay(r)))),
        Row<DeliveryProtocol.Unsubscribed>("DU",
            (w, m) => { w.WriteStream(m.Stream); w.WriteRef(m.Subscriber); },
            r => new DeliveryProtocol.Unsubscribed(r.ReadStream(), r.ReadRef())),
        Row<HistorySnapshot>("HS",
            (w, m) => { w.WritePosition(m.Now); w.WriteEvents(m.Events); },
            r => new HistorySnapshot(r.ReadPosition(), r.ReadEvents())),
        Row<HandoverBucket>("HB",
            (w, m) => w.WriteWithAkka(m.Entries),
            r => new HandoverBucket((ORDictionary<string, LWWRegister<HistorySnapshot>>)r.ReadWithAkka())),
        Row<HandoverBucketKey>("HK", (w, m) => w.Write(m.Id), r => new HandoverBucketKey(r.ReadString())),
        Row<StoredEvent>("JE", (w, m) => { w.Write(StoredEventFormat); w.WriteEvent(m.Event); }, ReadStoredEvent),
        Row<RedeemTicket>("TR",
            (w, m) => { w.WriteGuid(m.TicketId); w.Write(m.ExpiresAt.ToUnixTimeMilliseconds()); },
            r => new RedeemTicket(r.ReadGuid(), DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64()))),
        Row<TicketRedeemed>("TA",
            (w, m) => { w.WriteGuid(m.TicketId); w.Write(m.FirstUse); },
            r => new TicketRedeemed(r.ReadGuid(), r.ReadBoolean())),
    ];

    // Stored events outlive the process that wrote them: their format is versioned, unlike messages between nodes of one version.
    // 2 added the message id; 1 is still read.
    private const byte StoredEventFormat = 2;

    private static StoredEvent ReadStoredEvent(WireReader r)
    {
        var format = r.ReadByte();
        return format is 1 or StoredEventFormat
            ? new StoredEvent(r.ReadEvent(withMessageId: format >= 2))
            : throw new SerializationException($"Stored event format {format} is not known to this version (knows 1 to {StoredEventFormat}).");
    }

    // Last in its message and written only when set: a node of the version before reads the publish and ignores it, and a
    // publish from that version reads as one without a deadline.
    private static void WriteRecordBy(WireWriter w, DateTime? recordBy)
    {
        if (recordBy is { } utc)
        {
            w.Write(utc.Ticks);
        }
    }

    private static DateTime? ReadRecordBy(WireReader r) => r.AtEnd ? null : new DateTime(r.ReadInt64(), DateTimeKind.Utc);

    // Last and only when set, for the same reason: a subscription of the version before names no delivery.
    private static void WriteDelivery(WireWriter w, IActorRef? delivery)
    {
        if (delivery is not null)
        {
            w.WriteRef(delivery);
        }
    }

    private static IActorRef? ReadDelivery(WireReader r) => r.AtEnd ? null : r.ReadRef();

    private static void WriteReplay(WireWriter w, StreamReplay? replay)
    {
        w.Write(replay is not null);
        if (replay is null)
        {
            return;
        }
        w.WritePosition(replay.Now);
        w.Write(replay.Gap);
        w.WriteEvents(replay.Missed);
    }

    private static StreamReplay? ReadReplay(WireReader r)
    {
        if (!r.ReadBoolean())
        {
            return null;
        }
        var now = r.ReadPosition();
        var gap = r.ReadBoolean();
        return new StreamReplay(now, gap, r.ReadEvents());
    }

    private static void WriteStats(WireWriter w, BrokerStats s)
    {
        w.Write(s.Node); w.Write(s.TotalClients); w.Write(s.TotalUsers); w.Write(s.TotalTopics); w.Write(s.IsRunning); w.Write(s.BufferSize);
        w.Write(s.MaxConnections); w.Write(s.MaxConnectionsPerUser); w.Write(s.ConnectionsAccepted); w.Write(s.ConnectionsRefused);
        w.Write(s.SlowConsumerDisconnects);
    }

    private static BrokerStats ReadStats(WireReader r) => new(r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadBoolean(),
        r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
}
