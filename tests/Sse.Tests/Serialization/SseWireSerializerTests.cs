using System.Collections;
using Akka.Actor;
using Akka.Serialization;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Serialization;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerQueries;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;
using static Sse.Actors.Tickets.TicketProtocol;

namespace Sse.Tests.Serialization;

// With Akka.DistributedData's serializers, as on every node: a hand-off bucket holds its types.
public sealed class SseWireSerializerTests() : Akka.TestKit.Xunit2.TestKit(SseTestConfig.SerializeMessages.WithFallback(Akka.DistributedData.DistributedData.DefaultConfig()))
{
    private static readonly Guid UserId = Guid.Parse("0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11");
    private static readonly SseEvent Event = SseEncoder.Encode("1234", "update", "line one\nline two ✓");
    private static readonly SseEvent NumberedEvent = Event with { Stream = new StreamKey.Topic("news/sport").Name, Position = new StreamPosition(0xdeadbeef, 42) };
    private static readonly StreamReplay Replay = new(new StreamPosition(0xdeadbeef, 43), Gap: false, [NumberedEvent, Event]);

    /// <summary>One sample of every wire message; a new message type needs one here.</summary>
    private static IEnumerable<ISseWireMessage> Samples(IActorRef subscriber) =>
    [
        Event,
        new SubscribeToStream(new StreamKey.User(UserId), subscriber, new StreamPosition(7, 41)),
        new UnsubscribeFromStream(new StreamKey.User(UserId), subscriber),
        new PublishToStream(new StreamKey.User(UserId), Event),
        new EventRecorded(new StreamKey.User(UserId), Event.Id, "1200"),
        new SubscribedToStream(new StreamKey.User(UserId), Replay),
        new SubscribeToStream(new StreamKey.User(UserId), subscriber, MaxSubscribers: 100),
        new SubscriptionRefused(new StreamKey.User(UserId), 100),
        new SubscribeToStream(new StreamKey.Topic("news/sport"), subscriber, new StreamPosition(uint.MaxValue, long.MaxValue)),
        new UnsubscribeFromStream(new StreamKey.Topic("news/sport"), subscriber),
        new PublishToStream(new StreamKey.Topic("news/sport"), Event),
        new SubscribedToStream(new StreamKey.Topic("news/sport"), Replay with { Gap = true, Missed = [] }),
        new SendToUser(UserId, "update", "{\"n\":1}"),
        new SendToTopic("news/sport", "score", "1-0", UserId),
        new Broadcast("notice", "maintenance at 10:00"),
        new DeliverBroadcast(Event),
        new PublishAccepted("1234"),
        new PublishRejected("The user id must not be empty (the nil UUID)."),
        GetStats.Instance,
        new GetUserConnectionCount(UserId),
        new UserConnectionCount(UserId, 3),
        new GetOnlineUsers(),
        new GetOnlineUsers(UserId, OnlineUserPages.MaxLimit),
        new OnlineUsers([UserId, Guid.NewGuid(), Guid.NewGuid()], Next: Guid.NewGuid()),
        new OnlineUsers([], Next: null),
        Stats,
        GetNodeReport.Instance,
        new NodeReport(Stats, ActiveUsers: 25_000, ActiveTopics: int.MaxValue),
        new GetNodeOnlineUsers(null, 1),
        new GetNodeOnlineUsers(UserId, OnlineUserPages.MaxLimit + 1),
        new NodeOnlineUsers("akka.tcp://sse@127.0.0.1:4053", [UserId, Guid.NewGuid()]),
        new Sse.Actors.Broker.NodeFanOut.StreamEvent(new StreamKey.User(UserId), Event),
        new Sse.Actors.Broker.NodeFanOut.StreamEvent(StreamKey.Topic.For(Guid.NewGuid(), "news/sport"), NumberedEvent),
        new HistorySnapshot(new StreamPosition(0xdeadbeef, 43), [NumberedEvent, NumberedEvent with { Position = new StreamPosition(0xdeadbeef, 43) }]),
        new StoredEvent(NumberedEvent with { MessageId = "order-42" }),
        new RedeemTicket(UserId, DateTimeOffset.FromUnixTimeMilliseconds(1_795_740_216_805)),
        new TicketRedeemed(UserId, FirstUse: true),
        HandoverBucket.Empty
            .With(Node, new StreamKey.User(UserId).Name, new HistorySnapshot(new StreamPosition(0xdeadbeef, 43), [NumberedEvent]), DateTime.UtcNow, DateTime.MinValue)
            .With(Node, StreamKey.Topic.For(UserId, "news,sport").Name, new HistorySnapshot(new StreamPosition(7, 1), []), DateTime.UtcNow, DateTime.MinValue),
        HistoryHandover.KeyOf(new StreamKey.User(UserId).Name),
    ];

    private static readonly Akka.Cluster.UniqueAddress Node = new(new Address("akka.tcp", "sse", "127.0.0.1", 4053), 42);

    private static readonly BrokerStats Stats = new("akka.tcp://sse@127.0.0.1:4053", 10, 7, 4, true, 256, 1000, 5, long.MaxValue, 12, 3);

    public static TheoryData<string> WireMessageTypes => new(Samples(ActorRefs.Nobody).Select(s => s.GetType().FullName!).Distinct());

    [Fact]
    public void Every_wire_message_type_has_a_round_trip_sample()
    {
        var wireTypes = typeof(ISseWireMessage).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ISseWireMessage).IsAssignableFrom(t))
            .Select(t => t.FullName!)
            .ToHashSet();

        Assert.Empty(wireTypes.Except(Samples(ActorRefs.Nobody).Select(s => s.GetType().FullName!)));
    }

    [Theory]
    [MemberData(nameof(WireMessageTypes))]
    public void Wire_message_round_trips_through_the_wire_serializer(string typeName)
    {
        var subscriber = CreateTestProbe().Ref;
        // One sample per kind of stream for the messages every stream shares.
        foreach (var message in Samples(subscriber).Where(s => s.GetType().FullName == typeName))
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            var bytes = serializer.ToBinary(message);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
            var copy = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

            Assert.IsType<SseWireSerializer>(serializer);
            Assert.Equal(SseWireSerializer.SerializerId, serializer.Identifier);
            AssertSameContent(message, copy);
        }
    }

    [Fact]
    public void Actor_tests_deliver_wire_messages_as_copies_read_back_by_the_wire_serializer()
    {
        var probe = CreateTestProbe();

        probe.Ref.Tell(Event);

        var received = probe.ExpectMsg<SseEvent>();
        Assert.True(Sys.Settings.SerializeAllMessages);
        Assert.NotSame(Event, received);
        AssertSameContent(Event, received);
    }

    [Fact]
    public void An_event_read_from_the_wire_is_stamped_with_its_arrival_for_the_delivery_latency()
    {
        var serializer = Sys.Serialization.FindSerializerFor(Event);
        var before = System.Diagnostics.Stopwatch.GetTimestamp();

        var copy = (SseEvent)Sys.Serialization.Deserialize(serializer.ToBinary(Event), serializer.Identifier, "EV");

        Assert.InRange(copy.PublishedAt, before, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>With history off nothing carries a position or a replay: the absent values round-trip too.</summary>
    public static TheoryData<string> WithoutHistory => new(["SU", "AU", "ST", "AT", "EV"]);

    [Theory]
    [MemberData(nameof(WithoutHistory))]
    public void Messages_without_history_round_trip_without_positions(string manifest)
    {
        var subscriber = CreateTestProbe().Ref;
        object message = manifest switch
        {
            "SU" => new SubscribeToStream(new StreamKey.User(UserId), subscriber),
            "AU" => new SubscribedToStream(new StreamKey.User(UserId)),
            "ST" => new SubscribeToStream(new StreamKey.Topic("news"), subscriber),
            "AT" => new SubscribedToStream(new StreamKey.Topic("news")),
            _ => Event,
        };
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);

        var copy = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));

        AssertSameContent(message, copy);
    }

    /// <summary>With history on, broadcasts travel numbered, and the broadcasts' entity is addressed by its own stream key.</summary>
    [Fact]
    public void An_event_stored_before_message_ids_existed_is_still_read()
    {
        var stored = new StoredEvent(NumberedEvent);
        var serializer = Sys.Serialization.FindSerializerFor(stored);
        var current = serializer.ToBinary(stored);
        // Format 1: the same fields without the message id's presence flag, the last byte of an unnamed event.
        byte[] formatOne = [1, .. current[1..^1]];

        var read = (StoredEvent)Sys.Serialization.Deserialize(formatOne, serializer.Identifier, "JE");

        Assert.Equal(2, current[0]);
        AssertSameContent(stored, read);
    }

    [Fact]
    public void Broadcast_history_messages_round_trip_with_their_stream_and_position()
    {
        var subscriber = CreateTestProbe().Ref;
        var numbered = Event with { Stream = StreamKey.Broadcasts.Instance.Name, Position = new StreamPosition(0xcafef00d, 7) };
        ISseWireMessage[] messages =
        [
            new DeliverBroadcast(numbered),
            new PublishToStream(StreamKey.Broadcasts.Instance, Event),
            new SubscribeToStream(StreamKey.Broadcasts.Instance, subscriber, new StreamPosition(0xcafef00d, 5)),
            new SubscribedToStream(StreamKey.Broadcasts.Instance, new StreamReplay(new StreamPosition(0xcafef00d, 7), Gap: false, [numbered with { Position = new StreamPosition(0xcafef00d, 6) }, numbered])),
        ];

        foreach (var message in messages)
        {
            var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
            AssertSameContent(message, serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message)));
        }
    }

    /// <summary>Akka's default <c>maximum-frame-size</c>: a remote message larger than this is dropped.</summary>
    private const int DefaultRemoteFrame = 128_000;

    [Fact]
    public void A_node_report_carries_numbers_only_whatever_the_node_holds()
    {
        var report = new NodeReport(Stats, ActiveUsers: int.MaxValue, ActiveTopics: int.MaxValue);

        Assert.InRange(Sys.Serialization.FindSerializerFor(report).ToBinary(report).Length, 1, 256);
    }

    [Fact]
    public void A_nodes_part_of_the_largest_page_and_the_page_fit_the_default_remote_frame()
    {
        var ids = Enumerable.Range(0, OnlineUserPages.MaxLimit + 1).Select(_ => Guid.NewGuid()).ToArray();
        ISseWireMessage[] messages =
        [
            new NodeOnlineUsers("akka.tcp://sse@a-rather-long-host-name.cluster.internal.example:4053", ids),
            new OnlineUsers(ids[..OnlineUserPages.MaxLimit], Next: ids[^1]),
        ];

        Assert.All(messages, message => Assert.InRange(Sys.Serialization.FindSerializerFor(message).ToBinary(message).Length, 1, DefaultRemoteFrame));
    }

    [Fact]
    public void Unknown_manifest_is_a_serialization_error()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(SseEvent));

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "??"));
    }

    private static void AssertSameContent(object expected, object? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.GetType(), actual.GetType());
        // A Stopwatch timestamp means nothing in another process: it is not carried, but taken on arrival.
        var notCarried = typeof(SseEvent).GetProperty(nameof(SseEvent.PublishedAt));
        foreach (var property in expected.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p != notCarried))
        {
            var (want, got) = (property.GetValue(expected), property.GetValue(actual));
            switch (want)
            {
                case ISseWireMessage or StreamReplay:
                    AssertSameContent(want, got);
                    break;
                case Akka.DistributedData.ORDictionary<string, Akka.DistributedData.LWWRegister<HistorySnapshot>> entries:
                    var copied = (Akka.DistributedData.ORDictionary<string, Akka.DistributedData.LWWRegister<HistorySnapshot>>)got!;
                    Assert.Equal(entries.Keys.Order(), copied.Keys.Order());
                    foreach (var (name, entry) in entries)
                    {
                        // Akka's format carries a node's host, port and uid; protocol and system are the reader's.
                        Assert.Equal((entry.Timestamp, entry.UpdatedBy.Uid), (copied[name].Timestamp, copied[name].UpdatedBy.Uid));
                        AssertSameContent(entry.Value, copied[name].Value);
                    }
                    break;
                case IEnumerable<SseEvent> events:
                    var copies = ((IEnumerable<SseEvent>)got!).ToList();
                    Assert.Equal(events.Count(), copies.Count);
                    foreach (var (one, copy) in events.Zip(copies))
                    {
                        AssertSameContent(one, copy);
                    }
                    break;
                case IEnumerable sequence and not string:
                    Assert.True(sequence.Cast<object>().SequenceEqual(((IEnumerable)got!).Cast<object>()), $"{property.Name} differs after the round trip");
                    break;
                default:
                    Assert.Equal(want, got);
                    break;
            }
        }
    }
}
