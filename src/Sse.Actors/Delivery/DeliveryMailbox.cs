using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using Sse.Actors.Streams;

namespace Sse.Actors.Delivery;

/// <summary>
/// A delivery actor's mailbox: unbounded for everything but the live events it hands to its connections
/// (<see cref="DeliveryProtocol.StreamEvent"/>, <see cref="DeliveryProtocol.DeliverBroadcast"/>). Past <c>capacity</c>
/// messages those are shed instead of queued, and the delivery is told once which streams lost some
/// (<see cref="EventsShed"/>): their connections catch up from the stream's history, or get a <c>reset</c>.
/// So a node that cannot keep up with the events sent to it holds a bounded queue, and skips nothing silently.
/// </summary>
internal sealed class DeliveryMailbox(Akka.Actor.Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<DeliveryMessageQueue>
{
    /// <summary>Where the mailbox is configured (<see cref="Hocon"/>).</summary>
    public const string ConfigPath = "sse-delivery-mailbox";

    // Akka.NET makes a mailbox from HOCON only: WithSseBroker writes its capacity there from the validated options.
    private readonly int _capacity = config.HasPath("capacity")
        ? config.GetInt("capacity")
        : throw new ConfigurationException($"{ConfigPath} has no capacity: WithSseBroker sets it from Sse:Limits:MaxBrokerBacklog ({nameof(DeliveryMailbox)}.{nameof(Hocon)}).");

    /// <summary>The mailbox's configuration, with its capacity: <c>Sse:Limits:MaxBrokerBacklog</c>.</summary>
    internal static string Hocon(int capacity) => $$"""
        {{ConfigPath}} {
          mailbox-type = "{{typeof(DeliveryMailbox).AssemblyQualifiedName}}"
          capacity = {{capacity}}
        }
        """;

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new DeliveryMessageQueue(_capacity);
}

/// <summary>The queue of <see cref="DeliveryMailbox"/>; the delivery takes what was shed from it when told <see cref="EventsShed"/>.</summary>
internal sealed class DeliveryMessageQueue(int capacity) : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly UnboundedMessageQueue _queue = new();
    // Streams with events shed since the delivery last took them: as many as the node has streams, at most.
    private readonly ConcurrentDictionary<StreamKey, byte> _shedStreams = new();
    private int _count;
    private int _noticeQueued;
    private long _shed;

    public bool HasMessages => _queue.HasMessages;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        if (Volatile.Read(ref _count) >= capacity && Shed(envelope.Message))
        {
            // One notice in the queue at a time, behind the events queued before the shed ones.
            if (Interlocked.Exchange(ref _noticeQueued, 1) == 0)
            {
                Add(receiver, new Envelope(new EventsShed(this), ActorRefs.NoSender));
            }
            return;
        }
        Add(receiver, envelope);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        if (!_queue.TryDequeue(out envelope))
        {
            return false;
        }
        Interlocked.Decrement(ref _count);
        return true;
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters) => _queue.CleanUp(owner, deadletters);

    /// <summary>The streams that lost events since the last call, and how many events were shed.</summary>
    internal (IReadOnlyList<StreamKey> Streams, long Events) TakeShed()
    {
        // Cleared first: a shed after this point queues a new notice, so no stream is left without one.
        Volatile.Write(ref _noticeQueued, 0);
        List<StreamKey> streams = [];
        foreach (var stream in _shedStreams.Keys)
        {
            if (_shedStreams.TryRemove(stream, out _))
            {
                streams.Add(stream);
            }
        }
        return (streams, Interlocked.Exchange(ref _shed, 0));
    }

    private void Add(IActorRef receiver, Envelope envelope)
    {
        Interlocked.Increment(ref _count);
        _queue.Enqueue(receiver, envelope);
    }

    private bool Shed(object message)
    {
        var stream = message switch
        {
            DeliveryProtocol.StreamEvent e => e.Stream,
            DeliveryProtocol.DeliverBroadcast => StreamKey.Broadcasts.Instance,
            _ => null,
        };
        if (stream is null)
        {
            return false;
        }
        _shedStreams.TryAdd(stream, 0);
        Interlocked.Increment(ref _shed);
        return true;
    }
}

/// <summary>The delivery's mailbox shed live events: it tells the connections of their streams to catch up.</summary>
internal sealed record EventsShed(DeliveryMessageQueue Queue) : INoSerializationVerificationNeeded;
