using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>
/// Hand-off snapshots through the real replicator of a one-node cluster: however many streams move, they share a bounded
/// set of keys, a taken-over snapshot leaves nothing behind, and one its bucket has no room for ends in a gap, never in silence.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class HistoryHandoverKeySpaceTests : Akka.TestKit.Xunit2.TestKit
{
    private const int HistorySize = 3;
    // Akka.Remote's default maximum frame, less room for the envelope, the write and the remote message around a bucket.
    private const int FrameForABucket = 128_000 - 4 * 1024;
    private readonly IActorRef _replicator;
    private readonly UniqueAddress _self;

    public HistoryHandoverKeySpaceTests() : base(SseTestConfig.SerializeMessagesOnClusterNode)
    {
        Sys.WithNodeExtensions();
        _replicator = OneNodeCluster.Replicator(this);
        _self = Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress;
    }

    [Fact]
    public void More_streams_than_keys_handed_off_and_taken_over_leave_a_bounded_key_space_with_nothing_in_it()
    {
        // One key a stream would overrun the bound.
        var users = Enumerable.Range(0, HistoryHandover.Buckets * 3 / 2).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var first = users.ToDictionary(user => user, Start);
        foreach (var (user, entity) in first)
        {
            Client(user).Publish(entity, "1");
        }
        var epochs = first.ToDictionary(p => p.Key, p => Client(p.Key).SubscribeFrom(p.Value, null).Now.Epoch);
        HandOff(first.Values);
        Assert.InRange(KeyIds().Count, 1, HistoryHandover.Buckets);
        Assert.Equal(users.Length, KeyIds().Sum(key => Bucket(key).Entries.Count));

        var next = users.ToDictionary(user => user, Start);
        foreach (var (user, entity) in next)
        {
            Assert.Equal(new StreamPosition(epochs[user], 1), Client(user).SubscribeFrom(entity, null).Now);
        }

        AwaitAssert(() => Assert.All(KeyIds(), key => Assert.Empty(Bucket(key).Entries)));
        Assert.InRange(KeyIds().Count, 1, HistoryHandover.Buckets);
        // Emptied, a bucket is about as small as one that a single snapshot went through: no tombstones.
        Assert.All(KeyIds(), key => Assert.InRange(Serialized(Bucket(key)), 1, Serialized(ThroughWhich(1)) + 16));
    }

    [Fact]
    public void A_bucket_a_thousand_snapshots_went_through_is_about_as_small_as_one_a_single_snapshot_went_through() =>
        Assert.InRange(Serialized(ThroughWhich(1_000)), 1, Serialized(ThroughWhich(1)) + 16);

    /// <summary>A bucket that <paramref name="count"/> streams' snapshots were written to and taken from.</summary>
    private HandoverBucket ThroughWhich(int count)
    {
        var bucket = HandoverBucket.Empty;
        for (var i = 0; i < count; i++)
        {
            var stream = $"u:{Guid.NewGuid():N}";
            bucket = bucket.With(_self, stream, HandoverBucketTests.Snapshot(1, events: 2), DateTime.UtcNow, DateTime.MinValue).Without(_self, stream, DateTime.MinValue);
        }
        return bucket;
    }

    private int Serialized(HandoverBucket bucket) => Sys.Serialization.FindSerializerFor(bucket).ToBinary(bucket).Length;

    [Fact]
    public void A_snapshot_whose_events_find_no_room_hands_over_its_position_and_a_subscriber_behind_it_gets_a_gap()
    {
        var user = Guid.NewGuid().ToString();
        Fill(user, bucket => bucket.With(_self, "t:filler", HandoverBucketTests.TinyEvents(10_000), DateTime.UtcNow, DateTime.MinValue));
        var first = Start(user);
        Client(user).Publish(first, "1", "2", "3");
        var epoch = Client(user).SubscribeFrom(first, null).Now.Epoch;
        HandOff(first);

        var next = Start(user);
        var upToDate = Client(user).SubscribeFrom(next, new StreamPosition(epoch, 3));
        var behind = Client(user).SubscribeFrom(next, new StreamPosition(epoch, 1));

        Assert.False(upToDate.Gap);
        Assert.Equal(new StreamPosition(epoch, 3), upToDate.Now);
        Assert.True(behind.Gap);
        Assert.Equal(new StreamPosition(epoch, 3), behind.Now);
    }

    [Fact]
    public void A_snapshot_its_bucket_has_no_room_for_leaves_its_next_incarnation_a_new_epoch_so_subscribers_get_a_gap()
    {
        var user = Guid.NewGuid().ToString();
        Fill(user, bucket => HandoverBucketTests.Full(bucket, _self, DateTime.UtcNow));
        var first = Start(user);
        Client(user).Publish(first, "1", "2", "3");
        var epoch = Client(user).SubscribeFrom(first, null).Now.Epoch;
        HandOff(first);

        var replay = Client(user).SubscribeFrom(Start(user), new StreamPosition(epoch, 3));

        Assert.True(replay.Gap);
        Assert.NotEqual(epoch, replay.Now.Epoch);
        Assert.Equal(0, replay.Now.Seq);
        Assert.InRange(Bucket(HistoryHandover.KeyOf(new StreamKey.User(user).Name).Id).Bytes, 0, HandoverBucket.MaxBytes);
    }

    [Fact]
    public void A_full_bucket_of_large_events_fits_in_one_remote_frame()
    {
        // Random bytes do not compress, and names of 3-byte characters are the longest a stream's name can be in UTF-8.
        var random = new Random(13);
        var events = Enumerable.Range(1, 1_000).Select(seq => new SseEvent($"{seq}", RandomBytes(random, 200))
        {
            Stream = "t:" + new string('€', 40), Position = new StreamPosition(7, seq), MessageId = new string('€', 20),
        }).ToArray();
        var bucket = HandoverBucket.Empty.With(_self, "t:" + new string('€', 40), new HistorySnapshot(new StreamPosition(7, 1_000), events),
            DateTime.UtcNow, DateTime.MinValue);

        AssertFitsInOneFrame(HandoverBucketTests.Full(bucket, _self, DateTime.UtcNow, name: i => $"t:{new string('€', 30)}{i}"));
    }

    [Fact]
    public void A_full_bucket_of_positions_fits_in_one_remote_frame() =>
        AssertFitsInOneFrame(HandoverBucketTests.Full(HandoverBucket.Empty, _self, DateTime.UtcNow, name: i => $"u:{Guid.NewGuid():N}"));

    private void AssertFitsInOneFrame(HandoverBucket bucket)
    {
        Assert.InRange(bucket.Bytes, HandoverBucket.MaxBytes * 9 / 10, HandoverBucket.MaxBytes);
        Assert.InRange(Serialized(bucket), 1, FrameForABucket);
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private IActorRef Start(string user) => Sys.ActorOf(Entities.User(user, TimeSpan.FromMinutes(1), HistorySize, replicator: _replicator));

    private UserEntityClient Client(string user) => new(this, user);

    private void HandOff(params IReadOnlyCollection<IActorRef> entities)
    {
        foreach (var entity in entities)
        {
            Watch(entity);
            entity.Tell(StopForHandOff.Instance);
        }
        Assert.Equal(entities.ToHashSet(), Enumerable.Range(0, entities.Count).Select(_ => ExpectMsg<Terminated>().ActorRef).ToHashSet());
    }

    /// <summary>Writes to the bucket of <paramref name="user"/>'s stream on this node, as other streams' hand-offs would.</summary>
    private void Fill(string user, Func<HandoverBucket, HandoverBucket> modify)
    {
        _replicator.Tell(Dsl.Update(HistoryHandover.KeyOf(new StreamKey.User(user).Name), HandoverBucket.Empty, WriteLocal.Instance, modify));
        ExpectMsg<UpdateSuccess>();
    }

    private IReadOnlyCollection<string> KeyIds()
    {
        _replicator.Tell(Dsl.GetKeyIds);
        return ExpectMsg<GetKeysIdsResult>().Keys;
    }

    private HandoverBucket Bucket(string keyId)
    {
        var key = new HandoverBucketKey(keyId);
        _replicator.Tell(Dsl.Get(key, ReadLocal.Instance));
        return ExpectMsg<GetSuccess>().Get(key);
    }
}
