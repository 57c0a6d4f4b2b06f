using System.Collections;
using Akka.Actor;
using Akka.Serialization;
using Sse.Actors.Delivery;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Serialization;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerQueries;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;
using static Sse.Tests.Serialization.WireSamples;

namespace Sse.Tests.Serialization;

// With Akka.DistributedData's serializers, as on every node: a hand-off bucket holds its types.
[Trait("Category", TestCategories.Unit)]
public sealed class SseWireSerializerTests() : Akka.TestKit.Xunit2.TestKit(SseTestConfig.SerializeMessages.WithFallback(Akka.DistributedData.DistributedData.DefaultConfig()))
{
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

        var copy = (SseEvent)Sys.Serialization.Deserialize(serializer.ToBinary(Event), serializer.Identifier, "EV2");

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
            new DeliveryProtocol.DeliverBroadcast(numbered),
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
        var ids = Enumerable.Range(0, OnlineUserPages.MaxLimit + 1).Select(_ => Guid.NewGuid().ToString()).ToArray();
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

    /// <summary>
    /// A message whose ids are all UUIDs is written byte for byte as when ids were UUIDs (the same manifest, 16 bytes an id),
    /// so nodes of that version and this one understand each other during a rolling upgrade.
    /// </summary>
    [Fact]
    public void Messages_with_uuid_ids_are_written_as_when_ids_were_uuids()
    {
        var uuid = Guid.Parse(UserId).ToByteArray();
        var eventBytes = Sys.Serialization.FindSerializerFor(Event).ToBinary(new DeliveryProtocol.DeliverBroadcast(Event));

        AssertWrittenAs(new SendToUser(UserId, "update", "x"), "CU", w => { w.Write(uuid); w.Write("update"); w.Write("x"); w.Write(false); });
        AssertWrittenAs(new SendToTopic("news", "update", "x", UserId), "CT", w => { w.Write("news"); w.Write("update"); w.Write("x"); w.Write(true); w.Write(uuid); w.Write(false); });
        AssertWrittenAs(new GetUserConnectionCount(UserId), "QC", w => w.Write(uuid));
        AssertWrittenAs(new UserConnectionCount(UserId, 2), "RC", w => { w.Write(uuid); w.Write(2); });
        AssertWrittenAs(new OnlineUsers([UserId, UserId], Next: null), "RO", w => { w.Write(2); w.Write(uuid); w.Write(uuid); w.Write(false); });
        // PS2: the event's bytes lost their id line; a user is written as when ids were UUIDs still.
        AssertWrittenAs(new PublishToStream(new StreamKey.User(UserId), Event), "PS2", w => { w.Write((byte)'u'); w.Write(uuid); w.Write(eventBytes); });
        // The keys of entities and of their stored histories are the ones UUID users had, too.
        Assert.Equal(("0b9a4cbe3bd44f4c9a532a4a0f0d6e11", "sse-user-0b9a4cbe3bd44f4c9a532a4a0f0d6e11"),
            (new StreamKey.User(UserId).EntityId, new StreamKey.User(UserId).PersistenceId));
        Assert.Equal("0b9a4cbe3bd44f4c9a532a4a0f0d6e11,news", StreamKey.Topic.For(UserId, "news").Key);
    }

    [Fact]
    public void Messages_with_other_ids_have_manifests_and_stream_tags_of_their_own()
    {
        // 32 hex digits without hyphens: an opaque id like any other, not a UUID, and it keeps its spelling.
        const string hexId = "0b9a4cbe3bd44f4c9a532a4a0f0d6e11";
        ISseWireMessage[] messages =
        [
            new SendToUser(hexId, "update", "x"), new SendToTopic("news", "update", "x", NamedTenant), new GetUserConnectionCount(NamedUser),
            new UserConnectionCount(NamedUser, 2), new OnlineUsers([UserId, NamedUser], Next: null),
            new NodeOnlineUsers("akka.tcp://sse@127.0.0.1:4053", [UserId, "1234567890"]),
        ];

        var manifests = messages.Select(m => ((SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(m)).Manifest(m));

        Assert.Equal(["CUn", "CTn", "QCn", "RCn", "ROn", "RUn"], manifests);
        var copy = (SendToUser)RoundTrip(messages[0]);
        Assert.Equal(hexId, copy.UserId);
        Assert.Equal((byte)'n', Sys.Serialization.FindSerializerFor(Event).ToBinary(new PublishToStream(new StreamKey.User(hexId), Event))[0]);
    }

    [Fact]
    public void A_uuid_in_capitals_travels_as_the_uuid_and_arrives_in_lowercase()
    {
        var message = new SendToUser(UserId.ToUpperInvariant(), "update", "x");

        var copy = (SendToUser)RoundTrip(message);

        Assert.Equal(UserId, copy.UserId);
    }

    private object RoundTrip(object message)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        return serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }

    private void AssertWrittenAs(object message, string manifest, Action<BinaryWriter> writeExpected)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        using var expected = new MemoryStream();
        using (var w = new BinaryWriter(expected))
        {
            writeExpected(w);
        }

        Assert.Equal(manifest, serializer.Manifest(message));
        Assert.Equal(expected.ToArray(), serializer.ToBinary(message));
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
