using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Sse.Actors.Delivery;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>
/// Two actor systems over real remoting: an entity sends one message per event to each other
/// node that holds subscribers (to that node's delivery of the stream), never one per remote subscriber.
/// </summary>
[Trait("Category", TestCategories.Cluster)]
public sealed class RemoteFanOutTests() : Akka.TestKit.Xunit2.TestKit(Remoting)
{
    private const int RemoteSubscribers = 50;

    private static readonly Config Remoting = ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """).WithFallback(SseTestConfig.SerializeMessages);

    [Fact]
    public async Task Topic_event_costs_one_message_per_remote_node_not_one_per_subscriber()
    {
        var other = ActorSystem.Create("other", Remoting);
        try
        {
            var (otherDelivery, remote) = RemoteNode(other);
            var topic = Sys.ActorOf(Entities.Topic("news", TimeSpan.FromMinutes(1)));
            var local = CreateTestProbe();
            local.Send(topic, new SubscribeToStream(new StreamKey.Topic("news"), local.Ref));
            local.ExpectMsg<SubscribedToStream>();
            await SubscribeFromAsync(other, topic, remote, probe => new SubscribeToStream(new StreamKey.Topic("news"), probe.Ref, Delivery: otherDelivery.Ref),
                probe => otherDelivery.ExpectMsg<DeliveryProtocol.Subscribed>(m => m.Subscriber.Equals(probe.Ref)));
            var sseEvent = SseEncoder.Encode("news", "one event");

            topic.Tell(new PublishToStream(new StreamKey.Topic("news"), sseEvent));

            Assert.Equal(sseEvent.Id, local.ExpectMsg<SseEvent>().Id);
            var fanOut = otherDelivery.ExpectMsg<DeliveryProtocol.StreamEvent>();
            Assert.Equal((new StreamKey.Topic("news"), sseEvent.Id), (fanOut.Stream, fanOut.Event.Id));
            otherDelivery.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            Assert.All(remote, probe => Assert.False(probe.HasMessages));
        }
        finally
        {
            await other.Terminate();
        }
    }

    [Fact]
    public async Task User_event_costs_one_message_per_remote_node_not_one_per_connection()
    {
        var other = ActorSystem.Create("other", Remoting);
        try
        {
            var (otherDelivery, remote) = RemoteNode(other);
            var userId = Guid.NewGuid().ToString();
            var user = Sys.ActorOf(Entities.User(userId, TimeSpan.FromMinutes(1)));
            await SubscribeFromAsync(other, user, remote, probe => new SubscribeToStream(new StreamKey.User(userId), probe.Ref, Delivery: otherDelivery.Ref),
                probe => otherDelivery.ExpectMsg<DeliveryProtocol.Subscribed>(m => m.Subscriber.Equals(probe.Ref)));
            var sseEvent = SseEncoder.Encode("notification", "for every tab");

            user.Tell(new PublishToStream(new StreamKey.User(userId), sseEvent));

            Assert.Equal(new StreamKey.User(userId), otherDelivery.ExpectMsg<DeliveryProtocol.StreamEvent>().Stream);
            otherDelivery.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
            Assert.All(remote, probe => Assert.False(probe.HasMessages));
        }
        finally
        {
            await other.Terminate();
        }
    }

    [Fact]
    public async Task The_entity_lets_go_of_a_lost_nodes_subscribers_when_its_delivery_is_gone()
    {
        var other = ActorSystem.Create("other", Remoting);
        var (otherDelivery, remote) = RemoteNode(other);
        var userId = Guid.NewGuid().ToString();
        var user = Sys.ActorOf(Entities.User(userId, TimeSpan.FromMinutes(1)));
        await SubscribeFromAsync(other, user, remote, probe => new SubscribeToStream(new StreamKey.User(userId), probe.Ref, Delivery: otherDelivery.Ref),
            probe => otherDelivery.ExpectMsg<DeliveryProtocol.Subscribed>(m => m.Subscriber.Equals(probe.Ref)));
        user.Tell(new BrokerQueries.GetUserConnectionCount(userId));
        Assert.Equal(RemoteSubscribers, ExpectMsg<BrokerQueries.UserConnectionCount>().Connections);

        await other.Terminate();

        await AwaitAssertAsync(() =>
        {
            user.Tell(new BrokerQueries.GetUserConnectionCount(userId));
            Assert.Equal(0, ExpectMsg<BrokerQueries.UserConnectionCount>().Connections);
        }, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_replay_to_another_node_goes_up_to_the_limit_and_a_larger_one_is_a_gap()
    {
        var other = ActorSystem.Create("other", Remoting);
        try
        {
            var userId = Guid.NewGuid().ToString();
            // 10 events of at most about 220 bytes each on the wire (counting 3 bytes a character of id and stream): 5 fit, 10 do not.
            var user = Sys.ActorOf(Entities.User(userId, TimeSpan.FromMinutes(1), historySize: 100, maxRemoteReplayBytes: 1_500));
            for (var i = 1; i <= 10; i++)
            {
                user.Tell(new PublishToStream(new StreamKey.User(userId), SseEncoder.Encode("update", $"event {i}")));
            }
            var local = CreateTestProbe();
            local.Send(user, new SubscribeToStream(new StreamKey.User(userId), local.Ref));
            var epoch = local.ExpectMsg<SubscribedToStream>().Replay!.Now.Epoch;

            var replays = new List<StreamReplay>();
            foreach (var from in new long[] { 5, 0 })
            {
                var remote = CreateTestProbe(other);
                await SubscribeFromAsync(other, user, [remote], probe => new SubscribeToStream(new StreamKey.User(userId), probe.Ref, new StreamPosition(epoch, from)),
                    probe => replays.Add(probe.ExpectMsg<SubscribedToStream>().Replay!));
            }
            local.Send(user, new SubscribeToStream(new StreamKey.User(userId), local.Ref, new StreamPosition(epoch, 0)));
            var localReplay = local.ExpectMsg<SubscribedToStream>().Replay!;

            Assert.Equal([6L, 7, 8, 9, 10], replays[0].Missed.Select(e => e.Position!.Value.Seq));
            Assert.True(replays[1].Gap);
            Assert.Empty(replays[1].Missed);
            // A subscriber on the entity's own node has no message to fit in.
            Assert.Equal(10, localReplay.Missed.Count);
        }
        finally
        {
            await other.Terminate();
        }
    }

    [Theory]
    [InlineData(128_000, 96 * 1024)]
    [InlineData(4 * 1024 * 1024, 4 * 1024 * 1024 - 64 * 1024)]
    public void The_remote_replay_limit_leaves_room_in_the_remote_frame(long frame, long limit) =>
        Assert.Equal(limit, HistoryRing.RemoteReplayLimit(frame));

    /// <summary>A stand-in for the other node's delivery of the stream (a probe there) and subscribers living there.</summary>
    private (TestProbe Delivery, List<TestProbe> Subscribers) RemoteNode(ActorSystem other) =>
        (CreateTestProbe(other), [.. Enumerable.Range(0, RemoteSubscribers).Select(_ => CreateTestProbe(other))]);

    /// <summary>Each remote probe subscribes itself, so the entity sees it with its remote address.</summary>
    private async Task SubscribeFromAsync(ActorSystem other, IActorRef entity, List<TestProbe> probes, Func<TestProbe, object> subscribe, Action<TestProbe> expectAck)
    {
        var address = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
        var remoteEntity = await other.ActorSelection(new RootActorPath(address) / entity.Path.Elements).ResolveOne(TimeSpan.FromSeconds(5));
        foreach (var probe in probes)
        {
            probe.Send(remoteEntity, subscribe(probe));
            expectAck(probe);
        }
    }
}
