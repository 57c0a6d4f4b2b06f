using Akka.Actor;
using Akka.Cluster;
using Sse.Actors.Events;
using Sse.Actors.History;

namespace Sse.Tests.Streams;

/// <summary>
/// One key of hand-off snapshots, shared by the streams that hash to it: each finds only its own, a removed one is gone
/// for good, and the bucket never holds more than one remote message's worth (<see cref="HandoverBucket.MaxBytes"/>).
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class HandoverBucketTests
{
    private static readonly UniqueAddress NodeA = new(new Address("akka.tcp", "sse", "10.0.0.1", 4053), 1);
    private static readonly UniqueAddress NodeB = new(new Address("akka.tcp", "sse", "10.0.0.2", 4053), 2);
    private static readonly DateTime Now = new(2027, 1, 4, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime LongAgo = DateTime.MinValue;

    [Fact]
    public void A_stream_finds_only_the_snapshot_left_under_its_own_name()
    {
        var bucket = HandoverBucket.Empty
            .With(NodeA, "t:a", Snapshot(1, events: 1), Now, LongAgo)
            .With(NodeA, "t:a,b", Snapshot(2, events: 1), Now, LongAgo)
            .With(NodeA, "t:a:b", Snapshot(3, events: 1), Now, LongAgo);

        Assert.Equal(1u, bucket.Find("t:a", LongAgo)!.Now.Epoch);
        Assert.Equal(2u, bucket.Find("t:a,b", LongAgo)!.Now.Epoch);
        Assert.Equal(3u, bucket.Find("t:a:b", LongAgo)!.Now.Epoch);
        Assert.Null(bucket.Find("t:", LongAgo));
        Assert.Null(bucket.Find("u:a", LongAgo));
    }

    [Fact]
    public void A_later_hand_off_of_a_stream_replaces_its_earlier_snapshot()
    {
        var bucket = HandoverBucket.Empty
            .With(NodeA, "u:1", Snapshot(1, events: 3), Now, LongAgo)
            .With(NodeB, "u:1", Snapshot(2, events: 1), Now.AddSeconds(1), LongAgo);

        Assert.Equal(2u, bucket.Find("u:1", LongAgo)!.Now.Epoch);
        Assert.Single(bucket.Entries);
    }

    [Fact]
    public void A_removed_snapshot_is_gone_even_after_merging_a_replica_that_still_holds_it()
    {
        var written = HandoverBucket.Empty.With(NodeA, "u:1", Snapshot(1, events: 2), Now, LongAgo);

        var taken = written.Without(NodeB, "u:1", LongAgo);

        Assert.Empty(taken.Entries);
        Assert.Null(taken.Merge(written).Find("u:1", LongAgo));
        Assert.Null(written.Merge(taken).Find("u:1", LongAgo));
    }

    [Fact]
    public void A_snapshot_not_taken_over_within_its_lifetime_is_ignored_and_dropped_by_the_next_write()
    {
        var bucket = HandoverBucket.Empty.With(NodeA, "u:old", Snapshot(1, events: 2), Now, LongAgo);
        var later = Now.AddMinutes(11);

        var next = bucket.With(NodeA, "u:new", Snapshot(2, events: 1), later, keptSince: later.AddMinutes(-10));

        Assert.Null(bucket.Find("u:old", keptSince: later.AddMinutes(-10)));
        Assert.NotNull(bucket.Find("u:old", keptSince: Now));
        Assert.Equal(["u:new"], next.Entries.Keys);
    }

    [Fact]
    public void A_snapshot_keeps_the_newest_of_its_events_that_the_bucket_has_room_for()
    {
        var filler = Snapshot(1, events: 10_000).Newest(HandoverBucket.MaxEventBytes - 2_000);
        var snapshot = Snapshot(2, events: 50);

        var bucket = HandoverBucket.Empty.With(NodeA, "t:filler", filler, Now, LongAgo).With(NodeA, "u:1", snapshot, Now, LongAgo);

        var kept = bucket.Find("u:1", LongAgo)!;
        Assert.Equal(snapshot.Now, kept.Now);
        Assert.InRange(kept.Events.Count, 1, 49);
        Assert.Equal(snapshot.Events.TakeLast(kept.Events.Count), kept.Events);
        Assert.InRange(bucket.Bytes, 0, HandoverBucket.MaxBytes);
    }

    [Fact]
    public void A_snapshot_whose_events_find_no_room_keeps_its_position()
    {
        var bucket = HandoverBucket.Empty.With(NodeA, "t:filler", TinyEvents(10_000), Now, LongAgo);

        var kept = bucket.With(NodeA, "u:1", Snapshot(2, events: 3), Now, LongAgo).Find("u:1", LongAgo)!;

        Assert.Equal(new StreamPosition(2, 3), kept.Now);
        Assert.Empty(kept.Events);
    }

    [Fact]
    public void When_not_even_its_position_fits_a_snapshot_is_not_left_and_the_bucket_stays_within_its_bound()
    {
        var bucket = Full(HandoverBucket.Empty);

        var after = bucket.With(NodeA, "u:1", Snapshot(2, events: 3), Now, LongAgo);

        Assert.Null(after.Find("u:1", LongAgo));
        Assert.Equal(bucket.Entries.Count, after.Entries.Count);
        Assert.InRange(after.Bytes, 0, HandoverBucket.MaxBytes);
    }

    /// <summary>Fills <paramref name="bucket"/> with positions until one more does not fit (written by <paramref name="node"/> at <paramref name="now"/>).</summary>
    internal static HandoverBucket Full(HandoverBucket bucket, UniqueAddress? node = null, DateTime? now = null, Func<int, string>? name = null)
    {
        for (var i = 0; i < 100_000; i++)
        {
            var more = bucket.With(node ?? NodeB, name?.Invoke(i) ?? $"u:filler-{i:D6}", Snapshot(1, events: 0), now ?? Now, LongAgo);
            if (more.Entries.Count == bucket.Entries.Count)
            {
                return bucket;
            }
            bucket = more;
        }
        throw new Xunit.Sdk.XunitException($"A bucket took {bucket.Entries.Count} positions and still had room.");
    }

    /// <summary><paramref name="count"/> events smaller than any of <see cref="Snapshot"/>'s: once they fill their share of a bucket, no other event fits.</summary>
    internal static HistorySnapshot TinyEvents(int count) =>
        new(new StreamPosition(1, count), Enumerable.Range(1, count).Select(_ => new SseEvent("f", [10])).ToArray());

    /// <summary>A stream at sequence number <paramref name="events"/> of <paramref name="epoch"/>, keeping all its events.</summary>
    internal static HistorySnapshot Snapshot(uint epoch, int events)
    {
        var kept = Enumerable.Range(1, events)
            .Select(seq => SseEncoder.Encode($"{epoch}-{seq}", "update", $"event {seq}") with { Stream = "u:1", Position = new StreamPosition(epoch, seq) })
            .ToArray();
        return new HistorySnapshot(new StreamPosition(epoch, events), kept);
    }
}
