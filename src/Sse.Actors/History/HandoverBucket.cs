using System.Collections.Immutable;
using Akka.Cluster;
using Akka.DistributedData;
using Sse.Actors.Serialization;

namespace Sse.Actors.History;

/// <summary>
/// The hand-off snapshots of the streams whose names hash to one bucket (<see cref="HistoryHandover.KeyOf"/>), by stream
/// name, each in a register stamped with the time it was written. An <see cref="ORDictionary{TKey,TValue}"/>: a removed
/// entry leaves nothing behind (its key set keeps a counter per node, no tombstone per entry), so a bucket holds only the
/// snapshots waiting to be taken over, at most <see cref="MaxBytes"/>.
/// </summary>
/// <remarks>
/// Replicated as whole values, not as deltas: the replicator sends the deltas of all changed keys to a node in one message,
/// unsplit, which a shard handing off at once would make larger than a remote frame; a whole bucket is one message within
/// it. The bound is kept by each writer on its own replica: two nodes handing off into one bucket at once may pass it
/// together, until their snapshots are taken over.
/// </remarks>
internal sealed class HandoverBucket : IRemovedNodePruning<HandoverBucket>, IEquatable<HandoverBucket>, ISseWireMessage
{
    /// <summary>
    /// The most a bucket holds, counting <see cref="HistorySnapshot.EventBytes"/> and <see cref="EntryBytes"/>: with the message
    /// around it, under Akka.Remote's default frame (128,000 bytes), so every write or read of a bucket fits in one.
    /// </summary>
    public const long MaxBytes = HistoryRing.MaxRemoteReplayBytes;

    /// <summary>
    /// How much of a bucket events may fill; the rest is for positions, so a stream whose events find no room still hands
    /// its position over, and its subscribers that are up to date resume without a reset.
    /// </summary>
    public const long MaxEventBytes = MaxBytes * 3 / 4;

    public static readonly HandoverBucket Empty = new(ORDictionary<string, LWWRegister<HistorySnapshot>>.Empty);

    public HandoverBucket(ORDictionary<string, LWWRegister<HistorySnapshot>> entries) =>
        // Replicated whole, so the delta an ORDictionary gathers with each change would only grow: it is dropped.
        Entries = entries.ResetDelta();

    public ORDictionary<string, LWWRegister<HistorySnapshot>> Entries { get; }

    /// <summary>
    /// At most what an entry adds besides its events: its name twice (key and key set, up to 3 bytes a character in UTF-8),
    /// the writer's address twice (its dot and its register), its position and time stamp.
    /// </summary>
    public static long EntryBytes(string stream) => 6L * stream.Length + 256;

    /// <summary>What the bucket holds, counted as <see cref="MaxBytes"/> is.</summary>
    public long Bytes => Entries.Keys.Sum(EntryBytes) + EventBytes;

    private long EventBytes => Entries.Values.Sum(e => e.Value.EventBytes);

    /// <summary>The snapshot left for <paramref name="stream"/>, unless written before <paramref name="keptSince"/>.</summary>
    public HistorySnapshot? Find(string stream, DateTime keptSince) =>
        Entries.TryGetValue(stream, out var entry) && entry.Timestamp >= keptSince.Ticks ? entry.Value : null;

    /// <summary>
    /// Leaves <paramref name="snapshot"/> for <paramref name="stream"/> in place of any earlier one, with as many of its newest
    /// events as the bucket has room for; leaves nothing when not even its position fits. Entries written before
    /// <paramref name="keptSince"/> are dropped first.
    /// </summary>
    public HandoverBucket With(UniqueAddress node, string stream, HistorySnapshot snapshot, DateTime now, DateTime keptSince)
    {
        var others = Without(node, stream, keptSince);
        var room = MaxBytes - others.Bytes - EntryBytes(stream);
        if (room < 0)
        {
            return others;
        }
        var fitted = snapshot.Newest(Math.Min(room, MaxEventBytes - others.EventBytes));
        return new HandoverBucket(others.Entries.SetItem(node, stream, new LWWRegister<HistorySnapshot>(node, fitted, now.Ticks)));
    }

    /// <summary>Removes <paramref name="stream"/>'s snapshot, and every entry written before <paramref name="keptSince"/>.</summary>
    public HandoverBucket Without(UniqueAddress node, string stream, DateTime keptSince)
    {
        var left = Entries;
        foreach (var (name, entry) in Entries)
        {
            if (name == stream || entry.Timestamp < keptSince.Ticks)
            {
                left = left.Remove(node, name);
            }
        }
        return ReferenceEquals(left, Entries) ? this : new HandoverBucket(left);
    }

    public HandoverBucket Merge(HandoverBucket other) => new(Entries.Merge(other.Entries));

    public IReplicatedData Merge(IReplicatedData other) => Merge((HandoverBucket)other);

    ImmutableHashSet<UniqueAddress> IRemovedNodePruning.ModifiedByNodes => Entries.ModifiedByNodes;

    bool IRemovedNodePruning.NeedPruningFrom(UniqueAddress removedNode) => Entries.NeedPruningFrom(removedNode);

    public HandoverBucket Prune(UniqueAddress removedNode, UniqueAddress collapseInto) => new(Entries.Prune(removedNode, collapseInto));

    IReplicatedData IRemovedNodePruning.Prune(UniqueAddress removedNode, UniqueAddress collapseInto) => Prune(removedNode, collapseInto);

    public HandoverBucket PruningCleanup(UniqueAddress removedNode) => new(Entries.PruningCleanup(removedNode));

    IReplicatedData IRemovedNodePruning.PruningCleanup(UniqueAddress removedNode) => PruningCleanup(removedNode);

    public bool Equals(HandoverBucket? other) => other is not null && Entries.Equals(other.Entries);

    public override bool Equals(object? obj) => obj is HandoverBucket other && Equals(other);

    public override int GetHashCode() => Entries.GetHashCode();
}

/// <summary>The key of one <see cref="HandoverBucket"/>.</summary>
internal sealed class HandoverBucketKey(string id) : Key<HandoverBucket>(id), ISseWireMessage;
