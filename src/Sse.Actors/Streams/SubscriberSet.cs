using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Akka.Actor;
using Sse.Actors.Delivery;
using Sse.Actors.Events;

namespace Sse.Actors.Streams;

/// <summary>
/// A user's or topic's subscribers, grouped by the <see cref="DeliveryActor"/> each named: an event costs one message per
/// delivery holding subscribers (at most one per core of each node), which hands it to its subscribers. A delivery learns
/// of a subscriber as the entity acknowledges it and lets go of it, in the same order as the events. Across nodes the
/// entity watches each delivery, not each subscriber. While it has a subscriber, its stream counts in the node's <see cref="ActiveStreams"/>.
/// </summary>
internal sealed class SubscriberSet(StreamKey stream, IActorContext entity) : IStreamAudience
{
    // Most streams have subscribers of one delivery: it and its subscribers inline, any other delivery's made on demand.
    private IActorRef? _delivery;
    private Recipients _subscribers;
    private Dictionary<IActorRef, Recipients>? _otherNodes;
    // Subscribers that named no delivery take each event themselves: a test's probe, or a client of the version before.
    private Recipients _direct;
    private readonly ActiveStreams _activeStreams = ActiveStreams.For(entity.System);

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    public bool Add(IActorRef subscriber, IActorRef? delivery)
    {
        var added = delivery is null ? AddDirect(subscriber) : SharesOf(delivery).Add(subscriber);
        if (added && ++Count == 1)
        {
            _activeStreams.Activated(stream);
        }
        return added;
    }

    public bool Contains(IActorRef subscriber)
    {
        if (_direct.Contains(subscriber) || _subscribers.Contains(subscriber))
        {
            return true;
        }
        foreach (var subscribers in _otherNodes?.Values ?? Enumerable.Empty<Recipients>())
        {
            if (subscribers.Contains(subscriber))
            {
                return true;
            }
        }
        return false;
    }

    public bool Remove(IActorRef subscriber)
    {
        if (_direct.Remove(subscriber))
        {
            Unwatch(subscriber);
            return Removed(1);
        }
        var address = subscriber.Path.Address;
        if (_delivery is { } delivery && delivery.Path.Address == address && _subscribers.Remove(subscriber))
        {
            delivery.Tell(new DeliveryProtocol.Unsubscribed(stream, subscriber));
            if (_subscribers.Count == 0)
            {
                Unwatch(delivery);
                _delivery = null;
            }
            return Removed(1);
        }
        foreach (var other in _otherNodes?.Keys.Where(other => other.Path.Address == address).ToList() ?? [])
        {
            ref var subscribers = ref CollectionsMarshal.GetValueRefOrNullRef(_otherNodes!, other);
            if (subscribers.Remove(subscriber))
            {
                other.Tell(new DeliveryProtocol.Unsubscribed(stream, subscriber));
                if (subscribers.Count == 0)
                {
                    Unwatch(other);
                    _otherNodes!.Remove(other);
                }
                return Removed(1);
            }
        }
        return false;
    }

    public bool Lost(IActorRef watched)
    {
        if (watched.Equals(_delivery))
        {
            _delivery = null;
            var count = _subscribers.Count;
            _subscribers = default;
            return Removed(count);
        }
        if (_otherNodes is not null && _otherNodes.Remove(watched, out var lost))
        {
            return Removed(lost.Count);
        }
        return _direct.Remove(watched) && Removed(1);
    }

    public void Deliver(SseEvent sseEvent)
    {
        if (_delivery is not null || _otherNodes is not null)
        {
            var forNode = new DeliveryProtocol.StreamEvent(stream, sseEvent);
            _delivery?.Tell(forNode);
            foreach (var other in _otherNodes?.Keys ?? Enumerable.Empty<IActorRef>())
            {
                other.Tell(forNode);
            }
        }
        // The concrete type's struct enumerator: a small fan-out allocates nothing.
        foreach (var subscriber in _direct)
        {
            subscriber.Tell(sseEvent);
        }
    }

    public void Stopped(IActorRef self)
    {
        var stopped = new StreamProtocol.EntityStopped(stream);
        // Across nodes the deliveries and subscribers watch the entity.
        if (_delivery is { Path.Address.HasLocalScope: true })
        {
            _delivery.Tell(stopped, self);
        }
        foreach (var other in _otherNodes?.Keys ?? Enumerable.Empty<IActorRef>())
        {
            if (other.Path.Address.HasLocalScope)
            {
                other.Tell(stopped, self);
            }
        }
        foreach (var subscriber in _direct)
        {
            if (subscriber.Path.Address.HasLocalScope)
            {
                subscriber.Tell(stopped, self);
            }
        }
        if (Count > 0)
        {
            _activeStreams.Deactivated(stream);
        }
    }

    private bool AddDirect(IActorRef subscriber)
    {
        if (!_direct.Add(subscriber))
        {
            return false;
        }
        Watch(subscriber);
        return true;
    }

    /// <summary>The subscribers of <paramref name="delivery"/>'s node, made (and its delivery watched) on first use.</summary>
    private ref Recipients SharesOf(IActorRef delivery)
    {
        if (delivery.Equals(_delivery))
        {
            return ref _subscribers;
        }
        if (_otherNodes is not null)
        {
            ref var subscribers = ref CollectionsMarshal.GetValueRefOrNullRef(_otherNodes, delivery);
            if (!Unsafe.IsNullRef(ref subscribers))
            {
                return ref subscribers;
            }
        }
        Watch(delivery);
        if (_delivery is null)
        {
            _delivery = delivery;
            return ref _subscribers;
        }
        _otherNodes ??= [];
        return ref CollectionsMarshal.GetValueRefOrAddDefault(_otherNodes, delivery, out _);
    }

    private bool Removed(int count)
    {
        if (count > 0 && (Count -= count) == 0)
        {
            _activeStreams.Deactivated(stream);
        }
        return count > 0;
    }

    // Only across nodes, where a message can be lost: on this node the subscribers unsubscribe and the entity says it stops.
    private void Watch(IActorRef actor)
    {
        if (!actor.Path.Address.HasLocalScope)
        {
            entity.Watch(actor);
        }
    }

    private void Unwatch(IActorRef actor)
    {
        if (!actor.Path.Address.HasLocalScope)
        {
            entity.Unwatch(actor);
        }
    }
}
