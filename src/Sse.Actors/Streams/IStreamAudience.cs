using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Sse.Actors.Delivery;
using Sse.Actors.Events;

namespace Sse.Actors.Streams;

/// <summary>Who a stream entity's events reach: its subscribers through their deliveries, or for the broadcasts every delivery.</summary>
internal interface IStreamAudience
{
    /// <summary>Subscribers kept, on every node.</summary>
    int Count { get; }

    /// <summary>Nobody listens: the entity may passivate.</summary>
    bool IsEmpty { get; }

    /// <summary>
    /// Keeps <paramref name="subscriber"/>, whose events go to <paramref name="delivery"/> (once for all the subscribers it holds), or
    /// to itself when null; false when it was kept already, or the audience keeps none.
    /// </summary>
    bool Add(IActorRef subscriber, IActorRef? delivery);

    bool Contains(IActorRef subscriber);

    /// <summary>Lets go of <paramref name="subscriber"/>, telling its delivery; false when it was not kept.</summary>
    bool Remove(IActorRef subscriber);

    /// <summary>A watched actor on another node ended: a delivery (with its node's subscribers), or a subscriber of its own; true when any was kept.</summary>
    bool Lost(IActorRef watched);

    /// <summary>Hands the same encoded event to the whole audience, once per delivery. Nobody waits for a slow subscriber.</summary>
    void Deliver(SseEvent sseEvent);

    /// <summary>
    /// The entity stopped: its subscribers on this node are told (<see cref="StreamProtocol.EntityStopped"/>, from
    /// <paramref name="entity"/>, through their delivery), and no longer make its stream count as active here.
    /// </summary>
    void Stopped(IActorRef entity);

    static IStreamAudience For(StreamKey stream, IActorContext entity) => stream is StreamKey.Broadcasts
        ? new EveryNode(DistributedPubSub.Get(entity.System).Mediator, entity.System.GetExtension<NodeDeliveries>()?.All ?? [])
        : new SubscriberSet(stream, entity);
}
