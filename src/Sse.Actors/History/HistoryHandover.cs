using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Sse.Actors.Events;
using Sse.Actors.Serialization;
using Sse.Actors.Streams;

namespace Sse.Actors.History;

/// <summary>
/// A stream's history as its entity left it when sharding moved it: its position and its kept events,
/// oldest first (the newest that fit in one remote message). <see cref="None"/> once taken over.
/// </summary>
public sealed record HistorySnapshot(StreamPosition Now, IReadOnlyList<SseEvent> Events) : ISseWireMessage
{
    /// <summary>Nothing to take over: epoch 0 is never a stream's.</summary>
    public static readonly HistorySnapshot None = new(default, []);

    /// <summary>What the events add to a message (<see cref="HistoryRing.WireCost"/>).</summary>
    public long EventBytes => Events.Sum(HistoryRing.WireCost);

    /// <summary>The same position with only the newest events that fit in <paramref name="maxBytes"/>: a position before them is a gap.</summary>
    public HistorySnapshot Newest(long maxBytes)
    {
        var first = Events.Count;
        long bytes = 0;
        while (first > 0 && (bytes += HistoryRing.WireCost(Events[first - 1])) <= maxBytes)
        {
            first--;
        }
        return first == 0 ? this : this with { Events = Events.Skip(first).ToArray() };
    }
}

/// <summary>
/// One entity's snapshot in Akka.DistributedData, replicated in memory on every node: written to all
/// nodes before the entity stops for a hand-off, read from a majority when its next incarnation
/// starts, then emptied so a later restart (after passivation) does not reuse it.
/// </summary>
internal sealed class HistoryHandover(IActorRef replicator, UniqueAddress self, string entityKey)
{
    // Short: a hand-off waits for it, and a node that does not answer in time misses a snapshot it would not need.
    private static readonly IWriteConsistency WriteToAll = new WriteAll(TimeSpan.FromSeconds(3));

    private readonly LWWRegisterKey<HistorySnapshot> _key = new($"sse-history-{entityKey}");

    public static HistoryHandover For(IActorContext context, IActorRef replicator, StreamKey stream) =>
        new(replicator, Cluster.Get(context.System).SelfUniqueAddress, $"{stream.Kind}-{stream.EntityId}");

    // A majority overlaps every write to all nodes, even one that missed a node that had just joined.
    private static readonly IReadConsistency ReadFromMajority = new ReadMajority(TimeSpan.FromSeconds(1));

    /// <summary>
    /// Asks a majority of the nodes for the snapshot a previous incarnation left (only this node's replica
    /// when <paramref name="localOnly"/>); the answer is an <see cref="IGetResponse"/>.
    /// </summary>
    public void RequestSnapshot(IActorRef replyTo, bool localOnly = false) =>
        // The local read carries a request, so that its answer is told from the majority's.
        replicator.Tell(localOnly ? Dsl.Get(_key, ReadLocal.Instance, ReadLocal.Instance) : Dsl.Get(_key, ReadFromMajority), replyTo);

    /// <summary>The snapshot in <paramref name="response"/>, or null when there is none to take over.</summary>
    public HistorySnapshot? Taken(IGetResponse response) =>
        response is GetSuccess success && success.Get(_key).Value is { Now.Epoch: not 0 } snapshot ? snapshot : null;

    /// <summary>Writes <paramref name="snapshot"/> before a hand-off; the answer is an <see cref="IUpdateResponse"/> whose request is <see cref="StopForHandOff"/>.</summary>
    public void Save(HistorySnapshot snapshot, IActorRef replyTo) => Write(snapshot, StopForHandOff.Instance, replyTo);

    /// <summary>Empties the key once taken over; the answer is an <see cref="IUpdateResponse"/> without a request.</summary>
    public void Clear(IActorRef replyTo) => Write(HistorySnapshot.None, null, replyTo);

    private void Write(HistorySnapshot snapshot, object? request, IActorRef replyTo) =>
        replicator.Tell(Dsl.Update(_key, new LWWRegister<HistorySnapshot>(self, HistorySnapshot.None), WriteToAll, request,
            register => register.WithValue(self, snapshot)), replyTo);
}
