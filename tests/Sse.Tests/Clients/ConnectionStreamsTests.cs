using Akka.Actor;
using Sse.Actors.Clients;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Tests.Clients;

/// <summary>A connection's subscriptions and resume bookkeeping, as a plain class: no actor, no TestKit.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class ConnectionStreamsTests
{
    private static readonly StreamKey User = new StreamKey.User(Guid.NewGuid().ToString());
    private static readonly StreamKey News = StreamKey.Topic.For(Guid.NewGuid().ToString(), "news");
    private static readonly StreamKey Broadcasts = StreamKey.Broadcasts.Instance;
    private static readonly StreamKey[] Streams = [User, News, Broadcasts];

    [Fact]
    public void A_first_connection_starts_every_stream_where_it_is_now_with_no_reset_and_nothing_replayed()
    {
        var positions = new ResumingStreams(Streams);
        Acknowledge(positions, User, Now(1, 5));
        Acknowledge(positions, News, Now(2, 0));
        Acknowledge(positions, Broadcasts, Now(3, 9));

        var welcome = positions.Welcome();

        Assert.Equal([new StreamPosition(1, 5), new StreamPosition(2, 0), new StreamPosition(3, 9)], welcome.Starts!);
        Assert.Empty(welcome.Reset);
        Assert.Empty(welcome.Missed);
        Assert.Null(new ResumingStreams(Streams).Subscribe(User, Subscriber).From);
    }

    [Fact]
    public void A_resumed_connection_starts_where_it_asked_and_gets_what_it_missed_in_order()
    {
        var positions = new ResumingStreams(Streams, [new(1, 2), new(2, 0), new(3, 9)]);
        Acknowledge(positions, User, Replay(1, 4, Event(User, 1, 3), Event(User, 1, 4)));
        Acknowledge(positions, News, Replay(2, 1, Event(News, 2, 1)));
        Acknowledge(positions, Broadcasts, Replay(3, 9));

        var welcome = positions.Welcome();

        Assert.Equal([new StreamPosition(1, 2), new StreamPosition(2, 0), new StreamPosition(3, 9)], welcome.Starts!);
        Assert.Empty(welcome.Reset);
        Assert.Equal([(User.Name, 3L), (User.Name, 4L), (News.Name, 1L)], welcome.Missed.Select(e => (e.Stream!, e.Position!.Value.Seq)));
        Assert.Equal(new StreamPosition(1, 4), positions.Subscribe(User, Subscriber).From);
    }

    [Fact]
    public void A_stream_that_cannot_be_resumed_is_named_in_the_reset_and_starts_where_it_is_now()
    {
        var positions = new ResumingStreams(Streams, [new(1, 2), new(2, 0), new(3, 9)]);
        Acknowledge(positions, User, Now(1, 4));
        Acknowledge(positions, News, new StreamReplay(new StreamPosition(7, 30), Gap: true, []));
        Acknowledge(positions, Broadcasts, Now(3, 9));

        var welcome = positions.Welcome();

        Assert.Equal(["topic:news"], welcome.Reset);
        Assert.Equal(new StreamPosition(7, 30), welcome.Starts![1]);
    }

    [Fact]
    public void A_last_event_id_for_other_streams_resets_every_stream()
    {
        var positions = new ResumingStreams(Streams, resumeRefused: true);
        foreach (var stream in Streams)
        {
            Acknowledge(positions, stream, Now(1, 1));
        }

        Assert.Equal(["user", "topic:news", "broadcast"], positions.Welcome().Reset);
    }

    [Fact]
    public void An_event_at_or_before_the_connections_position_is_not_new_the_next_one_is()
    {
        var positions = Live();

        Assert.Equal(StreamAction.None, Accept(positions, Event(User, 1, 5)));
        Assert.Equal(StreamAction.Write, Accept(positions, Event(User, 1, 6)));
        Assert.Equal(StreamAction.None, Accept(positions, Event(User, 1, 6)));
        Assert.Equal(StreamAction.Write, Accept(positions, SseEncoder.Encode("heartbeat", "ping")));
    }

    [Fact]
    public void An_event_of_a_new_epoch_is_held_back_until_its_entity_acknowledges_again_with_a_reset()
    {
        var positions = Live();
        Assert.True(positions.Lost(User, Entity));

        Assert.Equal(StreamAction.None, Accept(positions, Event(User, 9, 1)));
        var resumption = Acknowledge(positions, User, Replay(9, 1, Event(User, 9, 1)));

        Assert.Equal(["user"], resumption!.Reset);
        Assert.Empty(resumption.Missed);
        Assert.Equal(StreamAction.Write, Accept(positions, Event(User, 9, 2)));
    }

    [Fact]
    public void A_moved_entity_of_the_same_epoch_replays_only_what_the_connection_has_not_seen()
    {
        var positions = Live();
        Assert.True(positions.Lost(User, Entity));
        Assert.Equal(StreamAction.Write, Accept(positions, Event(User, 1, 6)));

        var resumption = Acknowledge(positions, User, Replay(1, 7, Event(User, 1, 6), Event(User, 1, 7)));

        Assert.Empty(resumption!.Reset);
        Assert.Equal([7L], resumption.Missed.Select(e => e.Position!.Value.Seq));
    }

    [Fact]
    public void A_live_event_that_skips_ahead_repairs_its_stream_from_the_replay_instead_of_skipping()
    {
        var positions = Live();

        Assert.Equal(StreamAction.Resubscribe, positions.Accept(Event(User, 1, 7), out var repair));
        Assert.Equal(User, repair);
        Assert.Equal(StreamAction.None, Accept(positions, Event(User, 1, 7)));
        Assert.Equal(StreamAction.None, Accept(positions, Event(User, 1, 8)));
        Assert.Equal(new StreamPosition(1, 5), positions.Subscribe(User, Subscriber).From);
        var repaired = Acknowledge(positions, User, Replay(1, 8, Event(User, 1, 6), Event(User, 1, 7), Event(User, 1, 8)));

        Assert.Empty(repaired!.Reset);
        Assert.Equal([6L, 7, 8], repaired.Missed.Select(e => e.Position!.Value.Seq));
        Assert.Equal(StreamAction.Write, Accept(positions, Event(User, 1, 9)));
    }

    [Fact]
    public void A_gap_the_history_no_longer_holds_is_announced_with_a_reset()
    {
        var positions = Live();
        Assert.Equal(StreamAction.Resubscribe, Accept(positions, Event(User, 1, 50)));

        var repaired = Acknowledge(positions, User, new StreamReplay(new StreamPosition(1, 50), Gap: true, []));

        Assert.Equal(["user"], repaired!.Reset);
        Assert.Equal(StreamAction.Write, Accept(positions, Event(User, 1, 51)));
    }

    [Fact]
    public void Events_shed_on_the_way_are_caught_up_from_the_position_the_connection_has()
    {
        var positions = Live();

        Assert.Equal(StreamAction.Resubscribe, positions.Shed(User));
        // Once: the pending subscription's acknowledgement gives what was missed.
        Assert.Equal(StreamAction.None, positions.Shed(User));
        Assert.Equal(StreamAction.None, Accept(positions, Event(User, 1, 6)));
        Assert.Equal(new StreamPosition(1, 5), positions.Subscribe(User, Subscriber).From);
        var caughtUp = Acknowledge(positions, User, Replay(1, 7, Event(User, 1, 6), Event(User, 1, 7)));

        Assert.Empty(caughtUp!.Reset);
        Assert.Equal([6L, 7], caughtUp.Missed.Select(e => e.Position!.Value.Seq));
        Assert.Equal(StreamAction.Write, Accept(positions, Event(User, 1, 8)));
    }

    [Fact]
    public void Without_history_there_is_nothing_to_catch_up_from_so_events_shed_on_the_way_are_a_reset()
    {
        var streams = new ResettingStreams([User, News]);
        streams.Acknowledged(User, Entity, null, out _);

        Assert.Equal(StreamAction.Reset, streams.Shed(User));
        Assert.Equal(StreamAction.Reset, streams.Shed(Broadcasts));
        Assert.Equal(StreamAction.None, streams.Shed(StreamKey.Topic.For(null, "not-followed")));
    }

    [Fact]
    public void The_next_event_in_order_is_no_gap()
    {
        var positions = Live();

        Assert.Equal(StreamAction.Write, Accept(positions, Event(User, 1, 6)));
        Assert.Equal(StreamAction.Write, Accept(positions, Event(User, 2, 9)));
    }

    [Fact]
    public void Only_the_first_acknowledgement_of_a_pending_subscription_counts()
    {
        var streams = new ResettingStreams([User, News]);

        Assert.True(streams.Acknowledged(User, Entity, null, out _));
        Assert.False(streams.Acknowledged(User, Entity, null, out _));
        Assert.False(streams.Acknowledged(Broadcasts, Entity, null, out _));
        Assert.Equal([News], streams.Pending);
        Assert.False(streams.AllAcknowledged);
        Assert.True(streams.Lost(User, Entity));
        Assert.False(streams.Lost(User, Entity));
        Assert.Equal([User, News], streams.Pending);
    }

    [Fact]
    public void Without_history_nothing_is_resumed_numbered_or_filtered()
    {
        var streams = new ResettingStreams([User, News]);
        Assert.True(streams.Acknowledged(User, Entity, null, out _));
        Assert.True(streams.Acknowledged(News, Entity, null, out _));

        var welcome = streams.Welcome();

        Assert.Equal((0, 0), (welcome.Reset.Count, welcome.Missed.Count));
        Assert.Null(welcome.Starts);
        var sseEvent = SseEncoder.Encode("update", "x");
        Assert.Equal(StreamAction.Write, Accept(streams, sseEvent));
        Assert.Equal(StreamAction.Write, Accept(streams, sseEvent));
    }

    [Fact]
    public void Without_history_a_first_subscription_asks_from_nowhere_and_one_after_a_move_asks_as_a_return()
    {
        var streams = new ResettingStreams([User, News]);
        Assert.Null(streams.Subscribe(User, Subscriber).From);
        Assert.True(streams.Acknowledged(User, Entity, null, out _));
        Assert.True(streams.Acknowledged(News, Entity, null, out _));
        streams.Welcome();

        Assert.True(streams.Lost(User, Entity));

        Assert.Equal(NoHistory.Returning, streams.Subscribe(User, Subscriber).From);
    }

    [Fact]
    public void Without_history_a_return_to_an_entity_that_sent_events_meanwhile_is_a_reset_and_one_that_sent_none_is_silent()
    {
        static ConnectionStreams MovedAfterWelcome()
        {
            var streams = new ResettingStreams([User, News]);
            Assert.True(streams.Acknowledged(User, Entity, null, out _));
            Assert.True(streams.Acknowledged(News, Entity, null, out _));
            streams.Welcome();
            Assert.True(streams.Lost(User, Entity));
            return streams;
        }

        Assert.True(MovedAfterWelcome().Acknowledged(User, Entity, new StreamReplay(default, Gap: false, []), out var quiet));
        Assert.True(MovedAfterWelcome().Acknowledged(User, Entity, new StreamReplay(default, Gap: true, []), out var busy));

        Assert.Null(quiet);
        Assert.Equal([User.Label], busy!.Reset);
        Assert.Empty(busy.Missed);
    }

    [Fact]
    public void Without_history_a_move_before_the_welcome_is_a_reset_after_it()
    {
        var streams = new ResettingStreams([User, News]);
        Assert.True(streams.Acknowledged(User, Entity, null, out _));
        Assert.True(streams.Lost(User, Entity));
        Assert.True(streams.Acknowledged(User, Entity, new StreamReplay(default, Gap: true, []), out var resumed));
        Assert.True(streams.Acknowledged(News, Entity, null, out _));

        var welcome = streams.Welcome();

        Assert.Null(resumed);
        Assert.Equal([User.Label], welcome.Reset);
    }

    /// <summary>A connection that went live with its user stream at epoch 1, event 5.</summary>
    private static ConnectionStreams Live()
    {
        var positions = new ResumingStreams(Streams);
        Acknowledge(positions, User, Now(1, 5));
        Acknowledge(positions, News, Now(2, 0));
        Acknowledge(positions, Broadcasts, Now(3, 0));
        positions.Welcome();
        return positions;
    }

    private static StreamAction Accept(ConnectionStreams streams, SseEvent sseEvent) => streams.Accept(sseEvent, out _);

    private static readonly IActorRef Entity = ActorRefs.Nobody;
    private static readonly IActorRef Subscriber = ActorRefs.Nobody;

    /// <summary>The stream's entity acknowledges; what the connection writes at once after the welcome.</summary>
    private static Resumption? Acknowledge(ConnectionStreams streams, StreamKey stream, StreamReplay replay)
    {
        Assert.True(streams.Acknowledged(stream, Entity, replay, out var resumed));
        return resumed;
    }

    private static StreamReplay Now(uint epoch, long seq) => new(new StreamPosition(epoch, seq), Gap: false, []);

    private static StreamReplay Replay(uint epoch, long now, params SseEvent[] missed) => new(new StreamPosition(epoch, now), Gap: false, missed);

    private static SseEvent Event(StreamKey stream, uint epoch, long seq) =>
        SseEncoder.EncodeWithoutId("update", $"{seq}") with { Stream = stream.Name, Position = new StreamPosition(epoch, seq) };
}
