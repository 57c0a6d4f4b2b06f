using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Sse.Actors.Events;
using Sse.Actors.Serialization;

namespace Sse.Actors.History;

/// <summary>
/// One event of a stream as the durable history store keeps it (Akka.Persistence journal, SQLite or
/// PostgreSQL). The entity delivers it only once written (<see cref="HistoryJournal.Written"/>), so no browser
/// ever holds an id that a restarted entity could give to another event.
/// </summary>
internal sealed record StoredEvent(SseEvent Event) : ISseWireMessage;

/// <summary>
/// The child of a stream entity that writes its events to the durable history store and reads them
/// back when the entity starts: after a passivation, a hand-off, a node stop or a node that was killed.
/// It keeps nothing in memory (<see cref="JournalHistory"/>'s ring does); the journal holds
/// between HistorySize and HistorySize + <see cref="TrimEvery"/> events per stream.
/// </summary>
internal sealed class HistoryJournal : UntypedPersistentActor
{
    private readonly int _historySize;
    private readonly IActorRef _entity;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Recovery only: the newest events of the newest epoch, oldest first.
    private Queue<SseEvent>? _recovered = new();
    // The highest journal sequence number deleted, or known to be below the kept events.
    private long _trimmedTo;
    // Retention over: the events are being deleted, then the journal stops.
    private bool _forgetting;

    public HistoryJournal(string persistenceId, int historySize, IActorRef entity)
    {
        PersistenceId = persistenceId;
        _historySize = historySize;
        _entity = entity;
    }

    /// <summary>The journal deletes old events in steps of this many, not after every write.</summary>
    internal int TrimEvery => Math.Max(_historySize, 500);

    public override string PersistenceId { get; }

    // Only events are stored: no snapshot to look for, one query fewer per entity start.
    public override Recovery Recovery { get; } = new(SnapshotSelectionCriteria.None);

    public static Props Props(string persistenceId, int historySize, IActorRef entity) =>
        Akka.Actor.Props.Create(() => new HistoryJournal(persistenceId, historySize, entity));

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case StoredEvent { Event: { Position: { } position } sseEvent }:
                // A history forgotten after its retention is followed by a new epoch: only the newest counts.
                if (_recovered!.TryPeek(out var first) && first.Position!.Value.Epoch != position.Epoch)
                {
                    _recovered.Clear();
                }
                _recovered.Enqueue(sseEvent);
                if (_recovered.Count > _historySize)
                {
                    _recovered.Dequeue();
                }
                break;
            case RecoveryCompleted:
                var events = _recovered!.ToArray();
                _recovered = null;
                _trimmedTo = LastSequenceNr - events.Length;
                _entity.Tell(events.Length > 0
                    ? new Recovered(new HistorySnapshot(events[^1].Position!.Value, events))
                    // The journal keeps its highest sequence number through deletes: 0 means the stream never had an event.
                    : new Recovered(HistorySnapshot.None, NeverWritten: LastSequenceNr == 0));
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case Store m:
                // Written in batches by the journal; handlers run in order, so the entity delivers in order.
                PersistAsync(new StoredEvent(m.Event), stored =>
                {
                    _entity.Tell(new Written(stored.Event, m.Publisher));
                    Trim();
                });
                break;
            case StopWhenStored:
                // Runs after every write asked before it has been answered.
                DeferAsync(StopWhenStored.Instance, _ => Context.Stop(Self));
                break;
            case Forget:
                _forgetting = true;
                DeferAsync(Forget.Instance, _ =>
                {
                    if (LastSequenceNr > _trimmedTo)
                    {
                        DeleteMessages(LastSequenceNr);
                    }
                    else
                    {
                        Context.Stop(Self);
                    }
                });
                break;
            case DeleteMessagesSuccess { ToSequenceNr: var to } when _forgetting && to == LastSequenceNr:
                Context.Stop(Self);
                break;
            case DeleteMessagesFailure failure when _forgetting:
                _log.Warning(failure.Cause, "Could not delete the history of {PersistenceId} after its retention", PersistenceId);
                Context.Stop(Self);
                break;
            case DeleteMessagesSuccess:
                break;
            case DeleteMessagesFailure failure:
                // The next trim deletes the same events again; recovery reads at most TrimEvery more.
                _log.Warning(failure.Cause, "Could not trim the history of {PersistenceId}", PersistenceId);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Trim()
    {
        var keepFrom = LastSequenceNr - _historySize;
        if (keepFrom - _trimmedTo >= TrimEvery)
        {
            DeleteMessages(keepFrom);
            _trimmedTo = keepFrom;
        }
    }

    /// <summary>
    /// The journal refused a write (its buffer is full): the base logs it; stopping makes the entity stop too and its
    /// next incarnation read the store again, rather than go on with a hole in its numbering.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    /// <summary>Entity → journal: write this numbered event; <see cref="Written"/> answers once it is durable.</summary>
    internal sealed record Store(SseEvent Event, IActorRef Publisher) : INoSerializationVerificationNeeded;

    /// <summary>Journal → entity: the event is durable; <paramref name="Publisher"/> is told it is recorded.</summary>
    internal sealed record Written(SseEvent Event, IActorRef Publisher) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Journal → entity, once at start: the stream as the store holds it (<see cref="HistorySnapshot.None"/>: nothing kept),
    /// and whether it never had an event, so that its epoch can be the same in every incarnation.
    /// </summary>
    internal sealed record Recovered(HistorySnapshot History, bool NeverWritten = false) : INoSerializationVerificationNeeded;

    /// <summary>Entity → journal: stop once every event asked so far is written (a hand-off or a node stop).</summary>
    internal sealed class StopWhenStored : INoSerializationVerificationNeeded
    {
        public static readonly StopWhenStored Instance = new();
    }

    /// <summary>Entity → journal: the stream's retention is over; delete its events, then stop.</summary>
    internal sealed class Forget : INoSerializationVerificationNeeded
    {
        public static readonly Forget Instance = new();
    }
}
