using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>
/// What every stream entity with subscribers (a user's, a topic's) does, run once per kind of stream. The entity
/// is the child of a probe that stands in for its shard, so its passivation requests can be seen.
/// </summary>
public abstract class StreamEntitySpec : Akka.TestKit.Xunit2.TestKit
{
    protected StreamEntitySpec() : base(SseTestConfig.SerializeMessages) => Sys.WithNodeExtensions();

    protected static readonly TimeSpan EmptyPassivation = TimeSpan.FromMilliseconds(400);

    // Only an upper bound: a loaded machine may take a while to run the timer and serialize Passivate.
    private static readonly TimeSpan PassivationWait = TimeSpan.FromSeconds(5);

    protected abstract StreamKey Stream { get; }

    private object Subscribe(IActorRef subscriber) => new SubscribeToStream(Stream, subscriber);

    private object Unsubscribe(IActorRef subscriber) => new UnsubscribeFromStream(Stream, subscriber);

    private object Deliver(SseEvent sseEvent) => new PublishToStream(Stream, sseEvent);

    private void ExpectAcknowledgement(TestProbe subscriber) => Assert.Equal(Stream, subscriber.ExpectMsg<SubscribedToStream>().Stream);

    [Fact]
    public void Subscriber_is_acknowledged_by_the_entity()
    {
        var (entity, _) = StartEntity();
        var subscriber = CreateTestProbe();

        entity.Tell(Subscribe(subscriber.Ref));

        ExpectAcknowledgement(subscriber);
        Assert.Equal(entity, subscriber.LastSender);
    }

    [Fact]
    public void Delivered_event_reaches_every_subscriber()
    {
        var (entity, _) = StartEntity();
        var first = SubscribedProbe(entity);
        var second = SubscribedProbe(entity);
        var sseEvent = SseEncoder.Encode("update", "hello");

        entity.Tell(Deliver(sseEvent));

        AssertReceives(first, sseEvent);
        AssertReceives(second, sseEvent);
    }

    [Fact]
    public void The_publisher_is_told_the_event_is_recorded_once_it_is_handed_to_the_subscribers()
    {
        var (entity, _) = StartEntity();
        var subscriber = SubscribedProbe(entity);
        var publisher = CreateTestProbe();
        var sseEvent = SseEncoder.Encode("update", "hello");

        entity.Tell(Deliver(sseEvent), publisher.Ref);

        Assert.Equal(new EventRecorded(Stream, sseEvent.Id, sseEvent.Id), publisher.ExpectMsg<EventRecorded>());
        AssertReceives(subscriber, sseEvent);
    }

    [Fact]
    public void A_publish_that_arrives_after_its_deadline_is_dropped_unrecorded_and_the_next_one_is_recorded()
    {
        var (entity, _) = StartEntity();
        var subscriber = SubscribedProbe(entity);
        var publisher = CreateTestProbe();
        var late = SseEncoder.Encode("update", "its publisher stopped waiting");
        var onTime = SseEncoder.Encode("update", "in time");

        // As a publish that waited in a region's buffer, or in a frozen node's mailbox, past its publisher's timeout.
        entity.Tell(new PublishToStream(Stream, late, DateTime.UtcNow - TimeSpan.FromSeconds(1)), publisher.Ref);
        entity.Tell(new PublishToStream(Stream, onTime, DateTime.UtcNow + TimeSpan.FromMinutes(1)), publisher.Ref);

        Assert.Equal(onTime.Id, publisher.ExpectMsg<EventRecorded>().EventId);
        AssertReceives(subscriber, onTime);
        publisher.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Unsubscribed_subscriber_no_longer_receives_events()
    {
        var (entity, _) = StartEntity();
        var leaving = SubscribedProbe(entity);
        var staying = SubscribedProbe(entity);

        entity.Tell(Unsubscribe(leaving.Ref));
        entity.Tell(Deliver(SseEncoder.Encode("update", "hello")));

        staying.ExpectMsg<SseEvent>();
        leaving.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Subscribing_again_is_acknowledged_again_and_delivers_once()
    {
        var (entity, _) = StartEntity();
        var subscriber = SubscribedProbe(entity);

        entity.Tell(Subscribe(subscriber.Ref));
        ExpectAcknowledgement(subscriber);
        entity.Tell(Deliver(SseEncoder.Encode("update", "hello")));

        subscriber.ExpectMsg<SseEvent>();
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_subscriber_on_its_node_that_stopped_before_its_subscription_arrived_is_not_kept()
    {
        var (entity, shard) = StartEntity();
        var subscriber = CreateTestProbe();
        Watch(subscriber.Ref);
        Sys.Stop(subscriber.Ref);
        ExpectTerminated(subscriber.Ref);

        entity.Tell(Subscribe(subscriber.Ref));

        shard.ExpectMsg<Passivate>(PassivationWait);
    }

    [Fact]
    public void An_entity_that_stops_tells_its_subscribers_on_its_node_to_subscribe_again()
    {
        var (entity, _) = StartEntity();
        var first = SubscribedProbe(entity);
        var second = SubscribedProbe(entity);

        Sys.Stop(entity);

        foreach (var subscriber in new[] { first, second })
        {
            Assert.Equal(new EntityStopped(Stream), subscriber.ExpectMsg<EntityStopped>());
            Assert.Equal(entity, subscriber.LastSender);
        }
    }

    [Fact]
    public void A_subscriber_that_unsubscribed_is_not_told_when_the_entity_stops()
    {
        var (entity, _) = StartEntity();
        var subscriber = SubscribedProbe(entity);
        entity.Tell(Unsubscribe(subscriber.Ref));
        Watch(entity);

        // Stops after the unsubscribe, in the mailbox's order.
        entity.Tell(PoisonPill.Instance);

        ExpectTerminated(entity);
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Entity_whose_last_subscriber_unsubscribed_asks_to_passivate()
    {
        var (entity, shard) = StartEntity();
        var subscriber = SubscribedProbe(entity);

        entity.Tell(Unsubscribe(subscriber.Ref));

        shard.ExpectMsg<Passivate>(PassivationWait);
    }

    [Fact]
    public void Entity_that_never_got_a_subscriber_asks_to_passivate()
    {
        var (_, shard) = StartEntity();

        shard.ExpectMsg<Passivate>(PassivationWait);
    }

    [Fact]
    public void Entity_that_asked_to_passivate_hands_what_still_arrives_back_to_its_shard_unanswered()
    {
        var (entity, shard) = StartEntity();
        shard.ExpectMsg<Passivate>(PassivationWait);
        var subscriber = CreateTestProbe();
        var publisher = CreateTestProbe();

        entity.Tell(Subscribe(subscriber.Ref));
        entity.Tell(Deliver(SseEncoder.Encode("update", "late")), publisher.Ref);

        // The shard keeps them for the next incarnation, which answers them.
        Assert.Equal(subscriber.Ref, shard.ExpectMsg<SubscribeToStream>().Subscriber);
        shard.ExpectMsg<PublishToStream>();
        Assert.Equal(publisher.Ref, shard.LastSender);
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        publisher.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Entity_with_a_subscriber_does_not_ask_to_passivate()
    {
        var (entity, shard) = StartEntity();
        SubscribedProbe(entity);

        shard.ExpectNoMsg(EmptyPassivation * 3);
    }

    [Fact]
    public void The_stream_counts_as_active_on_the_node_while_it_has_a_subscriber()
    {
        var (entity, _) = StartEntity();
        var first = SubscribedProbe(entity);
        var second = SubscribedProbe(entity);
        Assert.Equal(1, ActiveOnTheNode);

        entity.Tell(Unsubscribe(first.Ref));
        var third = SubscribedProbe(entity);
        Assert.Equal(1, ActiveOnTheNode);

        entity.Tell(Unsubscribe(third.Ref));
        Assert.Equal(1, ActiveOnTheNode);
        entity.Tell(Unsubscribe(second.Ref));
        AwaitAssert(() => Assert.Equal(0, ActiveOnTheNode));
    }

    [Fact]
    public void An_entity_that_stops_with_subscribers_no_longer_counts_its_stream()
    {
        var (entity, _) = StartEntity();
        SubscribedProbe(entity);
        Watch(entity);

        Sys.Stop(entity);

        ExpectTerminated(entity);
        Assert.Equal(0, ActiveOnTheNode);
    }

    private long ActiveOnTheNode => Stream is StreamKey.User ? ActiveStreams.For(Sys).Users : ActiveStreams.For(Sys).Topics;

    protected (IActorRef Entity, TestProbe Shard) StartEntity()
    {
        var shard = CreateTestProbe();
        return (shard.ChildActorOf(Entities.Of(Stream, EmptyPassivation)), shard);
    }

    protected TestProbe SubscribedProbe(IActorRef entity)
    {
        var subscriber = CreateTestProbe();
        entity.Tell(Subscribe(subscriber.Ref));
        ExpectAcknowledgement(subscriber);
        return subscriber;
    }

    private static void AssertReceives(TestProbe subscriber, SseEvent sent)
    {
        var received = subscriber.ExpectMsg<SseEvent>();
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal(sent.Utf8, received.Utf8);
    }
}
