using Akka.Actor;
using Akka.Actor.Dsl;
using Akka.TestKit;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Actors.Events;
using Sse.Actors.Delivery;
using Sse.Actors.Settings;
using Sse.Actors.Streams;
using Sse.Tests.Streams;
using static Sse.Actors.Broker.BrokerConnections;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Delivery;

/// <summary>
/// A stream with many connections on a node is delivered by the node's fan-out workers, one share each, instead of
/// its delivery's loop; every connection still gets every event of the stream, in order.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class HotStreamFanOutTests : Akka.TestKit.Xunit2.TestKit
{
    private const int Partitions = 3;
    private const int MinRecipients = 8;
    private static readonly StreamKey.Topic Hot = new("hot");

    public HotStreamFanOutTests() : base(SseTestConfig.SerializeMessagesOnClusterNode) =>
        Sys.WithNodeExtensions(fanOut: new FanOutSettings(Partitions, MinRecipients));

    [Fact]
    public void A_hot_topic_is_handed_to_every_worker_and_each_subscriber_gets_every_event_in_order()
    {
        var topic = Sys.ActorOf(Entities.Topic(Hot.Key, TimeSpan.FromMinutes(1)));
        var subscribers = Subscribe(topic, 30);

        var sent = Publish(topic, 50);

        var senders = subscribers.SelectMany(subscriber => ExpectInOrder(subscriber, sent)).ToHashSet();
        Assert.All(senders, sender => Assert.StartsWith("sse-fan-out-", sender.Path.Name));
        // 30 subscribers over 3 partitions: more than one worker delivered.
        Assert.True(senders.Count > 1, $"one worker delivered everything: {string.Join(", ", senders)}");
    }

    [Fact]
    public void A_stream_with_few_subscribers_is_delivered_by_its_nodes_delivery()
    {
        var topic = Sys.ActorOf(Entities.Topic(Hot.Key, TimeSpan.FromMinutes(1)));
        var subscribers = Subscribe(topic, MinRecipients - 1);

        var sent = Publish(topic, 5);

        var delivery = NodeDeliveries.Of(Sys).For(Hot);
        Assert.All(subscribers, subscriber => Assert.All(ExpectInOrder(subscriber, sent), sender => Assert.Equal(delivery, sender)));
    }

    [Fact]
    public void Once_split_a_stream_stays_split_when_subscribers_leave_so_no_event_overtakes_another()
    {
        var topic = Sys.ActorOf(Entities.Topic(Hot.Key, TimeSpan.FromMinutes(1)));
        var subscribers = Subscribe(topic, MinRecipients + 2);
        var first = Publish(topic, 20);
        foreach (var leaving in subscribers.Skip(2))
        {
            topic.Tell(new UnsubscribeFromStream(Hot, leaving.Ref));
        }

        var second = Publish(topic, 20);

        foreach (var staying in subscribers.Take(2))
        {
            var senders = ExpectInOrder(staying, [.. first, .. second]);
            Assert.All(senders, sender => Assert.StartsWith("sse-fan-out-", sender.Path.Name));
        }
        Assert.All(subscribers.Skip(2), leaving => Assert.Equal(first.Count, leaving.ReceiveN(first.Count).Count));
    }

    [Fact]
    public void A_subscriber_that_joins_a_split_stream_gets_the_events_after_its_acknowledgement()
    {
        var topic = Sys.ActorOf(Entities.Topic(Hot.Key, TimeSpan.FromMinutes(1)));
        var subscribers = Subscribe(topic, MinRecipients * 2);
        var before = Publish(topic, 10);
        var newcomer = Subscribe(topic, 1)[0];

        var after = Publish(topic, 10);

        ExpectInOrder(newcomer, after);
        Assert.All(subscribers, subscriber => ExpectInOrder(subscriber, [.. before, .. after]));
    }

    [Fact]
    public async Task The_broker_connections_get_a_hot_stream_and_the_broadcasts_split_over_the_workers_each_in_order()
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

        var deliveries = NodeDeliveries.Of(Sys);
        var sent = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            sent.Add($"{(i % 2 == 0 ? "hot" : "broadcast")} {i}");
            var sseEvent = SseEncoder.Encode("e", sent[^1]);
            if (i % 2 == 0)
            {
                deliveries.For(Hot).Tell(new DeliveryProtocol.StreamEvent(Hot, sseEvent));
            }
            else
            {
                deliveries.Broadcasts.Tell(new DeliveryProtocol.DeliverBroadcast(sseEvent));
            }
        }

        foreach (var connection in connections)
        {
            var received = new List<string>();
            for (var i = 0; i < sent.Count; i++)
            {
                received.Add((await connection.Events.ReadEventAsync()).Data);
            }
            // Each stream in order; two streams may interleave either way.
            foreach (var kind in new[] { "hot", "broadcast" })
            {
                Assert.Equal(sent.Where(data => data.StartsWith(kind)), received.Where(data => data.StartsWith(kind)));
            }
        }
    }

    private List<TestProbe> Subscribe(IActorRef topic, int count)
    {
        var probes = Enumerable.Range(0, count).Select(_ => CreateTestProbe()).ToList();
        foreach (var probe in probes)
        {
            probe.Send(topic, new SubscribeToStream(Hot, probe.Ref, Delivery: NodeDeliveries.Of(Sys).For(Hot)));
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
