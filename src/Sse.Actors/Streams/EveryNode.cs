using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Sse.Actors.Delivery;
using Sse.Actors.Events;

namespace Sse.Actors.Streams;

/// <summary>
/// The broadcasts' audience: every connection of the cluster, reached through every node's deliveries, each holding a share
/// of its node's connections (one pub-sub message per delivery). It keeps nobody and is never empty.
/// </summary>
/// <param name="localDeliveries">This node's deliveries, told when the entity stops: with history on every connection subscribes to the broadcasts' replay.</param>
internal sealed class EveryNode(IActorRef mediator, IReadOnlyList<IActorRef> localDeliveries) : IStreamAudience
{
    public int Count => 0;

    public bool IsEmpty => false;

    public bool Add(IActorRef subscriber, IActorRef? delivery) => false;

    public bool Contains(IActorRef subscriber) => false;

    public bool Remove(IActorRef subscriber) => false;

    public bool Lost(IActorRef watched) => false;

    public void Deliver(SseEvent sseEvent) =>
        mediator.Tell(new Publish(NodeDeliveries.BroadcastTopic, new DeliveryProtocol.DeliverBroadcast(sseEvent)));

    public void Stopped(IActorRef entity)
    {
        foreach (var delivery in localDeliveries)
        {
            delivery.Tell(new StreamProtocol.EntityStopped(StreamKey.Broadcasts.Instance), entity);
        }
    }
}
