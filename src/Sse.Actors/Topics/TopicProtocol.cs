using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.Serialization;
using Sse.Actors.Subscriptions;

namespace Sse.Actors.Topics;

/// <summary>A message routed by the topic shard region to the <see cref="TopicActor"/> of <see cref="Topic"/>.</summary>
public interface ITopicEntityMessage : ISseWireMessage
{
    string Topic { get; }
}

/// <summary>What a <see cref="TopicActor"/> is told and what it answers.</summary>
public static class TopicProtocol
{
    /// <summary>
    /// A connection asks to receive the topic's events; answered with <see cref="SubscribedToTopic"/>.
    /// With history on, <paramref name="From"/> is the last position the connection saw, to resume after.
    /// </summary>
    public sealed record SubscribeToTopic(string Topic, IActorRef Subscriber, StreamPosition? From = null) : ITopicEntityMessage;

    public sealed record UnsubscribeFromTopic(string Topic, IActorRef Subscriber) : ITopicEntityMessage;

    /// <summary>An event for every subscriber of the topic.</summary>
    public sealed record PublishToTopic(string Topic, SseEvent Event) : ITopicEntityMessage;

    /// <summary>Acknowledges a subscription; its sender is the entity, which the subscriber watches. <paramref name="Replay"/>: null unless history is on.</summary>
    public sealed record SubscribedToTopic(string Topic, StreamReplay? Replay = null) : ISseWireMessage;
}
