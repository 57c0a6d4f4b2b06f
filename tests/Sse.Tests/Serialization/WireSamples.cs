using Akka.Actor;
using Akka.Cluster;
using Sse.Actors.Delivery;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Serialization;
using Sse.Actors.Streams;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerQueries;
using static Sse.Actors.Streams.StreamProtocol;
using static Sse.Actors.Tickets.TicketProtocol;

namespace Sse.Tests.Serialization;

/// <summary>A wire message to test, named for what it shows.</summary>
internal sealed record WireSample(string Name, ISseWireMessage Message);

/// <summary>
/// One sample of every wire message and of each of its formats (manifests, stream tags, optional fields), shared by the
/// round-trip tests and the wire bytes tests. Every value is fixed, so the bytes a sample is written as can be pinned.
/// </summary>
internal static class WireSamples
{
    public const string UserId = "0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11";
    // Ids that are not UUIDs, with the characters stream keys and names are made of.
    public const string NamedUser = "auth0|5f2a~u:t,1";
    public const string NamedTenant = "acme,eu~t:";
    public static readonly Guid TicketId = Guid.Parse("5d1e7c4a-94b2-4e0f-8f7e-3c2b1a0d9e8f");
    public static readonly SseEvent Event = SseEncoder.Encode("1234", "update", "line one\nline two ✓");
    public static readonly SseEvent NumberedEvent = Event with { Stream = new StreamKey.Topic("news/sport").Name, Position = new StreamPosition(0xdeadbeef, 42) };
    public static readonly StreamReplay Replay = new(new StreamPosition(0xdeadbeef, 43), Gap: false, [NumberedEvent, Event]);
    public static readonly UniqueAddress Node = new(new Address("akka.tcp", "sse", "127.0.0.1", 4053), 42);
    public static readonly BrokerStats Stats = new("akka.tcp://sse@127.0.0.1:4053", 10, 7, 4, true, 256, 1000, 5, long.MaxValue, 12, 3);

    // More UUID users, and when a hand-off bucket's entries were written.
    private const string SecondUser = "7c3e9f12-5a4b-4c6d-8e1f-2a3b4c5d6e7f";
    private const string ThirdUser = "e4d3c2b1-a098-4765-b432-10fedcba9876";
    private static readonly DateTime WrittenAt = new(2026, 12, 7, 9, 30, 0, DateTimeKind.Utc);

    /// <summary>Every sample; a new message type, or a new format of one, needs one here.</summary>
    public static IReadOnlyList<WireSample> Named(IActorRef subscriber) =>
    [
        new("event", Event),
        new("subscribe, user, from a position", new SubscribeToStream(new StreamKey.User(UserId), subscriber, new StreamPosition(7, 41))),
        new("unsubscribe, user", new UnsubscribeFromStream(new StreamKey.User(UserId), subscriber)),
        new("publish, user", new PublishToStream(new StreamKey.User(UserId), Event)),
        new("recorded, user", new EventRecorded(new StreamKey.User(UserId), Event.Id, "1200")),
        new("subscribed, user, with a replay", new SubscribedToStream(new StreamKey.User(UserId), Replay)),
        new("subscribe, user, with a connection limit", new SubscribeToStream(new StreamKey.User(UserId), subscriber, MaxSubscribers: 100)),
        new("subscription refused, user", new SubscriptionRefused(new StreamKey.User(UserId), 100)),
        new("subscribe, user, naming its delivery", new SubscribeToStream(new StreamKey.User(UserId), subscriber, new StreamPosition(7, 41), Delivery: subscriber)),
        new("acknowledged to a delivery, user, with a replay", new DeliveryProtocol.Subscribed(subscriber, new SubscribedToStream(new StreamKey.User(UserId), Replay))),
        new("acknowledged to a delivery, topic", new DeliveryProtocol.Subscribed(subscriber, new SubscribedToStream(new StreamKey.Topic("news/sport")))),
        new("let go to a delivery, named user", new DeliveryProtocol.Unsubscribed(new StreamKey.User(NamedUser), subscriber)),
        new("subscribe, named user, from a position", new SubscribeToStream(new StreamKey.User(NamedUser), subscriber, new StreamPosition(7, 41))),
        new("unsubscribe, named user", new UnsubscribeFromStream(new StreamKey.User(NamedUser), subscriber)),
        new("publish, named user", new PublishToStream(new StreamKey.User(NamedUser), Event)),
        new("recorded, named user", new EventRecorded(new StreamKey.User(NamedUser), Event.Id, "1200")),
        new("subscribed, named user, with a replay", new SubscribedToStream(new StreamKey.User(NamedUser), Replay)),
        new("subscription refused, named user", new SubscriptionRefused(new StreamKey.User(NamedUser), 100)),
        new("publish, topic of a named tenant", new PublishToStream(StreamKey.Topic.For(NamedTenant, "news/sport"), Event)),
        new("publish, named user, with a deadline", new PublishToStream(new StreamKey.User(NamedUser), Event, new DateTime(2026, 12, 7, 9, 30, 0, 123, DateTimeKind.Utc))),
        new("subscribe, topic, from the last position", new SubscribeToStream(new StreamKey.Topic("news/sport"), subscriber, new StreamPosition(uint.MaxValue, long.MaxValue))),
        new("unsubscribe, topic", new UnsubscribeFromStream(new StreamKey.Topic("news/sport"), subscriber)),
        new("publish, topic", new PublishToStream(new StreamKey.Topic("news/sport"), Event)),
        new("subscribed, topic, with a gap", new SubscribedToStream(new StreamKey.Topic("news/sport"), Replay with { Gap = true, Missed = [] })),
        new("publish, broadcasts", new PublishToStream(StreamKey.Broadcasts.Instance, Event)),
        new("subscribed, broadcasts, without history", new SubscribedToStream(StreamKey.Broadcasts.Instance)),
        new("send to user", new SendToUser(UserId, "update", "{\"n\":1}")),
        new("send to named user, with a message id", new SendToUser(NamedUser, "update", "{\"n\":1}", "order-42")),
        new("send to topic, UUID tenant", new SendToTopic("news/sport", "score", "1-0", UserId)),
        new("send to topic, no tenant", new SendToTopic("news/sport", "score", "1-0")),
        new("send to topic, named tenant, with a message id", new SendToTopic("news/sport", "score", "1-0", NamedTenant, "match-7")),
        new("broadcast", new Broadcast("notice", "maintenance at 10:00")),
        new("deliver broadcast", new DeliveryProtocol.DeliverBroadcast(Event)),
        new("deliver broadcast, with a message id", new DeliveryProtocol.DeliverBroadcast(Event with { MessageId = "notice-3" })),
        new("publish accepted", new PublishAccepted("1234")),
        new("publish rejected", new PublishRejected("The user id is the nil UUID.")),
        new("publish outcome unknown", new PublishOutcomeUnknown("The user stream did not answer within Sse:PublishTimeout (00:00:05); retry with the same message id.")),
        new("get stats", GetStats.Instance),
        new("get user connection count", new GetUserConnectionCount(UserId)),
        new("get named user connection count", new GetUserConnectionCount(NamedUser)),
        new("user connection count", new UserConnectionCount(UserId, 3)),
        new("named user connection count", new UserConnectionCount(NamedUser, 3)),
        new("get online users, first page", new GetOnlineUsers()),
        new("get online users, after a UUID", new GetOnlineUsers(UserId, OnlineUserPages.MaxLimit)),
        new("get online users, after a named user", new GetOnlineUsers(NamedUser, 10)),
        new("online users, UUIDs", new OnlineUsers([UserId, SecondUser, ThirdUser], Next: SecondUser)),
        new("online users, named", new OnlineUsers([UserId, NamedUser, "1234567890", "alice@example.com"], Next: "alice@example.com")),
        new("online users, none", new OnlineUsers([], Next: null)),
        new("broker stats", Stats),
        new("get node report", GetNodeReport.Instance),
        new("node report", new NodeReport(Stats, ActiveUsers: 25_000, ActiveTopics: int.MaxValue)),
        new("get node online users, first page", new GetNodeOnlineUsers(null, 1)),
        new("get node online users, after a UUID", new GetNodeOnlineUsers(UserId, OnlineUserPages.MaxLimit + 1)),
        new("node online users, UUIDs", new NodeOnlineUsers("akka.tcp://sse@127.0.0.1:4053", [UserId, SecondUser])),
        new("node online users, named", new NodeOnlineUsers("akka.tcp://sse@127.0.0.1:4053", [NamedUser, UserId])),
        new("node fan-out, user", new DeliveryProtocol.StreamEvent(new StreamKey.User(UserId), Event)),
        new("node fan-out, topic of a UUID tenant, numbered", new DeliveryProtocol.StreamEvent(StreamKey.Topic.For(ThirdUser, "news/sport"), NumberedEvent)),
        new("node fan-out, named user, numbered", new DeliveryProtocol.StreamEvent(new StreamKey.User(NamedUser), NumberedEvent)),
        new("history snapshot", new HistorySnapshot(new StreamPosition(0xdeadbeef, 43), [NumberedEvent, NumberedEvent with { Position = new StreamPosition(0xdeadbeef, 43) }])),
        new("stored event", new StoredEvent(NumberedEvent with { MessageId = "order-42" })),
        new("redeem ticket", new RedeemTicket(TicketId, DateTimeOffset.FromUnixTimeMilliseconds(1_795_740_216_805))),
        new("ticket redeemed", new TicketRedeemed(TicketId, FirstUse: true)),
        new("handover bucket", HandoverBucket.Empty
            .With(Node, new StreamKey.User(UserId).Name, new HistorySnapshot(new StreamPosition(0xdeadbeef, 43), [NumberedEvent]), WrittenAt, DateTime.MinValue)
            .With(Node, StreamKey.Topic.For(UserId, "news,sport").Name, new HistorySnapshot(new StreamPosition(7, 1), []), WrittenAt, DateTime.MinValue)
            .With(Node, new StreamKey.User(NamedUser).Name, new HistorySnapshot(new StreamPosition(7, 1), []), WrittenAt, DateTime.MinValue)),
        new("handover bucket key", HistoryHandover.KeyOf(new StreamKey.User(UserId).Name)),
    ];

    /// <summary>The samples' messages.</summary>
    public static IEnumerable<ISseWireMessage> Samples(IActorRef subscriber) => Named(subscriber).Select(s => s.Message);
}
