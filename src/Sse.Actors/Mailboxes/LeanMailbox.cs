using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Sse.Actors.Mailboxes;

/// <summary>
/// The mailbox of the actors a node holds one of per connection or per stream (client actors, stream entities):
/// a small ring that grows with a burst and gives the memory back once drained. Akka's default queue keeps a
/// 32-slot segment from the start, and after a burst its last, largest segment, for the actor's whole life.
/// It supports a stash (messages put back first).
/// </summary>
internal sealed class LeanMailbox(Akka.Actor.Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<LeanMessageQueue>
{
    /// <summary>Where the mailbox is configured (<see cref="Hocon"/>).</summary>
    public const string ConfigPath = "sse-lean-mailbox";

    /// <summary>The configuration every actor system of the broker carries.</summary>
    public static readonly string Hocon = $$"""{{ConfigPath}}.mailbox-type = "{{typeof(LeanMailbox).AssemblyQualifiedName}}" """;

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new LeanMessageQueue();

    /// <summary>
    /// <paramref name="props"/> on the lean mailbox when <paramref name="system"/> is configured with it (every broker
    /// node is; an actor system of a test that does not configure it keeps Akka's default).
    /// </summary>
    /// <remarks>One <see cref="Deploy"/> shared by all of them: <c>WithMailbox</c> would make one per actor.</remarks>
    public static Props For(DirectProps props, ActorSystem system) =>
        system.Settings.Config.HasPath(ConfigPath) ? props.On(LeanDeploy) : props;

    private static readonly Deploy LeanDeploy = Deploy.Local.WithMailbox(ConfigPath);
}

/// <summary>
/// The queue of <see cref="LeanMailbox"/>: a ring behind a lock (producers are few and rarely collide on one actor).
/// It starts at <see cref="InitialCapacity"/> slots, doubles when full and drops back to that once the bursts are over.
/// </summary>
internal sealed class LeanMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    public const int InitialCapacity = 4;

    private readonly Lock _gate = new();
    private Envelope[] _ring = new Envelope[InitialCapacity];
    private int _head;
    private int _count;
    // The most messages queued at once since the queue last emptied: whether a burst still needs the slots.
    private int _peak;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Slots held now (what a burst left behind, until the queue empties).</summary>
    public int Capacity
    {
        get
        {
            lock (_gate)
            {
                return _ring.Length;
            }
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_gate)
        {
            EnsureRoom();
            _ring[(_head + _count) % _ring.Length] = envelope;
            Volatile.Write(ref _count, _count + 1);
            _peak = Math.Max(_peak, _count);
        }
    }

    public void EnqueueFirst(Envelope envelope)
    {
        lock (_gate)
        {
            EnsureRoom();
            _head = (_head - 1 + _ring.Length) % _ring.Length;
            _ring[_head] = envelope;
            Volatile.Write(ref _count, _count + 1);
            _peak = Math.Max(_peak, _count);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }
            envelope = _ring[_head];
            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            Volatile.Write(ref _count, _count - 1);
            if (_count == 0)
            {
                _head = 0;
                // Bursts are over (the last run used a quarter of the slots at most): give their slots back. A steady
                // stream of bursts keeps them, so a busy actor does not allocate a ring per burst.
                if (_ring.Length > 4 * InitialCapacity && _peak * 4 <= _ring.Length)
                {
                    _ring = new Envelope[InitialCapacity];
                }
                _peak = 0;
            }
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }

    private void EnsureRoom()
    {
        if (_count < _ring.Length)
        {
            return;
        }
        var larger = new Envelope[_ring.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }
        _ring = larger;
        _head = 0;
    }
}
