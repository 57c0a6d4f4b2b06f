using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.Serialization;
using Sse.Actors.Subscriptions;

namespace Sse.Actors.Users;

/// <summary>A message routed by the user shard region to the <see cref="UserActor"/> of <see cref="UserId"/>.</summary>
public interface IUserEntityMessage : ISseWireMessage
{
    Guid UserId { get; }
}

/// <summary>What a <see cref="UserActor"/> is told and what it answers.</summary>
public static class UserProtocol
{
    /// <summary>
    /// A connection of the user asks to receive the user's events; answered with <see cref="SubscribedToUser"/>.
    /// With history on, <paramref name="From"/> is the last position the connection saw, to resume after.
    /// </summary>
    public sealed record SubscribeToUser(Guid UserId, IActorRef Subscriber, StreamPosition? From = null) : IUserEntityMessage;

    public sealed record UnsubscribeFromUser(Guid UserId, IActorRef Subscriber) : IUserEntityMessage;

    /// <summary>An event for every connection of the user.</summary>
    public sealed record DeliverToUser(Guid UserId, SseEvent Event) : IUserEntityMessage;

    /// <summary>Acknowledges a subscription; its sender is the entity, which the subscriber watches. <paramref name="Replay"/>: null unless history is on.</summary>
    public sealed record SubscribedToUser(Guid UserId, StreamReplay? Replay = null) : ISseWireMessage;
}
