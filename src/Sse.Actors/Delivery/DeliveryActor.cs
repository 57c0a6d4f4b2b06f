using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Sse.Actors.Clients;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Mailboxes;
using Sse.Actors.Streams;
using static Sse.Actors.Delivery.DeliveryProtocol;

namespace Sse.Actors.Delivery;

/// <summary>
/// A share of this node's connections (<see cref="NodeDeliveries"/> picks which), and the one path of their events: a
/// stream's entity, on this node or another, sends each acknowledgement and each event here once for the share, and this
/// actor hands them on. A stream's connections here are the ones its entity acknowledged and has not let go of, so the
/// acknowledgement reaches a connection before any event sent after it. Every connection of the share gets the broadcasts.
/// When its mailbox sheds live events (<see cref="DeliveryMailbox"/>) the connections of their streams catch up; when an
/// entity stops or its node is lost, they subscribe again.
/// </summary>
internal sealed class DeliveryActor : UntypedActor
{
    private readonly Dictionary<StreamKey, StreamConnections> _streams = [];
    private readonly ShedLog _shedLog;
    private readonly bool _listensForBroadcasts;
    // Every connection of the share: the broadcasts reach them all.
    private Recipients _everyone;

    public DeliveryActor(SseMetrics? metrics, bool listensForBroadcasts)
    {
        _shedLog = new ShedLog(metrics, Context.GetLogger());
        _listensForBroadcasts = listensForBroadcasts;
    }

    public static Props Props(SseMetrics? metrics, bool listensForBroadcasts) =>
        Akka.Actor.Props.Create(() => new DeliveryActor(metrics, listensForBroadcasts));

    protected override void PreStart()
    {
        if (_listensForBroadcasts)
        {
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(NodeDeliveries.BroadcastTopic, Self));
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StreamEvent m:
                Deliver(m.Stream, m.Event);
                break;
            case DeliverBroadcast m:
                TellAll(_everyone, m.Event, Self);
                break;
            case Subscribed m:
                Acknowledge(m.Subscriber, m.Ack, Sender);
                break;
            case Unsubscribed m:
                LetGo(m.Stream, m.Subscriber, Sender);
                break;
            case StreamProtocol.EntityStopped m:
                // From an entity of this node, as it stops.
                Lost(m.Stream, Sender);
                break;
            case EntityLost m:
                Lost(m.Stream, m.Entity);
                break;
            case Joined m:
                _everyone.Add(m.Client);
                break;
            case Left m:
                _everyone.Remove(m.Client);
                break;
            case EventsShed m:
                CatchUp(m.Queue);
                break;
            case SubscribeAck:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Deliver(StreamKey stream, SseEvent sseEvent)
    {
        ref var connections = ref CollectionsMarshal.GetValueRefOrNullRef(_streams, stream);
        if (Unsafe.IsNullRef(ref connections))
        {
            return;
        }
        TellAll(connections.Clients, sseEvent, Self);
    }

    /// <summary>
    /// Adds the connection to the stream's and hands it the acknowledgement in the entity's name. A new entity of the
    /// stream means the one before is gone: whoever it acknowledged subscribes again.
    /// </summary>
    private void Acknowledge(IActorRef subscriber, StreamProtocol.SubscribedToStream ack, IActorRef entity)
    {
        var stream = ack.Stream;
        ref var connections = ref CollectionsMarshal.GetValueRefOrAddDefault(_streams, stream, out _);
        if (!entity.Equals(connections.Entity))
        {
            if (connections.Entity is { } earlier)
            {
                TellEntityStopped(stream, ref connections, earlier);
            }
            connections.Entity = entity;
            // Only across nodes: an entity of this node says it stops (EntityStopped).
            if (!entity.Path.Address.HasLocalScope)
            {
                Context.WatchWith(entity, new EntityLost(stream, entity));
            }
        }
        // The broadcasts reach every connection already.
        if (stream is not StreamKey.Broadcasts)
        {
            connections.Clients.Add(subscriber);
        }
        subscriber.Tell(ack, entity);
    }

    private void LetGo(StreamKey stream, IActorRef subscriber, IActorRef entity)
    {
        ref var connections = ref CollectionsMarshal.GetValueRefOrNullRef(_streams, stream);
        if (Unsafe.IsNullRef(ref connections) || !entity.Equals(connections.Entity) || !connections.Clients.Remove(subscriber))
        {
            return;
        }
        if (connections.Clients.Count == 0 && stream is not StreamKey.Broadcasts)
        {
            Forget(stream, entity);
        }
    }

    /// <summary>The stream's entity stopped or its node was lost: its connections here subscribe again; an earlier entity's end is old news.</summary>
    private void Lost(StreamKey stream, IActorRef entity)
    {
        ref var connections = ref CollectionsMarshal.GetValueRefOrNullRef(_streams, stream);
        if (Unsafe.IsNullRef(ref connections) || !entity.Equals(connections.Entity))
        {
            // With history on every connection follows the broadcasts' entity (this one's end is told to every delivery).
            if (stream is StreamKey.Broadcasts && entity.Path.Address.HasLocalScope)
            {
                TellAll(_everyone, new StreamProtocol.EntityStopped(stream), entity);
            }
            return;
        }
        TellEntityStopped(stream, ref connections, entity);
        Forget(stream, entity);
    }

    private void TellEntityStopped(StreamKey stream, ref StreamConnections connections, IActorRef entity)
    {
        TellAll(stream is StreamKey.Broadcasts ? _everyone : connections.Clients, new StreamProtocol.EntityStopped(stream), entity);
        connections.Clients = default;
        if (!entity.Path.Address.HasLocalScope)
        {
            Context.Unwatch(entity);
        }
    }

    private void Forget(StreamKey stream, IActorRef entity)
    {
        _streams.Remove(stream);
        if (!entity.Path.Address.HasLocalScope)
        {
            Context.Unwatch(entity);
        }
    }

    /// <summary>The mailbox shed live events: every connection of their streams catches up from the stream's history, or gets a <c>reset</c>.</summary>
    private void CatchUp(DeliveryMessageQueue queue)
    {
        var (streams, events) = queue.TakeShed();
        if (events == 0)
        {
            return;
        }
        _shedLog.Shed(events);
        foreach (var stream in streams)
        {
            var clients = stream is StreamKey.Broadcasts ? _everyone : _streams.GetValueOrDefault(stream).Clients;
            TellAll(clients, new ClientProtocol.CatchUp(stream), Self);
        }
    }

    // The concrete type's struct enumerator: a small fan-out allocates nothing.
    private static void TellAll(in Recipients clients, object message, IActorRef sender)
    {
        foreach (var client in clients)
        {
            client.Tell(message, sender);
        }
    }

    /// <summary>A stream's connections on this node and the entity that acknowledged them. A mutable struct, reached by reference.</summary>
    private struct StreamConnections
    {
        public IActorRef? Entity;
        public Recipients Clients;
    }
}
