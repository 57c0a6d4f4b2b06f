using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.Topics;
using Sse.Actors.Users;

namespace Sse.Actors.Clients;

/// <summary>One stream a connection listens to (its user, one topic, or with history on the broadcasts) and how to (un)subscribe to it.</summary>
internal abstract record StreamKey
{
    /// <summary>The subscription; with history on, <paramref name="from"/> is where to resume.</summary>
    public abstract object Subscribe(IActorRef subscriber, StreamPosition? from = null);

    /// <summary>The message that ends the subscription; null when the entity keeps no subscribers.</summary>
    public abstract object? Unsubscribe(IActorRef subscriber);

    public sealed record User(Guid UserId) : StreamKey
    {
        public override object Subscribe(IActorRef subscriber, StreamPosition? from = null) => new UserProtocol.SubscribeToUser(UserId, subscriber, from);

        public override object? Unsubscribe(IActorRef subscriber) => new UserProtocol.UnsubscribeFromUser(UserId, subscriber);
    }

    public sealed record Topic(string Name) : StreamKey
    {
        public override object Subscribe(IActorRef subscriber, StreamPosition? from = null) => new TopicProtocol.SubscribeToTopic(Name, subscriber, from);

        public override object? Unsubscribe(IActorRef subscriber) => new TopicProtocol.UnsubscribeFromTopic(Name, subscriber);
    }

    /// <summary>
    /// The broadcasts' history (history on only): subscribing asks for the replay and the position; the
    /// live broadcasts come through the node's broker, so there is nothing to unsubscribe from.
    /// </summary>
    public sealed record Broadcast : StreamKey
    {
        public static readonly Broadcast Instance = new();

        private Broadcast()
        {
        }

        public override object Subscribe(IActorRef subscriber, StreamPosition? from = null) => new TopicProtocol.SubscribeToTopic(TopicKeys.Broadcast, subscriber, from);

        public override object? Unsubscribe(IActorRef subscriber) => null;
    }
}
