using Akka.Actor;
using Sse.Actors.Broker;
using Sse.Actors.Streams;

namespace Sse.Tests.Streams;

public sealed class UserStreamEntityTests : StreamEntitySpec
{
    private readonly Guid _userId = Guid.NewGuid();

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
}
