using Akka.Actor;
using Akka.TestKit;
using Sse.Actors.Events;
using Sse.Actors.Topics;
using Sse.Tests.Subscriptions;
using static Sse.Actors.Topics.TopicProtocol;

namespace Sse.Tests.Topics;

public sealed class TopicActorTests : SubscriberSetActorSpec
{
    private const string Topic = "news/sport";

    protected override Props EntityProps(TimeSpan emptyPassivation) => TopicActor.Props(emptyPassivation);

    protected override object Subscribe(IActorRef subscriber) => new SubscribeToTopic(Topic, subscriber);

    protected override object Unsubscribe(IActorRef subscriber) => new UnsubscribeFromTopic(Topic, subscriber);

    protected override object Deliver(SseEvent sseEvent) => new PublishToTopic(Topic, sseEvent);

    protected override void ExpectAcknowledgement(TestProbe subscriber) =>
        Assert.Equal(Topic, subscriber.ExpectMsg<SubscribedToTopic>().Topic);
}
