using Akka.Actor;
using Sse.Actors.Broker;
using Sse.Actors.Subscriptions;
using static Sse.Actors.Users.UserProtocol;

namespace Sse.Actors.Users;

/// <summary>
/// Sharded entity for one user: that user's open connections (tabs, devices) on every node, and
/// the fan-out of events addressed to the user.
/// </summary>
public sealed class UserActor : SubscriberSetActor
{
    public UserActor(TimeSpan emptyPassivation) : base(emptyPassivation)
    {
    }

    public static Props Props(TimeSpan emptyPassivation) => Akka.Actor.Props.Create(() => new UserActor(emptyPassivation));

    protected override bool ReceiveStreamMessage(object message)
    {
        switch (message)
        {
            case DeliverToUser m:
                Deliver(m.Event, HasRemoteSubscribers ? new NodeFanOut.UserEvent(m.UserId, m.Event) : null);
                return true;
            case SubscribeToUser m:
                AddSubscriber(m.Subscriber, new SubscribedToUser(m.UserId));
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
