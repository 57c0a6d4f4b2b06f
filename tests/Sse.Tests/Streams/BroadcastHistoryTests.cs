using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using Sse.Actors.Delivery;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using static Sse.Actors.Broker.BrokerCommands;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>
/// With history on, the entity of <see cref="StreamKey.Broadcasts"/> numbers and keeps the
/// broadcasts, publishes each once through distributed pub-sub, and only answers replays.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class BroadcastHistoryTests : Akka.TestKit.Xunit2.TestKit
{
    public BroadcastHistoryTests() : base(SseTestConfig.SerializeMessagesOnClusterNode) => Sys.WithNodeExtensions();

    private const int HistorySize = 3;

    [Fact]
    public void A_broadcast_is_numbered_and_published_once_to_every_nodes_broker_through_pub_sub()
    {
        var brokers = ListenToBroadcasts();
        var entity = StartBroadcasts();

        Publish(entity, "a", "b");

        var first = brokers.ExpectMsg<DeliveryProtocol.DeliverBroadcast>().Event;
        var second = brokers.ExpectMsg<DeliveryProtocol.DeliverBroadcast>().Event;
        Assert.Equal(StreamKey.Broadcasts.Instance.Name, first.Stream);
        Assert.Equal(1, first.Position!.Value.Seq);
        Assert.Equal(new StreamPosition(first.Position.Value.Epoch, 2), second.Position);
        brokers.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_subscriber_gets_the_missed_broadcasts_in_its_acknowledgement_but_no_live_ones()
    {
        var entity = StartBroadcasts();
        Publish(entity, "a", "b", "c");
        var subscriber = CreateTestProbe();
        entity.Tell(new SubscribeToStream(StreamKey.Broadcasts.Instance, subscriber.Ref));
        var epoch = subscriber.ExpectMsg<SubscribedToStream>().Replay!.Now.Epoch;

        entity.Tell(new SubscribeToStream(StreamKey.Broadcasts.Instance, subscriber.Ref, new StreamPosition(epoch, 1)));
        var replay = subscriber.ExpectMsg<SubscribedToStream>(m => m.Stream == StreamKey.Broadcasts.Instance).Replay!;
        Publish(entity, "d");

        Assert.False(replay.Gap);
        Assert.Equal(new StreamPosition(epoch, 3), replay.Now);
        Assert.Equal([2L, 3], replay.Missed.Select(e => e.Position!.Value.Seq));
        // Live broadcasts reach connections through their node's broker, never from the entity.
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_broadcast_entity_never_passivates_even_without_subscribers()
    {
        var shard = CreateTestProbe();
        var entity = shard.ChildActorOf(Entities.Broadcasts(TimeSpan.FromMilliseconds(100), HistorySize, historyRetention: TimeSpan.FromMilliseconds(200)));
        var subscriber = CreateTestProbe();
        entity.Tell(new SubscribeToStream(StreamKey.Broadcasts.Instance, subscriber.Ref));
        subscriber.ExpectMsg<SubscribedToStream>();

        entity.Tell(new UnsubscribeFromStream(StreamKey.Broadcasts.Instance, subscriber.Ref));

        // Many times the empty passivation and the retention.
        shard.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_topic_entity_still_passivates_when_empty()
    {
        var shard = CreateTestProbe();
        var entity = shard.ChildActorOf(Entities.Topic("news", TimeSpan.FromMilliseconds(100), HistorySize));
        var subscriber = CreateTestProbe();
        entity.Tell(new SubscribeToStream(new StreamKey.Topic("news"), subscriber.Ref));
        subscriber.ExpectMsg<SubscribedToStream>();

        entity.Tell(new UnsubscribeFromStream(new StreamKey.Topic("news"), subscriber.Ref));

        shard.ExpectMsg<Akka.Cluster.Sharding.Passivate>();
    }

    [Fact]
    public void A_stopping_broadcast_entity_tells_its_nodes_broadcasts_delivery_whose_connections_subscribe_again()
    {
        var connection = CreateTestProbe();
        NodeDeliveries.Of(Sys).For(connection.Ref).Tell(new DeliveryProtocol.Joined(connection.Ref));
        var entity = StartBroadcasts();

        Sys.Stop(entity);

        Assert.Equal(new EntityStopped(StreamKey.Broadcasts.Instance), connection.ExpectMsg<EntityStopped>());
        Assert.Equal(entity, connection.LastSender);
    }

    private IActorRef StartBroadcasts() => Sys.ActorOf(Entities.Broadcasts(TimeSpan.FromMinutes(1), HistorySize));

    /// <summary>A probe in the place of the node's broker: subscribed to the broadcasts' pub-sub topic.</summary>
    private TestProbe ListenToBroadcasts()
    {
        var broker = CreateTestProbe();
        DistributedPubSub.Get(Sys).Mediator.Tell(new Subscribe(NodeDeliveries.BroadcastTopic, broker.Ref), broker.Ref);
        broker.ExpectMsg<SubscribeAck>();
        return broker;
    }

    private static void Publish(IActorRef entity, params string[] data)
    {
        foreach (var one in data)
        {
            entity.Tell(new PublishToStream(StreamKey.Broadcasts.Instance, SseEncoder.Encode("notice", one)), ActorRefs.NoSender);
        }
    }
}
