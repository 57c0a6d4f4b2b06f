using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Streams;

namespace Sse.Actors.TestKit;

/// <summary>
/// Subscribes in the broker's actor system on a probe's behalf and tells the probe only the
/// events, as <see cref="ReceivedSseEvent"/>. The probe may live in another actor system (a
/// TestKit's): telling a local actor of another system in the same process is a mailbox enqueue,
/// and the probe's reference never has to be serialized, because only the bridge subscribes.
/// </summary>
internal sealed class ProbeBridge : UntypedActor
{
    private readonly IActorRef _probe;
    private readonly TaskCompletionSource _subscribed;

    public ProbeBridge(IActorRef probe, TaskCompletionSource subscribed)
    {
        _probe = probe;
        _subscribed = subscribed;
    }

    public static Props Props(IActorRef probe, TaskCompletionSource subscribed) =>
        Akka.Actor.Props.Create(() => new ProbeBridge(probe, subscribed));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SseEvent sseEvent:
                _probe.Tell(ReceivedSseEvent.From(sseEvent));
                break;
            case Delivery.DeliveryProtocol.DeliverBroadcast broadcast:
                _probe.Tell(ReceivedSseEvent.From(broadcast.Event));
                break;
            // Acknowledgements stay here: the test waits for them in Listen…Async, not on its probe.
            case StreamProtocol.SubscribedToStream or SubscribeAck:
                _subscribed.TrySetResult();
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
