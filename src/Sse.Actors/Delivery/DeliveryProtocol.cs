using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.Serialization;
using Sse.Actors.Streams;

namespace Sse.Actors.Delivery;

/// <summary>
/// What reaches a node's <see cref="DeliveryActor"/>: from a stream's entity (on this node or another), once per delivery, the
/// subscriptions it acknowledged and ended and the events it delivers; from the broker, the connections the node admits and
/// ends, which every broadcast reaches.
/// </summary>
internal static class DeliveryProtocol
{
    /// <summary>An event for this delivery's acknowledged connections of <paramref name="Stream"/>: the entity sends it once per delivery.</summary>
    public sealed record StreamEvent(StreamKey Stream, SseEvent Event) : ISseWireMessage;

    /// <summary>
    /// The entity (the sender) acknowledged <paramref name="Subscriber"/>'s subscription: the delivery adds it to the stream's
    /// connections and hands it <paramref name="Ack"/>, in the entity's name, before any event the entity sends after it.
    /// </summary>
    public sealed record Subscribed(IActorRef Subscriber, StreamProtocol.SubscribedToStream Ack) : ISseWireMessage;

    /// <summary>The entity (the sender) let go of <paramref name="Subscriber"/>: its events no longer reach it.</summary>
    public sealed record Unsubscribed(StreamKey Stream, IActorRef Subscriber) : ISseWireMessage;

    /// <summary>An encoded broadcast, published once to every node's broadcasts delivery (<see cref="NodeDeliveries.BroadcastTopic"/>).</summary>
    public sealed record DeliverBroadcast(SseEvent Event) : ISseWireMessage;

    /// <summary>The broker admitted <paramref name="Client"/>: every broadcast reaches it from now on.</summary>
    public sealed record Joined(IActorRef Client) : INoSerializationVerificationNeeded;

    /// <summary>The broker saw <paramref name="Client"/> end.</summary>
    public sealed record Left(IActorRef Client) : INoSerializationVerificationNeeded;

    /// <summary>An entity on another node, watched, stopped or became unreachable for good: its connections subscribe again.</summary>
    public sealed record EntityLost(StreamKey Stream, IActorRef Entity) : INoSerializationVerificationNeeded;
}
