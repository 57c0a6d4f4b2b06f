using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.FanOut;

namespace Sse.Actors.Streams;

/// <summary>Who a stream entity's events reach: its subscribers, or for the broadcasts every node.</summary>
internal interface IStreamAudience
{
    /// <summary>Subscribers kept, on every node.</summary>
    int Count { get; }

    /// <summary>Nobody listens: the entity may passivate.</summary>
    bool IsEmpty { get; }

    /// <summary>Keeps <paramref name="subscriber"/>; false when it was kept already, or the audience keeps none.</summary>
    bool Add(IActorRef subscriber);

    bool Contains(IActorRef subscriber);

    bool Remove(IActorRef subscriber);

    /// <summary>Hands the same encoded event to the whole audience. Nobody waits for a slow subscriber.</summary>
    void Deliver(SseEvent sseEvent);

    /// <summary>
    /// The entity stopped: its subscribers on this node are told (<see cref="StreamProtocol.EntityStopped"/>, from
    /// <paramref name="entity"/>), and no longer make its stream count as active here.
    /// </summary>
    void Stopped(IActorRef entity);

    static IStreamAudience For(StreamKey stream, ActorSystem system) => stream is StreamKey.Broadcasts
        ? new EveryNode(DistributedPubSub.Get(system).Mediator, system.ActorSelection($"/user/{BrokerActor.Name}"))
        : new SubscriberSet(stream, system);
}

/// <summary>
/// A user's or topic's subscribers. A fan-out costs one message per local subscriber (split over the node's
/// cores once there are many, <see cref="LocalFanOut"/>) and one per other node holding subscribers: that
/// node's broker hands it to its own connections of the stream. While it has a subscriber, its stream counts in the
/// node's <see cref="ActiveStreams"/>.
/// </summary>
internal sealed class SubscriberSet(StreamKey stream, ActorSystem system) : IStreamAudience
{
    private Recipients _local;
    // Made with the first subscriber on another node: on one node, or for most users, there is none.
    private Dictionary<Address, RemoteNode>? _remoteNodes;
    // Only for a stream that had many local subscribers: most have one or two.
    private LocalFanOut? _fanOut;

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    public bool Add(IActorRef subscriber)
    {
        var address = subscriber.Path.Address;
        bool added;
        if (address.HasLocalScope)
        {
            added = _local.Add(subscriber);
            _fanOut?.Changed();
            // Decided as the set grows, not per event: once split, a stream stays split (LocalFanOut).
            if (_fanOut is null && _local.Count >= 2 && FanOutWorkers.For(system) is var workers && workers.Splits(_local.Count))
            {
                _fanOut = new LocalFanOut(workers);
            }
        }
        else
        {
            _remoteNodes ??= [];
            if (!_remoteNodes.TryGetValue(address, out var node))
            {
                node = new RemoteNode(system.ActorSelection(new RootActorPath(address) / "user" / BrokerActor.Name));
                _remoteNodes.Add(address, node);
            }
            added = node.Subscribers.Add(subscriber);
        }
        if (added && ++Count == 1)
        {
            ActiveStreams.For(system).Activated(stream);
        }
        return added;
    }

    public bool Contains(IActorRef subscriber) => subscriber.Path.Address.HasLocalScope
        ? _local.Contains(subscriber)
        : _remoteNodes?.TryGetValue(subscriber.Path.Address, out var node) == true && node.Subscribers.Contains(subscriber);

    public bool Remove(IActorRef subscriber)
    {
        var address = subscriber.Path.Address;
        bool removed;
        if (address.HasLocalScope)
        {
            removed = _local.Remove(subscriber);
            _fanOut?.Changed();
        }
        else if (_remoteNodes?.TryGetValue(address, out var node) == true && node.Subscribers.Remove(subscriber))
        {
            removed = true;
            if (node.Subscribers.Count == 0)
            {
                _remoteNodes.Remove(address);
            }
        }
        else
        {
            removed = false;
        }
        if (removed && --Count == 0)
        {
            ActiveStreams.For(system).Deactivated(stream);
        }
        return removed;
    }

    public void Deliver(SseEvent sseEvent)
    {
        if (_fanOut is not null)
        {
            _fanOut.Deliver(_local, sseEvent);
        }
        else
        {
            foreach (var subscriber in _local)
            {
                subscriber.Tell(sseEvent);
            }
        }
        if (_remoteNodes is not { Count: > 0 })
        {
            return;
        }
        var forNode = new NodeFanOut.StreamEvent(stream, sseEvent);
        foreach (var node in _remoteNodes.Values)
        {
            node.Broker.Tell(forNode);
        }
    }

    public void Stopped(IActorRef entity)
    {
        var stopped = new StreamProtocol.EntityStopped(stream);
        foreach (var subscriber in _local)
        {
            subscriber.Tell(stopped, entity);
        }
        if (Count > 0)
        {
            ActiveStreams.For(system).Deactivated(stream);
        }
    }

    private sealed class RemoteNode(ActorSelection broker)
    {
        public ActorSelection Broker { get; } = broker;

        // A field: reached by reference, as a mutable struct must be.
        public Recipients Subscribers;
    }
}

/// <summary>
/// The broadcasts' audience: every connection of the cluster, reached through each node's broker, which
/// knows its connections (one pub-sub message per node). It keeps nobody and is never empty.
/// </summary>
/// <param name="localBroker">This node's broker, which tells its connections when the entity stops: with history on they subscribe to the broadcasts' replay.</param>
internal sealed class EveryNode(IActorRef mediator, ActorSelection localBroker) : IStreamAudience
{
    public int Count => 0;

    public bool IsEmpty => false;

    public bool Add(IActorRef subscriber) => false;

    public bool Contains(IActorRef subscriber) => false;

    public bool Remove(IActorRef subscriber) => false;

    public void Deliver(SseEvent sseEvent) =>
        mediator.Tell(new Publish(BrokerActor.BroadcastTopic, new BrokerCommands.DeliverBroadcast(sseEvent)));

    public void Stopped(IActorRef entity) => localBroker.Tell(new StreamProtocol.EntityStopped(StreamKey.Broadcasts.Instance), entity);
}
