using Akka.Actor;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Subscriptions;
using static Sse.Actors.Users.UserProtocol;

namespace Sse.Actors.Users;

/// <summary>
/// Sharded entity for one user: that user's open connections (tabs, devices) on every node, and
/// the fan-out of events addressed to the user.
/// </summary>
public sealed class UserActor : SubscriberSetActor
{
    // The stream's name on its events, made once (history on only).
    private string? _stream;
    private Guid _userId;

    public UserActor(TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default, IActorRef? replicator = null,
        bool durableHistory = false, long maxRemoteReplayBytes = MaxRemoteReplayBytes)
        : base(emptyPassivation, historySize, historyRetention, replicator, durableHistory, maxRemoteReplayBytes)
    {
    }

    /// <param name="replicator">With history on, where the entity leaves its history when sharding moves it.</param>
    /// <param name="durableHistory">With history on, keep it in the Akka.Persistence journal (written before delivery).</param>
    /// <param name="maxRemoteReplayBytes">With history on, the most bytes of events replayed in one message to a connection on another node.</param>
    public static Props Props(TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default, IActorRef? replicator = null,
        bool durableHistory = false, long maxRemoteReplayBytes = MaxRemoteReplayBytes) =>
        Akka.Actor.Props.Create(() => new UserActor(emptyPassivation, historySize, historyRetention, replicator, durableHistory, maxRemoteReplayBytes));

    protected override string StreamKind => "user";

    protected override void Distribute(SseEvent sseEvent) =>
        Deliver(sseEvent, HasRemoteSubscribers ? new NodeFanOut.UserEvent(_userId, sseEvent) : null);

    protected override bool ReceiveStreamMessage(object message)
    {
        switch (message)
        {
            case DeliverToUser m:
                _userId = m.UserId;
                Publish(_stream ??= StreamIds.User(m.UserId), m.Event);
                return true;
            case SubscribeToUser m:
                AddSubscriber(m.Subscriber, new SubscribedToUser(m.UserId, ReplayFor(m.Subscriber, m.From)));
                return true;
            case UnsubscribeFromUser m:
                RemoveSubscriber(m.Subscriber);
                return true;
            case BrokerQueries.GetUserConnectionCount m:
                Sender.Tell(new BrokerQueries.UserConnectionCount(m.UserId, SubscriberCount));
                return true;
            default:
                return false;
        }
    }
}
