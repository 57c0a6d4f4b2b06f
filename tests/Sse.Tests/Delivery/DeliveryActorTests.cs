using Akka.Actor;
using Akka.Actor.Dsl;
using Akka.TestKit;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Actors.Delivery;
using Sse.Actors.Events;
using Sse.Actors.Settings;
using Sse.Actors.Streams;
using Sse.Tests.Streams;
using static Sse.Actors.Broker.BrokerConnections;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Delivery;

/// <summary>
/// The node's deliveries, each owning a share of its connections: an entity sends each event once per delivery holding
/// subscribers, so a hot topic is delivered by every core; each connection gets every event of its streams in order,
/// after its acknowledgement, and nothing once its entity let go of it or stopped.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class DeliveryActorTests : Akka.TestKit.Xunit2.TestKit
{
    private const int Partitions = 3;
    private static readonly StreamKey.Topic Hot = new("hot");

    public DeliveryActorTests() : base(SseTestConfig.SerializeMessagesOnClusterNode) => Sys.WithNodeExtensions(deliveries: Partitions);

    private NodeDeliveries Deliveries => NodeDeliveries.Of(Sys);

    [Fact]
    public void A_hot_topic_is_delivered_by_every_delivery_and_each_subscriber_gets_every_event_in_order()
    {
        var topic = Sys.ActorOf(Entities.Topic(Hot.Key, TimeSpan.FromMinutes(1)));
        var subscribers = Subscribe(topic, 30);

        var sent = Publish(topic, 50);

        var senders = subscribers.SelectMany(subscriber => ExpectInOrder(subscriber, sent)).ToHashSet();
        Assert.All(senders, sender => Assert.Contains(sender, Deliveries.All));
        // 30 subscribers over 3 deliveries: more than one delivered.
        Assert.True(senders.Count > 1, $"one delivery delivered everything: {string.Join(", ", senders)}");
    }

    [Fact]
    public void A_subscriber_its_entity_let_go_of_gets_nothing_more_and_the_others_everything()
    {
        var topic = Sys.ActorOf(Entities.Topic(Hot.Key, TimeSpan.FromMinutes(1)));
        var subscribers = Subscribe(topic, 10);
        var first = Publish(topic, 20);
        foreach (var leaving in subscribers.Skip(2))
        {
            topic.Tell(new UnsubscribeFromStream(Hot, leaving.Ref));
        }

        var second = Publish(topic, 20);

        foreach (var staying in subscribers.Take(2))
        {
            ExpectInOrder(staying, [.. first, .. second]);
        }
        foreach (var leaving in subscribers.Skip(2))
        {
            ExpectInOrder(leaving, first);
            leaving.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public void A_subscriber_gets_the_events_recorded_after_its_acknowledgement()
    {
        var topic = Sys.ActorOf(Entities.Topic(Hot.Key, TimeSpan.FromMinutes(1)));
        var subscribers = Subscribe(topic, 5);
        var before = Publish(topic, 10);
        var newcomer = Subscribe(topic, 1)[0];

        var after = Publish(topic, 10);

        ExpectInOrder(newcomer, after);
        Assert.All(subscribers, subscriber => ExpectInOrder(subscriber, [.. before, .. after]));
    }

    [Fact]
    public void A_stopping_entity_tells_its_subscribers_through_their_delivery_in_its_name()
    {
        var topic = Sys.ActorOf(Entities.Topic(Hot.Key, TimeSpan.FromMinutes(1)));
        var subscribers = Subscribe(topic, 4);

        Sys.Stop(topic);

        Assert.All(subscribers, subscriber =>
        {
            Assert.Equal(new EntityStopped(Hot), subscriber.ExpectMsg<EntityStopped>());
            Assert.Equal(topic, subscriber.LastSender);
        });
    }

    [Fact]
    public void A_new_entity_of_the_stream_makes_the_ones_the_earlier_acknowledged_subscribe_again()
    {
        var earlier = CreateTestProbe();
        var later = CreateTestProbe();
        var (first, second) = (CreateTestProbe(), CreateTestProbe());
        // Both in one delivery: the one the stream's connections share there.
        var delivery = Deliveries.All[0];
        earlier.Send(delivery, new DeliveryProtocol.Subscribed(first.Ref, new SubscribedToStream(Hot)));
        first.ExpectMsg<SubscribedToStream>();

        later.Send(delivery, new DeliveryProtocol.Subscribed(second.Ref, new SubscribedToStream(Hot)));

        second.ExpectMsg<SubscribedToStream>();
        Assert.Equal(later.Ref, second.LastSender);
        first.ExpectMsg<EntityStopped>();
        Assert.Equal(earlier.Ref, first.LastSender);
        // The earlier entity's events no longer reach the first: it is subscribing again.
        later.Send(delivery, new DeliveryProtocol.StreamEvent(Hot, SseEncoder.Encode("e", "from the later")));
        Assert.Equal("from the later", second.ExpectMsg<SseEvent>().Parse().Data);
        first.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_connection_gets_its_topics_and_the_broadcasts_in_the_order_they_were_sent()
    {
        var regions = new StreamRegions(Acknowledger(), Acknowledger(), Acknowledger());
        var options = new SseOptions { HeartbeatInterval = TimeSpan.FromMinutes(10), ClientTimeout = TimeSpan.FromMinutes(20) };
        var broker = Sys.ActorOf(BrokerActor.Props(options.BrokerSettings(), regions, Diagnostics.TestMetrics.Create()));
        var connections = Enumerable.Range(0, 20).Select(_ => new ClientConnection(Guid.NewGuid().ToString(), null, [Hot.Key], bufferSize: 256)).ToList();
        foreach (var connection in connections)
        {
            broker.Tell(new Connect(connection));
            ExpectMsg<Accepted>();
            Assert.Contains("\"welcome\"", (await connection.Events.ReadEventAsync()).Data);
        }

        var sent = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            sent.Add($"{(i % 2 == 0 ? "hot" : "broadcast")} {i}");
            var sseEvent = SseEncoder.Encode("e", sent[^1]);
            foreach (var delivery in Deliveries.All)
            {
                delivery.Tell(i % 2 == 0 ? new DeliveryProtocol.StreamEvent(Hot, sseEvent) : new DeliveryProtocol.DeliverBroadcast(sseEvent));
            }
        }

        foreach (var connection in connections)
        {
            var received = new List<string>();
            for (var i = 0; i < sent.Count; i++)
            {
                received.Add((await connection.Events.ReadEventAsync()).Data);
            }
            Assert.Equal(sent, received);
        }
    }

    private List<TestProbe> Subscribe(IActorRef topic, int count)
    {
        var probes = Enumerable.Range(0, count).Select(_ => CreateTestProbe()).ToList();
        foreach (var probe in probes)
        {
            probe.Send(topic, new SubscribeToStream(Hot, probe.Ref, Delivery: Deliveries.For(probe.Ref)));
            probe.ExpectMsg<SubscribedToStream>();
            Assert.Equal(topic, probe.LastSender);
        }
        return probes;
    }

    private static List<string> Publish(IActorRef topic, int count)
    {
        var sent = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var sseEvent = SseEncoder.Encode("e", $"event {i}");
            sent.Add(sseEvent.Id);
            topic.Tell(new PublishToStream(Hot, sseEvent));
        }
        return sent;
    }

    /// <summary>The events in the order sent; returns who delivered them.</summary>
    private static IEnumerable<IActorRef> ExpectInOrder(TestProbe subscriber, IReadOnlyList<string> sent)
    {
        var senders = new List<IActorRef>();
        foreach (var id in sent)
        {
            Assert.Equal(id, subscriber.ExpectMsg<SseEvent>().Id);
            senders.Add(subscriber.LastSender);
        }
        return senders;
    }

    /// <summary>A region that acknowledges every subscription at once, through the subscriber's delivery, as an entity with no history would.</summary>
    private IActorRef Acknowledger() => Sys.ActorOf(act =>
        act.Receive<SubscribeToStream>((m, context) => m.Delivery!.Tell(new DeliveryProtocol.Subscribed(m.Subscriber, new SubscribedToStream(m.Stream)), context.Self)));
}
