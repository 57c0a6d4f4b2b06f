using Akka.Actor;
using Akka.DistributedData;
using Sse.Actors.Events;
using Sse.Actors.Streams;

namespace Sse.Actors.History;

/// <summary>
/// History in memory: each event is numbered and kept as it is published, and delivered at once. Given a
/// replicator, an entity that sharding moves leaves its history to its next incarnation
/// (<see cref="HistoryHandover"/>), which takes it over before serving; without one, or when the node
/// dies, the history goes with the entity.
/// </summary>
internal sealed class MemoryHistory : IStreamHistory
{
    private readonly IStreamHistoryOwner _owner;
    private readonly HistoryRing _ring;
    private readonly HistoryHandover? _handover;
    private readonly string _name;
    private bool _takingOver;

    /// <param name="lifetime">How long the history outlives the last subscriber: a snapshot not taken over within it is not.</param>
    public MemoryHistory(IStreamHistoryOwner owner, int size, IActorRef? replicator, TimeSpan lifetime, HandoverTimeouts handoverTimeouts)
    {
        _owner = owner;
        _ring = new HistoryRing(size);
        _name = owner.Stream.Name;
        _handover = replicator is null ? null : HistoryHandover.For(owner.Context, replicator, owner.Stream, lifetime, handoverTimeouts);
    }

    public bool HoldsEvents => _ring.Seq > 0;

    public bool Start()
    {
        if (_handover is null)
        {
            return false;
        }
        // A previous incarnation may have left its history when sharding moved it: nothing is served before the answer.
        _handover.RequestSnapshot(_owner.Context.Self);
        _takingOver = true;
        return true;
    }

    public bool Receive(object message)
    {
        switch (message)
        {
            case GetFailure { Request: null } when _takingOver:
                // No majority answered in time (a node unreachable): what this node's replica holds is the best there is.
                _handover!.RequestSnapshot(_owner.Context.Self, localOnly: true);
                return true;
            case IGetResponse response when _takingOver:
                _takingOver = false;
                if (_handover!.Taken(response) is { } snapshot)
                {
                    _ring.Restore(snapshot);
                    _handover.Clear(_owner.Context.Self);
                }
                _owner.Started();
                return true;
            case IUpdateResponse { Request: StopForHandOff }:
                // The snapshot is written, or could not be in time: sharding waits for the stop.
                _owner.Finished();
                return true;
            case IUpdateResponse:
                // The snapshot's removal, after taking it over: nothing waits for it.
                return true;
            default:
                return false;
        }
    }

    public void Publish(SseEvent sseEvent, IActorRef publisher)
    {
        if (sseEvent.MessageId is { } messageId && _ring.RecordedAs(messageId) is { } original)
        {
            _owner.Repeated(sseEvent.Id, original.Id, publisher);
            return;
        }
        _owner.Recorded(_ring.Append(_name, sseEvent), publisher);
    }

    public StreamReplay? ReplayAfter(StreamPosition? from, long maxBytes) => _ring.ReplayAfter(from, maxBytes);

    public bool HandOff()
    {
        if (_handover is null || _ring.Seq == 0)
        {
            return false;
        }
        _handover.Save(_ring.Snapshot(HistoryRing.MaxRemoteReplayBytes), _owner.Context.Self);
        return true;
    }

    public bool Forget() => false;
}
