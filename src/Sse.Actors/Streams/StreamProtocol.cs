using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Serialization;

namespace Sse.Actors.Streams;

/// <summary>A message routed by a stream shard region to the <see cref="StreamEntity"/> of <see cref="Stream"/>.</summary>
internal interface IStreamMessage : ISseWireMessage
{
    StreamKey Stream { get; }
}

/// <summary>What a <see cref="StreamEntity"/> is told and what it answers; the same for every kind of stream.</summary>
public static class StreamProtocol
{
    /// <summary>
    /// A connection asks to receive the stream's events; answered with <see cref="SubscribedToStream"/>.
    /// With history on, <paramref name="From"/> is the last position the connection saw, to resume after.
    /// <paramref name="MaxSubscribers"/> &gt; 0: a new connection asks to be admitted among at most that many
    /// subscribers (its user's connection limit, on every node); past it the answer is <see cref="SubscriptionRefused"/>.
    /// 0 for a connection already streaming, which subscribes again and is never refused.
    /// <paramref name="Delivery"/> is the subscriber's node's delivery of the stream (<c>NodeDeliveries</c>), which the entity
    /// sends the acknowledgement and the events to, once for all the subscribers it holds; null: the subscriber takes them itself (a test's probe).
    /// </summary>
    public sealed record SubscribeToStream(StreamKey Stream, IActorRef Subscriber, StreamPosition? From = null, int MaxSubscribers = 0, IActorRef? Delivery = null)
        : IStreamMessage;

    /// <summary>The stream already has <paramref name="Subscribers"/> subscribers, as many as the subscription allowed: the connection is refused.</summary>
    internal sealed record SubscriptionRefused(StreamKey Stream, int Subscribers) : ISseWireMessage;

    internal sealed record UnsubscribeFromStream(StreamKey Stream, IActorRef Subscriber) : IStreamMessage;

    /// <summary>
    /// An event for every subscriber of the stream, encoded once. The entity answers its sender with
    /// <see cref="EventRecorded"/> once the event is recorded: numbered and kept with history on, written to the
    /// journal first with the durable store. No answer in time means it may not have been: a publisher retries.
    /// <paramref name="RecordBy"/> (UTC, the publisher's clock) is when the publisher stops waiting: an entity that gets the
    /// publish later (it waited in a region's buffer while a shard moved, or in a frozen node's mailbox) drops it unrecorded,
    /// so nothing is recorded after its publisher was answered, and nothing out of the order its publisher sent it in.
    /// </summary>
    public sealed record PublishToStream(StreamKey Stream, SseEvent Event, DateTime? RecordBy = null) : IStreamMessage;

    /// <summary>
    /// The stream recorded the event published as <paramref name="EventId"/> and handed it to its subscribers.
    /// <paramref name="RecordedAs"/> is the id it keeps: the same, or for a retry of an event it already recorded
    /// (the same message id) the first one's, which was not recorded again.
    /// </summary>
    internal sealed record EventRecorded(StreamKey Stream, string EventId, string RecordedAs) : ISseWireMessage;

    /// <summary>
    /// Acknowledges a subscription; its sender is the entity, and it comes through the subscriber's delivery, which tells the
    /// subscriber <see cref="EntityStopped"/> when the entity stops or its node is lost.
    /// <paramref name="Replay"/>: null unless history is on, or with history off for a subscriber of an earlier incarnation
    /// (<see cref="NoHistory.Returning"/>), whose gap says whether this one sent events before it came back.
    /// </summary>
    public sealed record SubscribedToStream(StreamKey Stream, StreamReplay? Replay = null) : ISseWireMessage;

    /// <summary>
    /// What a stopping entity (moved, failed, or its node leaving) tells its node's deliveries, its sender, and they its
    /// subscribers there: subscribe again. Only on its node, where a message cannot be lost; another node's delivery watches it.
    /// </summary>
    internal sealed record EntityStopped(StreamKey Stream) : INoSerializationVerificationNeeded;
}

/// <summary>
/// What a subscription acknowledgement tells a subscriber with history on: where the stream is now,
/// and either the events after the position it asked for (in order) or that they are gone (<see cref="Gap"/>).
/// </summary>
/// <param name="Now">The stream's epoch and the sequence number of its last event.</param>
/// <param name="Gap">The asked position cannot be resumed: another epoch, older than the kept window, or ahead of the stream (forged).</param>
/// <param name="Missed">The kept events after the asked position, oldest first; empty on a gap or when no position was asked.</param>
public sealed record StreamReplay(StreamPosition Now, bool Gap, IReadOnlyList<SseEvent> Missed);

/// <summary>
/// What sharding sends a stream entity instead of a <see cref="PoisonPill"/> when it moves it (a rebalance, or
/// a node leaving gracefully): the entity's history first leaves what it must for the next incarnation.
/// </summary>
internal sealed class StopForHandOff : INoSerializationVerificationNeeded
{
    public static readonly StopForHandOff Instance = new();

    private StopForHandOff()
    {
    }
}
