using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Hosting;
using Sse.Actors.Events;
using Sse.Actors.Serialization;
using Sse.Actors.Settings;
using Sse.Actors.Streams;

namespace Sse.Actors.History;

/// <summary>
/// A stream's history as its entity left it when sharding moved it: its position and its kept events,
/// oldest first (the newest that fit in one remote message). <see cref="None"/>: nothing to take over.
/// </summary>
internal sealed record HistorySnapshot(StreamPosition Now, IReadOnlyList<SseEvent> Events) : ISseWireMessage
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
/// One entity's way to leave its snapshot in Akka.DistributedData, replicated in memory on every node: written to all
/// nodes before the entity stops for a hand-off, read from a majority when its next incarnation starts, then removed
/// so a later restart (after passivation) does not reuse it. The snapshots of every stream share
/// <see cref="Buckets"/> keys (<see cref="HandoverBucket"/>), so the key space stays bounded however many streams move.
/// </summary>
internal sealed class HistoryHandover(IActorRef replicator, UniqueAddress self, string stream, TimeSpan keptFor, HandoverTimeouts timeouts)
{
    /// <summary>How many keys hold the snapshots of all streams: a bound, and enough that the streams of a shard, which move together, spread thin.</summary>
    public const int Buckets = 128;

    // Short: a hand-off waits for it, and a node that does not answer in time misses a snapshot it would not need.
    private readonly IWriteConsistency _writeToAll = new WriteAll(timeouts.Write);

    // A majority overlaps every write to all nodes, even one that missed a node that had just joined.
    private readonly IReadConsistency _readFromMajority = new ReadMajority(timeouts.Read);

    private readonly HandoverBucketKey _key = KeyOf(stream);

    /// <summary>
    /// The handover of <paramref name="stream"/>; a snapshot not taken over within <paramref name="keptFor"/> (the stream's history
    /// lifetime: it would have been forgotten by then had the entity not moved) is ignored and dropped.
    /// </summary>
    public static HistoryHandover For(IActorContext context, IActorRef replicator, StreamKey stream, TimeSpan keptFor, HandoverTimeouts timeouts) =>
        new(replicator, Cluster.Get(context.System).SelfUniqueAddress, stream.Name, keptFor, timeouts);

    /// <summary>
    /// The key of the bucket that holds <paramref name="stream"/>'s snapshot. Hashed apart from sharding's MurmurHash, so
    /// the streams of one shard, which move together, spread over every bucket.
    /// </summary>
    public static HandoverBucketKey KeyOf(string stream) => new($"sse-handover-{HistoryRing.StableHash(stream) % Buckets}");

    /// <summary>
    /// Asks a majority of the nodes for the snapshot a previous incarnation left (only this node's replica
    /// when <paramref name="localOnly"/>); the answer is an <see cref="IGetResponse"/>.
    /// </summary>
    public void RequestSnapshot(IActorRef replyTo, bool localOnly = false) =>
        // The local read carries a request, so that its answer is told from the majority's.
        replicator.Tell(localOnly ? Dsl.Get(_key, ReadLocal.Instance, ReadLocal.Instance) : Dsl.Get(_key, _readFromMajority), replyTo);

    /// <summary>The snapshot in <paramref name="response"/>, or null when there is none to take over.</summary>
    public HistorySnapshot? Taken(IGetResponse response) =>
        response is GetSuccess success && success.Get(_key).Find(stream, KeptSince) is { Now.Epoch: not 0 } snapshot ? snapshot : null;

    /// <summary>
    /// Writes <paramref name="snapshot"/> before a hand-off, with as many of its newest events as its bucket has room for
    /// (nothing when not even its position fits: the next incarnation starts a new epoch); the answer is an
    /// <see cref="IUpdateResponse"/> whose request is <see cref="StopForHandOff"/>.
    /// </summary>
    public void Save(HistorySnapshot snapshot, IActorRef replyTo)
    {
        var now = DateTime.UtcNow;
        Update(StopForHandOff.Instance, replyTo, bucket => bucket.With(self, stream, snapshot, now, now - keptFor));
    }

    /// <summary>Removes the snapshot once taken over; the answer is an <see cref="IUpdateResponse"/> without a request.</summary>
    public void Clear(IActorRef replyTo)
    {
        var keptSince = KeptSince;
        Update(null, replyTo, bucket => bucket.Without(self, stream, keptSince));
    }

    private DateTime KeptSince => DateTime.UtcNow - keptFor;

    private void Update(object? request, IActorRef replyTo, Func<HandoverBucket, HandoverBucket> modify) =>
        replicator.Tell(Dsl.Update(_key, HandoverBucket.Empty, _writeToAll, request, modify), replyTo);
}

/// <summary>How long a hand-off's write to all nodes and a start's read from a majority wait (<c>Sse:HistoryStore:HandoverWriteTimeout</c>, <c>HandoverReadTimeout</c>).</summary>
public sealed record HandoverTimeouts(TimeSpan Write, TimeSpan Read)
{
    /// <summary>The options' defaults.</summary>
    public static readonly HandoverTimeouts Default = Of(new SseHistoryStoreOptions());

    /// <summary>The timeouts <paramref name="store"/> sets.</summary>
    public static HandoverTimeouts Of(SseHistoryStoreOptions store) => new(store.HandoverWriteTimeout, store.HandoverReadTimeout);
}

internal static class HistoryHandoverConfiguration
{
    /// <summary>
    /// With history in memory, starts the replicator with the node, not with its first entity: a hand-off written to all
    /// nodes reaches a node that just joined.
    /// </summary>
    public static AkkaConfigurationBuilder WithHistoryReplicator(this AkkaConfigurationBuilder builder, SseOptions options) =>
        builder.WithActors((system, _) => options.HistoryReplicator(system));
}
