using Akka.Actor;
using Akka.TestKit;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Users;
using Sse.Tests.Subscriptions;
using static Sse.Actors.Users.UserProtocol;

namespace Sse.Tests.Users;

public sealed class UserActorTests : SubscriberSetActorSpec
{
    private readonly Guid _userId = Guid.NewGuid();

    protected override Props EntityProps(TimeSpan emptyPassivation) => UserActor.Props(emptyPassivation);

    protected override object Subscribe(IActorRef subscriber) => new SubscribeToUser(_userId, subscriber);

    protected override object Unsubscribe(IActorRef subscriber) => new UnsubscribeFromUser(_userId, subscriber);

    protected override object Deliver(SseEvent sseEvent) => new DeliverToUser(_userId, sseEvent);

    protected override void ExpectAcknowledgement(TestProbe subscriber) =>
        Assert.Equal(_userId, subscriber.ExpectMsg<SubscribedToUser>().UserId);

    [Fact]
    public void Connection_count_is_the_number_of_subscribed_connections()
    {
        var (entity, _) = StartEntity();
        SubscribedProbe(entity);
        SubscribedProbe(entity);

        entity.Tell(new BrokerQueries.GetUserConnectionCount(_userId));

        Assert.Equal(new BrokerQueries.UserConnectionCount(_userId, 2), ExpectMsg<BrokerQueries.UserConnectionCount>());
    }
}
