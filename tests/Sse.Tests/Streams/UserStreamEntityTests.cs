using Akka.Actor;
using Sse.Actors.Broker;
using Sse.Actors.Streams;

namespace Sse.Tests.Streams;

[Trait("Category", TestCategories.Unit)]
public sealed class UserStreamEntityTests : StreamEntitySpec
{
    private readonly string _userId = Guid.NewGuid().ToString();

    protected override StreamKey Stream => new StreamKey.User(_userId);

    [Fact]
    public void Connection_count_is_the_number_of_subscribed_connections()
    {
        var (entity, _) = StartEntity();
        SubscribedProbe(entity);
        SubscribedProbe(entity);

        entity.Tell(new BrokerQueries.GetUserConnectionCount(_userId));

        Assert.Equal(new BrokerQueries.UserConnectionCount(_userId, 2), ExpectMsg<BrokerQueries.UserConnectionCount>());
    }

    [Fact]
    public void A_new_connection_over_the_users_limit_is_refused_and_one_already_in_or_subscribing_again_never_is()
    {
        var (entity, _) = StartEntity();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        entity.Tell(new StreamProtocol.SubscribeToStream(Stream, first.Ref, MaxSubscribers: 2));
        first.ExpectMsg<StreamProtocol.SubscribedToStream>();
        entity.Tell(new StreamProtocol.SubscribeToStream(Stream, second.Ref, MaxSubscribers: 2));
        second.ExpectMsg<StreamProtocol.SubscribedToStream>();

        var third = CreateTestProbe();
        entity.Tell(new StreamProtocol.SubscribeToStream(Stream, third.Ref, MaxSubscribers: 2));
        Assert.Equal(2, third.ExpectMsg<StreamProtocol.SubscriptionRefused>().Subscribers);

        // A retried admission of one already counted, and a re-subscription after a move, are acknowledged.
        entity.Tell(new StreamProtocol.SubscribeToStream(Stream, second.Ref, MaxSubscribers: 2));
        second.ExpectMsg<StreamProtocol.SubscribedToStream>();
        var moved = CreateTestProbe();
        entity.Tell(new StreamProtocol.SubscribeToStream(Stream, moved.Ref));
        moved.ExpectMsg<StreamProtocol.SubscribedToStream>();

        // A connection that ends frees its place.
        entity.Tell(new StreamProtocol.UnsubscribeFromStream(Stream, first.Ref));
        entity.Tell(new StreamProtocol.UnsubscribeFromStream(Stream, moved.Ref));
        entity.Tell(new StreamProtocol.SubscribeToStream(Stream, third.Ref, MaxSubscribers: 2));
        third.ExpectMsg<StreamProtocol.SubscribedToStream>();
    }
}
