using Akka.Actor;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

// No serialize-messages: the message that makes the entity fail could not be serialized.
[Trait("Category", TestCategories.Unit)]
public sealed class EntityFailureTests() : Akka.TestKit.Xunit2.TestKit(SseTestConfig.Mailboxes)
{
    [Fact]
    public void An_entity_that_fails_stops_rather_than_restart_so_its_subscribers_see_it_go()
    {
        var stream = new StreamKey.User(Guid.NewGuid().ToString());
        // The probe supervises as a shard does: a failing child would be restarted, keeping its reference.
        var entity = CreateTestProbe().ChildActorOf(Entities.Of(stream, TimeSpan.FromMinutes(1)), new OneForOneStrategy(_ => Directive.Restart));
        var subscriber = CreateTestProbe();
        entity.Tell(new SubscribeToStream(stream, subscriber.Ref));
        subscriber.ExpectMsg<SubscribedToStream>();
        Watch(entity);

        // An event without bytes cannot be handed on: the entity fails on it.
        entity.Tell(new PublishToStream(stream, null!));

        subscriber.ExpectMsg<EntityStopped>(m => m.Stream == stream);
        ExpectTerminated(entity);
    }
}
