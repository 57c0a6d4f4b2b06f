using Akka.Actor;
using Akka.TestKit;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>A user or topic entity with history on: it numbers its events, keeps the last ones and replays them to a resuming subscriber.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class EntityHistoryTests : Akka.TestKit.Xunit2.TestKit
{
    private const int HistorySize = 3;
    private readonly string _userId = Guid.NewGuid().ToString();
    private readonly UserEntityClient _client;

    public EntityHistoryTests() : base(SseTestConfig.SerializeMessages)
    {
        Sys.WithNodeExtensions();
        _client = new UserEntityClient(this, _userId);
    }

    [Fact]
    public void Events_are_numbered_from_one_within_the_entitys_epoch()
    {
        var entity = StartUser();
        var subscriber = Subscribe(entity);

        Publish(entity, "a", "b");

        var first = subscriber.ExpectMsg<SseEvent>();
        var second = subscriber.ExpectMsg<SseEvent>();
        Assert.Equal(new StreamKey.User(_userId).Name, first.Stream);
        Assert.Equal(1, first.Position!.Value.Seq);
        Assert.Equal(new StreamPosition(first.Position.Value.Epoch, 2), second.Position);
        Assert.NotEqual(0u, first.Position.Value.Epoch);
    }

    [Fact]
    public void A_retry_of_a_named_event_is_answered_with_the_first_ones_id_and_not_delivered_again()
    {
        var entity = StartUser();
        var subscriber = Subscribe(entity);

        var first = _client.PublishNamed(entity, "order-1", "a");
        var retry = _client.PublishNamed(entity, "order-1", "a again");

        Assert.Equal(first.EventId, first.RecordedAs);
        Assert.Equal(first.RecordedAs, retry.RecordedAs);
        Assert.NotEqual(retry.EventId, retry.RecordedAs);
        Assert.Equal("a", UserEntityClient.Data(subscriber.ExpectMsg<SseEvent>()));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_named_event_pushed_out_of_the_window_is_recorded_again()
    {
        var entity = StartUser();
        var first = _client.PublishNamed(entity, "order-1", "a");
        Publish(entity, [.. Enumerable.Range(0, HistorySize).Select(i => $"filler {i}")]);

        var retry = _client.PublishNamed(entity, "order-1", "a");

        Assert.Equal(retry.EventId, retry.RecordedAs);
        Assert.NotEqual(first.RecordedAs, retry.RecordedAs);
    }

    [Fact]
    public void A_first_subscription_gets_the_current_position_and_no_replay()
    {
        var entity = StartUser();
        Publish(entity, "a", "b");

        var replay = SubscribeFrom(entity, null);

        Assert.Equal(2, replay.Now.Seq);
        Assert.False(replay.Gap);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public void A_subscriber_resuming_within_the_window_gets_what_it_missed_in_order()
    {
        var entity = StartUser();
        Publish(entity, "a", "b", "c", "d");
        var epoch = SubscribeFrom(entity, null).Now.Epoch;

        var replay = SubscribeFrom(entity, new StreamPosition(epoch, 1));

        Assert.False(replay.Gap);
        Assert.Equal(["b", "c", "d"], replay.Missed.Select(Data));
        Assert.Equal([2L, 3, 4], replay.Missed.Select(e => e.Position!.Value.Seq));
    }

    [Fact]
    public void A_subscriber_that_saw_everything_gets_an_empty_replay()
    {
        var entity = StartUser();
        Publish(entity, "a");
        var now = SubscribeFrom(entity, null).Now;

        var replay = SubscribeFrom(entity, now);

        Assert.False(replay.Gap);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public void A_position_older_than_the_kept_window_is_a_gap()
    {
        var entity = StartUser();
        Publish(entity, "a", "b", "c", "d", "e");
        var epoch = SubscribeFrom(entity, null).Now.Epoch;

        Assert.True(SubscribeFrom(entity, new StreamPosition(epoch, 1)).Gap);
        Assert.Equal(["c", "d", "e"], SubscribeFrom(entity, new StreamPosition(epoch, 2)).Missed.Select(Data));
    }

    [Fact]
    public void A_position_ahead_of_the_stream_is_forged_and_a_gap()
    {
        var entity = StartUser();
        Publish(entity, "a");
        var epoch = SubscribeFrom(entity, null).Now.Epoch;

        var replay = SubscribeFrom(entity, new StreamPosition(epoch, 2));

        Assert.True(replay.Gap);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public void A_position_of_another_epoch_is_a_gap()
    {
        var entity = StartUser();
        Publish(entity, "a", "b");
        var epoch = SubscribeFrom(entity, null).Now.Epoch;

        Assert.True(SubscribeFrom(entity, new StreamPosition(unchecked(epoch + 1), 1)).Gap);
    }

    [Fact]
    public void A_restarted_entity_has_another_epoch()
    {
        var before = SubscribeFrom(StartUser(), null).Now.Epoch;

        Assert.NotEqual(before, SubscribeFrom(StartUser(), null).Now.Epoch);
    }

    [Fact]
    public void Events_published_after_the_resume_follow_the_replay_in_order()
    {
        var entity = StartUser();
        Publish(entity, "a", "b");
        var epoch = SubscribeFrom(entity, null).Now.Epoch;
        var resuming = CreateTestProbe();

        entity.Tell(new SubscribeToStream(new StreamKey.User(_userId), resuming.Ref, new StreamPosition(epoch, 1)));
        Publish(entity, "c");

        Assert.Equal(["b"], resuming.ExpectMsg<SubscribedToStream>().Replay!.Missed.Select(Data));
        Assert.Equal(new StreamPosition(epoch, 3), resuming.ExpectMsg<SseEvent>().Position);
    }

    [Fact]
    public void A_topic_entity_keeps_its_history_too()
    {
        var entity = Sys.ActorOf(Entities.Topic("news", TimeSpan.FromMinutes(1), HistorySize));
        entity.Tell(new StreamProtocol.PublishToStream(new StreamKey.Topic("news"), SseEncoder.Encode("update", "a")), ActorRefs.NoSender);
        var probe = CreateTestProbe();
        entity.Tell(new StreamProtocol.SubscribeToStream(new StreamKey.Topic("news"), probe.Ref));
        var epoch = probe.ExpectMsg<StreamProtocol.SubscribedToStream>().Replay!.Now.Epoch;

        entity.Tell(new StreamProtocol.SubscribeToStream(new StreamKey.Topic("news"), probe.Ref, new StreamPosition(epoch, 0)));

        var missed = Assert.Single(probe.ExpectMsg<StreamProtocol.SubscribedToStream>().Replay!.Missed);
        Assert.Equal(new StreamKey.Topic("news").Name, missed.Stream);
    }

    [Fact]
    public void Without_history_events_carry_no_position_and_acknowledgements_no_replay()
    {
        var entity = Sys.ActorOf(Entities.User(_userId, TimeSpan.FromMinutes(1)));
        var probe = CreateTestProbe();

        entity.Tell(new SubscribeToStream(new StreamKey.User(_userId), probe.Ref));
        Assert.Null(probe.ExpectMsg<SubscribedToStream>().Replay);
        Publish(entity, "a");

        var sseEvent = probe.ExpectMsg<SseEvent>();
        Assert.Null(sseEvent.Stream);
        Assert.Null(sseEvent.Position);
    }

    /// <summary>
    /// History off, a subscriber of an earlier incarnation (the stream moved) comes back: an entity that has sent nothing
    /// yet says there is no gap, one that sent events before it came back says there is one (its connection writes a reset).
    /// </summary>
    [Fact]
    public void Without_history_a_returning_subscriber_is_told_whether_events_went_out_before_it_came_back()
    {
        var stream = new StreamKey.User(_userId);
        var entity = Sys.ActorOf(Entities.User(_userId, TimeSpan.FromMinutes(1)));
        var early = CreateTestProbe();
        entity.Tell(new SubscribeToStream(stream, early.Ref, NoHistory.Returning));
        Assert.False(early.ExpectMsg<SubscribedToStream>().Replay!.Gap);

        Publish(entity, "a");
        var late = CreateTestProbe();
        entity.Tell(new SubscribeToStream(stream, late.Ref, NoHistory.Returning));

        var replay = late.ExpectMsg<SubscribedToStream>().Replay!;
        Assert.True(replay.Gap);
        Assert.Empty(replay.Missed);
    }

    [Fact]
    public void An_entity_whose_history_holds_events_outlives_its_last_subscriber_for_the_retention()
    {
        var shard = CreateTestProbe();
        var entity = shard.ChildActorOf(Entities.User(_userId, TimeSpan.FromMilliseconds(200), HistorySize, historyRetention: TimeSpan.FromSeconds(1.5)));
        var subscriber = Subscribe(entity);
        Publish(entity, "a");
        subscriber.ExpectMsg<SseEvent>();

        entity.Tell(new UnsubscribeFromStream(new StreamKey.User(_userId), subscriber.Ref));

        // Well past the empty passivation, still alive for a browser coming back...
        shard.ExpectNoMsg(TimeSpan.FromMilliseconds(800));
        // ...and passivated once the retention is over.
        shard.ExpectMsg<Akka.Cluster.Sharding.Passivate>(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void An_entity_without_events_passivates_after_the_empty_passivation_whatever_the_retention()
    {
        var shard = CreateTestProbe();
        var entity = shard.ChildActorOf(Entities.User(_userId, TimeSpan.FromMilliseconds(200), HistorySize, historyRetention: TimeSpan.FromMinutes(10)));
        var subscriber = Subscribe(entity);

        entity.Tell(new UnsubscribeFromStream(new StreamKey.User(_userId), subscriber.Ref));

        shard.ExpectMsg<Akka.Cluster.Sharding.Passivate>(TimeSpan.FromSeconds(5));
    }

    private IActorRef StartUser() => Sys.ActorOf(Entities.User(_userId, TimeSpan.FromMinutes(1), HistorySize));

    private void Publish(IActorRef entity, params string[] data) => _client.Publish(entity, data);

    private TestProbe Subscribe(IActorRef entity) => _client.Subscribe(entity);

    private StreamReplay SubscribeFrom(IActorRef entity, StreamPosition? from) => _client.SubscribeFrom(entity, from);

    private static string Data(SseEvent sseEvent) => UserEntityClient.Data(sseEvent);
}
