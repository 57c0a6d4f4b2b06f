using Akka.Actor;
using Akka.TestKit;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>What the history tests do to a user entity: publish to it, subscribe to it, read what it numbered.</summary>
internal sealed class UserEntityClient(TestKitBase kit, string userId)
{
    public void Publish(IActorRef entity, params string[] data)
    {
        foreach (var one in data)
        {
            // No sender: the recording acknowledgement is not what these tests wait for.
            entity.Tell(new PublishToStream(new StreamKey.User(userId), SseEncoder.Encode("update", one)), ActorRefs.NoSender);
        }
    }

    /// <summary>Publishes an event named <paramref name="messageId"/> and returns the entity's answer.</summary>
    public EventRecorded PublishNamed(IActorRef entity, string messageId, string data)
    {
        var publisher = kit.CreateTestProbe();
        var sseEvent = SseEncoder.Encode("update", data) with { MessageId = messageId };
        entity.Tell(new PublishToStream(new StreamKey.User(userId), sseEvent), publisher.Ref);
        var recorded = publisher.ExpectMsg<EventRecorded>();
        Assert.Equal(sseEvent.Id, recorded.EventId);
        return recorded;
    }

    public TestProbe Subscribe(IActorRef entity)
    {
        var probe = kit.CreateTestProbe();
        entity.Tell(new SubscribeToStream(new StreamKey.User(userId), probe.Ref));
        probe.ExpectMsg<SubscribedToStream>();
        return probe;
    }

    public StreamReplay SubscribeFrom(IActorRef entity, StreamPosition? from)
    {
        var probe = kit.CreateTestProbe();
        entity.Tell(new SubscribeToStream(new StreamKey.User(userId), probe.Ref, from));
        return probe.ExpectMsg<SubscribedToStream>().Replay!;
    }

    /// <summary>The data of an event with one data line.</summary>
    public static string Data(SseEvent sseEvent) =>
        System.Text.Encoding.UTF8.GetString(sseEvent.Utf8).Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
}
