using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

// No serialize-messages here: with it on, each recipient gets its own deserialized copy, so identity cannot be seen.
[Trait("Category", TestCategories.Unit)]
public sealed class FanOutIdentityTests : Akka.TestKit.Xunit2.TestKit
{
    public FanOutIdentityTests() : base(SseTestConfig.Mailboxes) => Sys.WithNodeExtensions();

    [Fact]
    public void User_entity_hands_the_same_encoded_bytes_to_every_subscriber()
    {
        var userId = Guid.NewGuid().ToString();
        var entity = CreateTestProbe().ChildActorOf(Entities.User(userId, TimeSpan.FromMinutes(1)));
        var subscribers = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        foreach (var subscriber in subscribers)
        {
            entity.Tell(new SubscribeToStream(new StreamKey.User(userId), subscriber.Ref));
            subscriber.ExpectMsg<SubscribedToStream>();
        }
        var sseEvent = SseEncoder.Encode("update", "hello");

        entity.Tell(new PublishToStream(new StreamKey.User(userId), sseEvent));

        Assert.All(subscribers, subscriber => Assert.Same(sseEvent.Utf8, subscriber.ExpectMsg<SseEvent>().Utf8));
    }

    [Fact]
    public void Topic_entity_hands_the_same_encoded_bytes_to_every_subscriber()
    {
        var entity = CreateTestProbe().ChildActorOf(Entities.Topic("news", TimeSpan.FromMinutes(1)));
        var subscribers = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        foreach (var subscriber in subscribers)
        {
            entity.Tell(new SubscribeToStream(new StreamKey.Topic("news"), subscriber.Ref));
            subscriber.ExpectMsg<SubscribedToStream>();
        }
        var sseEvent = SseEncoder.Encode("update", "hello");

        entity.Tell(new PublishToStream(new StreamKey.Topic("news"), sseEvent));

        Assert.All(subscribers, subscriber => Assert.Same(sseEvent.Utf8, subscriber.ExpectMsg<SseEvent>().Utf8));
    }
}
