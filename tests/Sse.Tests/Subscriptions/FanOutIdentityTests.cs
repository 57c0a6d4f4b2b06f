using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.Topics;
using Sse.Actors.Users;
using static Sse.Actors.Topics.TopicProtocol;
using static Sse.Actors.Users.UserProtocol;

namespace Sse.Tests.Subscriptions;

// No serialize-messages here: with it on, each recipient gets its own deserialized copy, so identity cannot be seen.
public sealed class FanOutIdentityTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void User_entity_hands_the_same_encoded_bytes_to_every_subscriber()
    {
        var userId = Guid.NewGuid();
        var entity = CreateTestProbe().ChildActorOf(UserActor.Props(TimeSpan.FromMinutes(1)));
        var subscribers = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        foreach (var subscriber in subscribers)
        {
            entity.Tell(new SubscribeToUser(userId, subscriber.Ref));
            subscriber.ExpectMsg<SubscribedToUser>();
        }
        var sseEvent = SseEncoder.Encode("update", "hello");

        entity.Tell(new DeliverToUser(userId, sseEvent));

        Assert.All(subscribers, subscriber => Assert.Same(sseEvent.Utf8, subscriber.ExpectMsg<SseEvent>().Utf8));
    }

    [Fact]
    public void Topic_entity_hands_the_same_encoded_bytes_to_every_subscriber()
    {
        var entity = CreateTestProbe().ChildActorOf(TopicActor.Props(TimeSpan.FromMinutes(1)));
        var subscribers = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        foreach (var subscriber in subscribers)
        {
            entity.Tell(new SubscribeToTopic("news", subscriber.Ref));
            subscriber.ExpectMsg<SubscribedToTopic>();
        }
        var sseEvent = SseEncoder.Encode("update", "hello");

        entity.Tell(new PublishToTopic("news", sseEvent));

        Assert.All(subscribers, subscriber => Assert.Same(sseEvent.Utf8, subscriber.ExpectMsg<SseEvent>().Utf8));
    }
}
