using Akka.Actor;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Subscriptions;
using static Sse.Actors.Topics.TopicProtocol;

namespace Sse.Actors.Topics;

/// <summary>Sharded entity for one topic: its subscribed connections on every node, and the fan-out.</summary>
public sealed class TopicActor : SubscriberSetActor
{
    // The stream's name on its events, made once (history on only).
    private string? _stream;

    public TopicActor(TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default) : base(emptyPassivation, historySize, historyRetention)
    {
    }

    public static Props Props(TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default) =>
        Akka.Actor.Props.Create(() => new TopicActor(emptyPassivation, historySize, historyRetention));

    protected override bool ReceiveStreamMessage(object message)
    {
        switch (message)
        {
            case PublishToTopic m:
                var sseEvent = Record(_stream ??= StreamIds.Topic(m.Topic), m.Event);
                Deliver(sseEvent, HasRemoteSubscribers ? new NodeFanOut.TopicEvent(m.Topic, sseEvent) : null);
                return true;
            case SubscribeToTopic m:
                AddSubscriber(m.Subscriber, new SubscribedToTopic(m.Topic, ReplayFor(m.Subscriber, m.From)));
                return true;
            case UnsubscribeFromTopic m:
                RemoveSubscriber(m.Subscriber);
                return true;
            default:
                return false;
        }
    }
}
