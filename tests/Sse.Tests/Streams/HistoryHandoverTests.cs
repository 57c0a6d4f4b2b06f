using Akka.Actor;
using Akka.DistributedData;
using Akka.TestKit;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>
/// An entity with history on that sharding moves: it leaves its history in Akka.DistributedData when
/// told <see cref="StopForHandOff"/>, and its next incarnation continues the stream from there.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class HistoryHandoverTests : Akka.TestKit.Xunit2.TestKit
{
    private const int HistorySize = 3;
    private readonly string _userId = Guid.NewGuid().ToString();
    private readonly IActorRef _replicator;
    private readonly UserEntityClient _client;

    public HistoryHandoverTests() : base(SseTestConfig.SerializeMessagesOnClusterNode)
    {
        Sys.WithNodeExtensions();
        _replicator = OneNodeCluster.Replicator(this);
        _client = new UserEntityClient(this, _userId);
    }

    [Fact]
    public void A_handed_off_entity_leaves_its_position_and_kept_events_then_stops()
    {
        var entity = StartUser("a");
        Publish(entity, "1", "2", "3", "4");
        var epoch = SubscribeFrom(entity, null).Now.Epoch;

        HandOff(entity);

        var snapshot = Left()!;
        Assert.Equal(new StreamPosition(epoch, 4), snapshot.Now);
        Assert.Equal(["2", "3", "4"], snapshot.Events.Select(Data));
        Assert.Equal([2L, 3, 4], snapshot.Events.Select(e => e.Position!.Value.Seq));
    }

    [Fact]
    public void The_next_incarnation_resumes_the_epoch_the_numbering_and_the_kept_events()
    {
        var first = StartUser("b");
        Publish(first, "1", "2", "3", "4");
        var epoch = SubscribeFrom(first, null).Now.Epoch;
        HandOff(first);

        var next = StartUser("b");
        var replay = SubscribeFrom(next, new StreamPosition(epoch, 1));
        var live = Subscribe(next);
        Publish(next, "5");

        Assert.False(replay.Gap);
        Assert.Equal(new StreamPosition(epoch, 4), replay.Now);
        Assert.Equal(["2", "3", "4"], replay.Missed.Select(Data));
        Assert.Equal(new StreamPosition(epoch, 5), live.ExpectMsg<SseEvent>().Position);
    }

    [Fact]
    public void A_taken_over_history_is_emptied_so_a_later_restart_draws_a_new_epoch()
    {
        var first = StartUser("c");
        Publish(first, "1");
        var epoch = SubscribeFrom(first, null).Now.Epoch;
        HandOff(first);
        var next = StartUser("c");
        Assert.Equal(epoch, SubscribeFrom(next, null).Now.Epoch);

        AwaitAssert(() => Assert.Null(Left()));
        Watch(next);
        next.Tell(PoisonPill.Instance);
        ExpectTerminated(next);
        var later = SubscribeFrom(StartUser("c"), new StreamPosition(epoch, 1));

        Assert.True(later.Gap);
        Assert.NotEqual(epoch, later.Now.Epoch);
        Assert.Equal(0, later.Now.Seq);
    }

    [Fact]
    public void A_retry_reaching_the_next_incarnation_is_recognised_from_the_hand_off()
    {
        var first = StartUser("h");
        var recorded = _client.PublishNamed(first, "order-1", "a");
        HandOff(first);

        var next = StartUser("h");
        var retry = _client.PublishNamed(next, "order-1", "a");

        Assert.Equal(recorded.RecordedAs, retry.RecordedAs);
        Assert.Equal(1, SubscribeFrom(next, null).Now.Seq);
    }

    [Fact]
    public void An_entity_with_nothing_left_starts_a_new_stream()
    {
        var entity = StartUser("d");

        var replay = SubscribeFrom(entity, new StreamPosition(1, 1));

        Assert.True(replay.Gap);
        Assert.Equal(0, replay.Now.Seq);
        Assert.NotEqual(0u, replay.Now.Epoch);
    }

    [Fact]
    public void An_entity_without_events_stops_at_once_and_leaves_nothing()
    {
        var entity = StartUser("e");
        Subscribe(entity);

        HandOff(entity);

        Assert.Null(Left());
    }

    [Fact]
    public void Without_a_replicator_a_handed_off_entity_stops_at_once()
    {
        var entity = Sys.ActorOf(Entities.User(_userId, TimeSpan.FromMinutes(1), HistorySize));
        Publish(entity, "1");

        HandOff(entity);
    }

    [Fact]
    public void When_no_majority_answers_in_time_the_entity_takes_what_its_own_node_holds()
    {
        var replicator = CreateTestProbe();
        var entity = Sys.ActorOf(Entities.User(_userId, TimeSpan.FromMinutes(1), HistorySize, replicator: replicator.Ref), "f");
        var left = new HistorySnapshot(new StreamPosition(0xcafef00d, 7), []);

        var majority = replicator.ExpectMsg<Get>();
        replicator.Reply(new GetFailure(majority.Key, majority.Request));
        var local = replicator.ExpectMsg<Get>();
        replicator.Reply(new GetSuccess(local.Key, local.Request,
            HandoverBucket.Empty.With(Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress, Stream.Name, left, DateTime.UtcNow, DateTime.MinValue)));

        Assert.IsType<ReadMajority>(majority.Consistency);
        Assert.IsType<ReadLocal>(local.Consistency);
        Assert.Equal(left.Now, SubscribeFrom(entity, left.Now).Now);
    }

    [Fact]
    public void While_its_history_loads_an_entity_keeps_a_bounded_number_of_messages_and_drops_the_rest_unanswered()
    {
        var replicator = CreateTestProbe();
        var stream = new StreamKey.User(_userId);
        var entity = Sys.ActorOf(Entities.Of(stream, TimeSpan.FromMinutes(1), HistorySize, replicator: replicator.Ref, maxBacklog: 2), "g");
        var publisher = CreateTestProbe();
        var get = replicator.ExpectMsg<Get>();
        foreach (var data in new[] { "1", "2", "3" })
        {
            entity.Tell(new PublishToStream(stream, SseEncoder.Encode("update", data)), publisher.Ref);
        }

        replicator.Reply(new NotFound(get.Key, get.Request));

        publisher.ExpectMsg<EventRecorded>();
        publisher.ExpectMsg<EventRecorded>();
        publisher.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, SubscribeFrom(entity, null).Now.Seq);
    }

    [Fact]
    public void The_snapshot_in_its_bucket_goes_through_the_wire_serializer()
    {
        var snapshot = new HistorySnapshot(new StreamPosition(0xcafef00d, 2),
            [SseEncoder.Encode("update", "x") with { Stream = Stream.Name, Position = new StreamPosition(0xcafef00d, 2) }]);
        var bucket = HandoverBucket.Empty.With(Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress, Stream.Name, snapshot, DateTime.UtcNow, DateTime.MinValue);

        var serializer = Sys.Serialization.FindSerializerFor(bucket);
        var copy = ((HandoverBucket)Sys.Serialization.Deserialize(serializer.ToBinary(bucket), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, bucket))).Find(Stream.Name, DateTime.MinValue)!;

        Assert.IsNotType<Akka.Serialization.NewtonSoftJsonSerializer>(serializer);
        Assert.Equal(snapshot.Now, copy.Now);
        Assert.Equal(snapshot.Events.Single().Utf8, copy.Events.Single().Utf8);
        Assert.Equal(snapshot.Events.Single().Position, copy.Events.Single().Position);
    }

    /// <summary>Under a name its previous incarnation may still hold a moment after its Terminated: waits for the name.</summary>
    private IActorRef StartUser(string name)
    {
        IActorRef entity = ActorRefs.Nobody;
        AwaitAssert(() => entity = Sys.ActorOf(Entities.User(_userId, TimeSpan.FromMinutes(1), HistorySize, replicator: _replicator), name));
        return entity;
    }

    private void HandOff(IActorRef entity)
    {
        Watch(entity);
        entity.Tell(StopForHandOff.Instance);
        ExpectTerminated(entity);
    }

    private StreamKey Stream => new StreamKey.User(_userId);

    /// <summary>What the stream's bucket holds for it on this node (by the stream's name, whatever the entity actor is called).</summary>
    private HistorySnapshot? Left()
    {
        var key = HistoryHandover.KeyOf(Stream.Name);
        _replicator.Tell(Dsl.Get(key, ReadLocal.Instance));
        return ExpectMsg<IGetResponse>() is GetSuccess success ? success.Get(key).Find(Stream.Name, DateTime.MinValue) : null;
    }

    private void Publish(IActorRef entity, params string[] data) => _client.Publish(entity, data);

    private TestProbe Subscribe(IActorRef entity) => _client.Subscribe(entity);

    private StreamReplay SubscribeFrom(IActorRef entity, StreamPosition? from) => _client.SubscribeFrom(entity, from);

    private static string Data(SseEvent sseEvent) => UserEntityClient.Data(sseEvent);
}
