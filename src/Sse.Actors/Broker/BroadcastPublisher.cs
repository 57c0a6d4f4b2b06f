using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Sse.Actors.Delivery;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Broker;

/// <summary>
/// How a broadcast is published, chosen once at start from the history setting (<see cref="For"/>): recorded by the
/// broadcasts' entity, which numbers and keeps it before publishing it to every node; or, with nothing to record, published
/// to every node at once through this node's pub-sub mediator.
/// </summary>
internal abstract class BroadcastPublisher
{
    public static BroadcastPublisher For(PublishSettings settings, PublishReceipts receipts, IActorRef broadcastRegion, ActorSystem system) =>
        settings.History
            ? new Recorded(settings, receipts, broadcastRegion)
            : new Direct(DistributedPubSub.Get(system).Mediator);

    /// <summary>Whether the broadcast is recorded, and so awaits its entity's answer as any other stream's event does.</summary>
    public abstract bool Records { get; }

    /// <summary>Completes with the broadcast's id once it is recorded, or at once when there is nothing to record.</summary>
    public abstract Task<string> PublishAsync(PublishToStream broadcast, CancellationToken cancellationToken);

    private sealed class Recorded(PublishSettings settings, PublishReceipts receipts, IActorRef broadcastRegion) : BroadcastPublisher
    {
        public override bool Records => true;

        public override Task<string> PublishAsync(PublishToStream broadcast, CancellationToken cancellationToken) =>
            Publication.RecordAsync(receipts, broadcastRegion, broadcast, settings, cancellationToken);
    }

    private sealed class Direct(IActorRef mediator) : BroadcastPublisher
    {
        public override bool Records => false;

        public override Task<string> PublishAsync(PublishToStream broadcast, CancellationToken cancellationToken)
        {
            mediator.Tell(new Publish(NodeDeliveries.BroadcastTopic, new DeliveryProtocol.DeliverBroadcast(broadcast.Event)));
            return Task.FromResult(broadcast.Event.Id);
        }
    }
}
