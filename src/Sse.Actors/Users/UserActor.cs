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
        Receive<SubscribeToUser>(m => AddSubscriber(m.Subscriber, new SubscribedToUser(m.UserId)));
        Receive<UnsubscribeFromUser>(m => RemoveSubscriber(m.Subscriber));
        Receive<DeliverToUser>(m => Deliver(m.Event, HasRemoteSubscribers ? new NodeFanOut.UserEvent(m.UserId, m.Event) : null));
        Receive<BrokerQueries.GetUserConnectionCount>(m => Sender.Tell(new BrokerQueries.UserConnectionCount(m.UserId, SubscriberCount)));
    }

    public static Props Props(TimeSpan emptyPassivation) => Akka.Actor.Props.Create(() => new UserActor(emptyPassivation));
}
