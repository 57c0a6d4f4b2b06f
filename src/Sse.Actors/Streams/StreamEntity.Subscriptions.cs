using Akka.Actor;
using Sse.Actors.Delivery;
using Sse.Actors.History;
using Sse.Actors.Mailboxes;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Streams;

// The subscribers of the stream entity: added and acknowledged, removed, refused over a user's limit.
public sealed partial class StreamEntity
{
    /// <summary>A new connection of a user who holds <c>MaxConnectionsPerUser</c> streams already (a repeat of one is not new).</summary>
    private bool IsOverItsUserLimit(SubscribeToStream subscribe) =>
        subscribe.MaxSubscribers > 0 && _audience.Count >= subscribe.MaxSubscribers && !_audience.Contains(subscribe.Subscriber);

    /// <summary>
    /// Adds (or confirms again) a subscriber and acknowledges it, so a retried subscribe is harmless. With history
    /// on the acknowledgement carries what the subscriber missed: given in the same receive that adds it, so
    /// nothing falls between the replay and the live events. It goes through the subscriber's delivery, which the
    /// events go to as well: the subscriber has it before any event recorded after it.
    /// </summary>
    private void Subscribe(SubscribeToStream subscribe)
    {
        var subscriber = subscribe.Subscriber;
        // Stopped before its subscription arrived (its unsubscribe lost in a full backlog while the history loaded): kept, it
        // would never be removed. Exact for a reference on this node, which is what a watch would have asked.
        if (AkkaInternals.IsKnownDead(subscriber))
        {
            return;
        }
        if (_audience.Add(subscriber, subscribe.Delivery))
        {
            CancelPassivation();
        }
        var maxBytes = subscriber.Path.Address.HasLocalScope ? long.MaxValue : _settings.MaxRemoteReplayBytes;
        var ack = new SubscribedToStream(_stream, _history.ReplayAfter(subscribe.From, maxBytes));
        if (subscribe.Delivery is { } delivery)
        {
            delivery.Tell(new DeliveryProtocol.Subscribed(subscriber, ack));
        }
        else
        {
            subscriber.Tell(ack);
        }
    }

    private void Unsubscribe(IActorRef subscriber)
    {
        if (_audience.Remove(subscriber) && _audience.IsEmpty)
        {
            BecameEmpty();
        }
    }

    /// <summary>A watched node's delivery (and with it that node's subscribers), or a subscriber of its own there, is gone.</summary>
    private void Lost(IActorRef watched)
    {
        if (_audience.Lost(watched) && _audience.IsEmpty)
        {
            BecameEmpty();
        }
    }
}
