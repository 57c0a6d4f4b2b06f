using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Subscriptions;
using static Sse.Actors.Topics.TopicProtocol;

namespace Sse.Actors.Topics;

/// <summary>
/// Sharded entity for one topic: its subscribed connections on every node, and the fan-out. With
/// history on, the entity of <see cref="TopicKeys.Broadcast"/> numbers and keeps the broadcasts
/// instead: it never passivates, keeps no subscribers (that would be every connection of the
/// cluster) and publishes each numbered broadcast once to every node's broker.
/// </summary>
public sealed class TopicActor : SubscriberSetActor
{
    // The stream's name on its events, made once (history on only).
    private string? _stream;
    private string _topic = "";

    public TopicActor(TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default, IActorRef? replicator = null,
        bool durableHistory = false, long maxRemoteReplayBytes = MaxRemoteReplayBytes)
        : base(emptyPassivation, historySize, historyRetention, replicator, durableHistory, maxRemoteReplayBytes)
    {
    }

    /// <param name="replicator">With history on, where the entity leaves its history when sharding moves it.</param>
    /// <param name="durableHistory">With history on, keep it in the Akka.Persistence journal (written before delivery).</param>
    /// <param name="maxRemoteReplayBytes">With history on, the most bytes of events replayed in one message to a connection on another node.</param>
    public static Props Props(TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default, IActorRef? replicator = null,
        bool durableHistory = false, long maxRemoteReplayBytes = MaxRemoteReplayBytes) =>
        Akka.Actor.Props.Create(() => new TopicActor(emptyPassivation, historySize, historyRetention, replicator, durableHistory, maxRemoteReplayBytes));

    protected override string StreamKind => "topic";

    protected override void Distribute(SseEvent sseEvent)
    {
        if (_topic == TopicKeys.Broadcast)
        {
            // One message per node, as without history: each node's broker hands it to all its connections.
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(BrokerActor.BroadcastTopic, new BrokerCommands.DeliverBroadcast(sseEvent)));
            return;
        }
        Deliver(sseEvent, HasRemoteSubscribers ? new NodeFanOut.TopicEvent(_topic, sseEvent) : null);
    }

    protected override bool ReceiveStreamMessage(object message)
    {
        switch (message)
        {
            case PublishToTopic m when m.Topic == TopicKeys.Broadcast:
                KeepHistoryForever();
                _topic = m.Topic;
                Publish(StreamIds.Broadcast, m.Event);
                return true;
            case SubscribeToTopic m when m.Topic == TopicKeys.Broadcast:
                KeepHistoryForever();
                // Only the replay and the position: the live broadcasts reach the connection through its broker.
                m.Subscriber.Tell(new SubscribedToTopic(m.Topic, ReplayFor(m.Subscriber, m.From)));
                return true;
            case UnsubscribeFromTopic m when m.Topic == TopicKeys.Broadcast:
                return true;
            case PublishToTopic m:
                _topic = m.Topic;
                Publish(_stream ??= StreamIds.Topic(m.Topic), m.Event);
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
