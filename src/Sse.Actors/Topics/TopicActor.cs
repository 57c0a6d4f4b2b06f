using Akka.Actor;
using Sse.Actors.Broker;
using Sse.Actors.Subscriptions;
using static Sse.Actors.Topics.TopicProtocol;

namespace Sse.Actors.Topics;

/// <summary>Sharded entity for one topic: its subscribed connections on every node, and the fan-out.</summary>
public sealed class TopicActor : SubscriberSetActor
{
    public TopicActor(TimeSpan emptyPassivation) : base(emptyPassivation)
    {
    }

    public static Props Props(TimeSpan emptyPassivation) => Akka.Actor.Props.Create(() => new TopicActor(emptyPassivation));

    protected override bool ReceiveStreamMessage(object message)
    {
        switch (message)
        {
            case PublishToTopic m:
                Deliver(m.Event, HasRemoteSubscribers ? new NodeFanOut.TopicEvent(m.Topic, m.Event) : null);
                return true;
            case SubscribeToTopic m:
                AddSubscriber(m.Subscriber, new SubscribedToTopic(m.Topic));
                return true;
            case UnsubscribeFromTopic m:
                RemoveSubscriber(m.Subscriber);
                return true;
            default:
                return false;
        }
    }
}
