using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.DistributedData;
using Akka.Event;
using Sse.Actors.Broker;
using Sse.Actors.Events;

namespace Sse.Actors.Subscriptions;

/// <summary>
/// The shared body of the sharded stream entities: a set of watched subscribers and a fan-out
/// that costs one message per local subscriber and one per other node holding subscribers (that
/// node's broker fans out to its own connections). An entity with subscribers is never
/// passivated; one that stays empty for <c>EmptyEntityPassivation</c> asks its shard to passivate it.
/// With <c>HistorySize</c> &gt; 0 it also numbers its events and keeps the last ones for subscribers
/// that resume (<see cref="StreamHistory"/>). With the durable history store, every event is written by
/// a child <see cref="HistoryJournal"/> before it is delivered, and read back when the entity starts again.
/// Otherwise, given a replicator, an entity that sharding moves leaves its history to its next incarnation
/// (<see cref="HistoryHandover"/>); without either, the history goes when the entity stops.
/// </summary>
public abstract class SubscriberSetActor : UntypedActor, IWithTimers, IWithUnboundedStash
{
    private const string PassivateTimer = "passivate-when-empty";
    private readonly HashSet<IActorRef> _localSubscribers = [];
    private readonly Dictionary<Address, RemoteNode> _remoteNodes = [];
    private readonly TimeSpan _emptyPassivation;
    private readonly TimeSpan _historyRetention;
    private readonly StreamHistory? _history;
    private readonly IActorRef? _replicator;
    private readonly bool _durable;
    private HistoryHandover? _handover;
    private IActorRef? _journal;
    private string? _persistenceId;
    // When the entity last had no subscriber: passivation counts from there.
    private long _emptySince = Stopwatch.GetTimestamp();
    private bool _neverPassivate;

    /// <summary>
    /// Most bytes of events in one remote message by default: the hand-off snapshot always, and a replay to a
    /// subscriber on another node unless the remote frame allows more (<see cref="RemoteReplayLimit"/>).
    /// Under Akka.Remote's default maximum frame (128,000 bytes).
    /// </summary>
    internal const long MaxRemoteReplayBytes = 96 * 1024;

    private readonly long _maxRemoteReplayBytes;

    /// <summary>
    /// Most bytes of events replayed to a subscriber on another node in one acknowledgement, for a remote
    /// frame of <paramref name="maximumFrameSize"/> bytes: the frame less a quarter or 64 KiB of room
    /// for the message around them, and never less than <see cref="MaxRemoteReplayBytes"/>. A larger replay answers a gap instead.
    /// </summary>
    public static long RemoteReplayLimit(long maximumFrameSize) =>
        Math.Max(MaxRemoteReplayBytes, maximumFrameSize - Math.Min(maximumFrameSize / 4, 64 * 1024));

    /// <param name="historyRetention">With history holding events, how long the entity outlives its last subscriber, so a browser that comes back within it resumes.</param>
    /// <param name="replicator">With history on, where the history is left when sharding moves the entity (null: it is not).</param>
    /// <param name="durableHistory">With history on, write every event to the Akka.Persistence journal before delivering it (the replicator is then not used).</param>
    /// <param name="maxRemoteReplayBytes">With history on, the most bytes of events replayed in one message to a subscriber on another node.</param>
    protected SubscriberSetActor(TimeSpan emptyPassivation, int historySize, TimeSpan historyRetention = default, IActorRef? replicator = null,
        bool durableHistory = false, long maxRemoteReplayBytes = MaxRemoteReplayBytes)
    {
        _maxRemoteReplayBytes = maxRemoteReplayBytes;
        _emptyPassivation = emptyPassivation;
        _historyRetention = historyRetention;
        _history = historySize > 0 ? new StreamHistory(historySize) : null;
        _durable = durableHistory && _history is not null;
        _replicator = _durable ? null : replicator;
    }

    /// <summary>The entity's own protocol; false for a message it does not know.</summary>
    protected abstract bool ReceiveStreamMessage(object message);

    /// <summary>Which region the entity belongs to ("user", "topic"): with its id, names its left or stored history.</summary>
    protected abstract string StreamKind { get; }

    /// <summary>Hands a numbered event (or, with history off, the event as published) to the stream's subscribers.</summary>
    protected abstract void Distribute(SseEvent sseEvent);

    // One switch instead of ReceiveActor's handler objects: a node holds one entity per online user.
    protected sealed override void OnReceive(object message)
    {
        if (ReceiveStreamMessage(message))
        {
            return;
        }
        switch (message)
        {
            case StoredEvent m:
                Stored(m.Event);
                break;
            case Terminated t when t.ActorRef.Equals(_journal):
                JournalFailed();
                break;
            case Terminated t:
                RemoveSubscriber(t.ActorRef);
                break;
            case PassivateIfEmpty when _neverPassivate:
                break;
            case PassivateIfEmpty when SubscriberCount == 0:
                var left = EmptyLifetime - Stopwatch.GetElapsedTime(_emptySince);
                if (left > TimeSpan.Zero)
                {
                    // Events arrived since the timer started: their history is kept for the retention.
                    Timers.StartSingleTimer(PassivateTimer, PassivateIfEmpty.Instance, left);
                    break;
                }
                // A stored history ends with its retention, as a history in memory does.
                Context.Parent.Tell(new Passivate(_journal is null ? PoisonPill.Instance : HistoryJournal.Forget.Instance));
                break;
            case PassivateIfEmpty:
                break;
            case StopForHandOff when _handover is not null && _history is { Seq: > 0 }:
                _handover.Save(_history.Snapshot(MaxRemoteReplayBytes), Self);
                Context.Become(HandingOff);
                break;
            case StopForHandOff or HistoryJournal.Forget when _journal is not null:
                // Every event accepted is written before the entity stops, and delivered to whoever still listens.
                _journal.Tell(message is StopForHandOff ? HistoryJournal.StopWhenStored.Instance : message);
                Context.Become(StoppingJournal);
                break;
            case StopForHandOff:
                Context.Stop(Self);
                break;
            case IUpdateResponse:
                // The emptied snapshot, written after taking over: nothing waits for it.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    protected int SubscriberCount { get; private set; }

    protected bool HasRemoteSubscribers => _remoteNodes.Count > 0;

    protected override void PreStart()
    {
        Timers.StartSingleTimer(PassivateTimer, PassivateIfEmpty.Instance, _emptyPassivation);
        if (_durable)
        {
            // Nothing is handled before the store has answered with what it keeps of the stream.
            _persistenceId = $"sse-{StreamKind}-{Uri.UnescapeDataString(Self.Path.Name)}";
            _journal = Context.Watch(Context.ActorOf(HistoryJournal.Props(_persistenceId, _history!.Size, Self), "history"));
            Context.Become(Recovering);
            return;
        }
        if (_history is null || _replicator is null)
        {
            return;
        }
        // A previous incarnation may have left its history when sharding moved it: nothing is handled before the answer.
        _handover = HistoryHandover.For(Context, _replicator, StreamKind);
        _handover.RequestSnapshot(Self);
        Context.Become(TakingOver);
    }

    private void TakingOver(object message)
    {
        if (message is not IGetResponse response)
        {
            Stash.Stash();
            return;
        }
        if (response is GetFailure { Request: null })
        {
            // No majority answered in time (a node unreachable): what this node's replica holds is the best there is.
            _handover!.RequestSnapshot(Self, localOnly: true);
            return;
        }
        if (_handover!.Taken(response) is { } snapshot)
        {
            _history!.Restore(snapshot);
            _handover.Clear(Self);
        }
        Context.Become(OnReceive);
        Stash.UnstashAll();
    }

    private void Recovering(object message)
    {
        switch (message)
        {
            case HistoryJournal.Recovered { History: var stored } recovered:
                if (stored.Now.Epoch != 0)
                {
                    _history!.Restore(stored);
                }
                else if (recovered.NeverWritten)
                {
                    // Nothing was ever missed: a browser that saw the stream empty before a restart resumes without a reset.
                    _history!.Restore(new HistorySnapshot(new StreamPosition(StreamHistory.StableEpoch(_persistenceId!), 0), []));
                }
                Context.Become(OnReceive);
                Stash.UnstashAll();
                break;
            case Terminated t when t.ActorRef.Equals(_journal):
                JournalFailed();
                break;
            default:
                Stash.Stash();
                break;
        }
    }

    /// <summary>Delivers the last written events, and stops with the journal: sharding waits for the stop.</summary>
    private void StoppingJournal(object message)
    {
        switch (message)
        {
            case StoredEvent m:
                Stored(m.Event);
                break;
            case Terminated t when t.ActorRef.Equals(_journal):
                Context.Stop(Self);
                break;
        }
    }

    /// <summary>An event the journal has written: kept and delivered, unless one before it was refused.</summary>
    private void Stored(SseEvent sseEvent)
    {
        if (sseEvent.Position!.Value.Seq != _history!.Seq + 1)
        {
            // The journal stops after a refused write; nothing after the hole is kept or delivered.
            return;
        }
        _history.Keep(sseEvent);
        Distribute(sseEvent);
    }

    /// <summary>
    /// The store could not be read or written (the journal logged why and stopped): the entity stops
    /// too, its subscribers subscribe again, and its next incarnation reads the store again.
    /// </summary>
    private void JournalFailed()
    {
        Context.GetLogger().Warning("The history store failed for {StreamKind} entity {Entity}; the entity stops and starts again on its next message",
            StreamKind, Self.Path.Name);
        Context.Stop(Self);
    }

    /// <summary>Stops once the snapshot is written, or could not be written in time: sharding waits for the stop.</summary>
    private void HandingOff(object message)
    {
        if (message is IUpdateResponse { Request: StopForHandOff })
        {
            Context.Stop(Self);
        }
    }

    /// <summary>How long the entity lives without subscribers: longer while its history has events to replay.</summary>
    private TimeSpan EmptyLifetime =>
        _history is { Seq: > 0 } && _historyRetention > _emptyPassivation ? _historyRetention : _emptyPassivation;

    /// <summary>
    /// With history on, the entity stays for as long as its node: for one whose history every
    /// connection resumes from but which keeps no subscribers to count (the broadcasts').
    /// </summary>
    protected void KeepHistoryForever()
    {
        if (_history is null || _neverPassivate)
        {
            return;
        }
        _neverPassivate = true;
        Timers.Cancel(PassivateTimer);
    }

    /// <summary>
    /// Publishes an event of <paramref name="stream"/> through <see cref="Distribute"/>: at once with history
    /// off or in memory (numbered and kept), and once written with the durable store.
    /// </summary>
    protected void Publish(string stream, SseEvent sseEvent)
    {
        if (_history is null)
        {
            Distribute(sseEvent);
        }
        else if (_journal is null)
        {
            Distribute(_history.Append(stream, sseEvent));
        }
        else
        {
            _journal.Tell(new HistoryJournal.Store(_history.Number(stream, sseEvent)));
        }
    }

    /// <summary>
    /// With history on, what <paramref name="subscriber"/> missed after <paramref name="from"/>: it is
    /// acknowledged in the same receive that adds it, so nothing falls between the replay and the live events.
    /// </summary>
    protected StreamReplay? ReplayFor(IActorRef subscriber, StreamPosition? from) =>
        _history?.ReplayAfter(from, subscriber.Path.Address.HasLocalScope ? long.MaxValue : _maxRemoteReplayBytes);

    /// <summary>Adds (or confirms again) a subscriber and acknowledges it, so a retried subscribe is harmless.</summary>
    protected void AddSubscriber(IActorRef subscriber, object acknowledgement)
    {
        if (Add(subscriber))
        {
            SubscriberCount++;
            Context.Watch(subscriber);
            Timers.Cancel(PassivateTimer);
        }
        subscriber.Tell(acknowledgement);
    }

    protected void RemoveSubscriber(IActorRef subscriber)
    {
        if (!Remove(subscriber))
        {
            return;
        }
        SubscriberCount--;
        Context.Unwatch(subscriber);
        if (SubscriberCount == 0)
        {
            _emptySince = Stopwatch.GetTimestamp();
            Timers.StartSingleTimer(PassivateTimer, PassivateIfEmpty.Instance, EmptyLifetime);
        }
    }

    /// <summary>
    /// Hands the same encoded event to every local subscriber, and <paramref name="forRemoteNodes"/>
    /// (null when there are none) once to each other node's broker. Nobody waits for a slow subscriber.
    /// </summary>
    protected void Deliver(SseEvent sseEvent, object? forRemoteNodes)
    {
        foreach (var subscriber in _localSubscribers)
        {
            subscriber.Tell(sseEvent);
        }
        if (forRemoteNodes is null)
        {
            return;
        }
        foreach (var node in _remoteNodes.Values)
        {
            node.Broker.Tell(forRemoteNodes);
        }
    }

    private bool Add(IActorRef subscriber)
    {
        var address = subscriber.Path.Address;
        if (address.HasLocalScope)
        {
            return _localSubscribers.Add(subscriber);
        }
        if (!_remoteNodes.TryGetValue(address, out var node))
        {
            node = new RemoteNode(Context.ActorSelection(new RootActorPath(address) / "user" / BrokerActor.Name));
            _remoteNodes.Add(address, node);
        }
        return node.Subscribers.Add(subscriber);
    }

    private bool Remove(IActorRef subscriber)
    {
        var address = subscriber.Path.Address;
        if (address.HasLocalScope)
        {
            return _localSubscribers.Remove(subscriber);
        }
        if (!_remoteNodes.TryGetValue(address, out var node) || !node.Subscribers.Remove(subscriber))
        {
            return false;
        }
        if (node.Subscribers.Count == 0)
        {
            _remoteNodes.Remove(address);
        }
        return true;
    }

    private sealed record RemoteNode(ActorSelection Broker)
    {
        public HashSet<IActorRef> Subscribers { get; } = [];
    }

    private sealed class PassivateIfEmpty : INoSerializationVerificationNeeded
    {
        public static readonly PassivateIfEmpty Instance = new();
    }
}
