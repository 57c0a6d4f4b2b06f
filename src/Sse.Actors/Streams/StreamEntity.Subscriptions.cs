using Akka.Actor;
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
    /// nothing falls between the replay and the live events.
    /// </summary>
    private void Subscribe(IActorRef subscriber, StreamPosition? from)
    {
        // Stopped before its subscription arrived (its unsubscribe lost in a full backlog while the history loaded): kept, it
        // would never be removed. Exact for a reference on this node, which is what a watch would have asked.
        if (AkkaInternals.IsKnownDead(subscriber))
        {
            return;
        }
        var remote = !subscriber.Path.Address.HasLocalScope;
        if (_audience.Add(subscriber))
        {
            if (remote)
            {
                Context.Watch(subscriber);
            }
            CancelPassivation();
        }
        var maxBytes = remote ? _settings.MaxRemoteReplayBytes : long.MaxValue;
        subscriber.Tell(new SubscribedToStream(_stream, _history.ReplayAfter(from, maxBytes)));
    }

    private void Unsubscribe(IActorRef subscriber)
    {
        if (!_audience.Remove(subscriber))
        {
            return;
        }
        if (!subscriber.Path.Address.HasLocalScope)
        {
            Context.Unwatch(subscriber);
        }
        if (_audience.IsEmpty)
        {
            BecameEmpty();
        }
    }
}
