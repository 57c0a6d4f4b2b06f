using Sse.Actors.Clients;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Tests.Clients;

/// <summary>A connection's resume bookkeeping, as a plain class: no actor, no TestKit.</summary>
public sealed class StreamPositionsTests
{
    private static readonly StreamKey User = new StreamKey.User(Guid.NewGuid());
    private static readonly StreamKey News = StreamKey.Topic.For(Guid.NewGuid(), "news");
    private static readonly StreamKey Broadcasts = StreamKey.Broadcasts.Instance;
    private static readonly StreamKey[] Streams = [User, News, Broadcasts];

    [Fact]
    public void A_first_connection_starts_every_stream_where_it_is_now_with_no_reset_and_nothing_replayed()
    {
        var positions = new StreamPositions(Streams);
        positions.Acknowledged(User, Now(1, 5));
        positions.Acknowledged(News, Now(2, 0));
        positions.Acknowledged(Broadcasts, Now(3, 9));

        var welcome = positions.Welcome();

        Assert.Equal([new StreamPosition(1, 5), new StreamPosition(2, 0), new StreamPosition(3, 9)], welcome.Starts!);
        Assert.Empty(welcome.Reset);
        Assert.Empty(welcome.Missed);
        Assert.Null(new StreamPositions(Streams).ResumeFrom(User));
    }

    [Fact]
    public void A_resumed_connection_starts_where_it_asked_and_gets_what_it_missed_in_order()
    {
        var positions = new StreamPositions(Streams, [new(1, 2), new(2, 0), new(3, 9)]);
        positions.Acknowledged(User, Replay(1, 4, Event(User, 1, 3), Event(User, 1, 4)));
        positions.Acknowledged(News, Replay(2, 1, Event(News, 2, 1)));
        positions.Acknowledged(Broadcasts, Replay(3, 9));

        var welcome = positions.Welcome();

        Assert.Equal([new StreamPosition(1, 2), new StreamPosition(2, 0), new StreamPosition(3, 9)], welcome.Starts!);
        Assert.Empty(welcome.Reset);
        Assert.Equal([(User.Name, 3L), (User.Name, 4L), (News.Name, 1L)], welcome.Missed.Select(e => (e.Stream!, e.Position!.Value.Seq)));
        Assert.Equal(new StreamPosition(1, 4), positions.ResumeFrom(User));
    }

    [Fact]
    public void A_stream_that_cannot_be_resumed_is_named_in_the_reset_and_starts_where_it_is_now()
    {
        var positions = new StreamPositions(Streams, [new(1, 2), new(2, 0), new(3, 9)]);
        positions.Acknowledged(User, Now(1, 4));
        positions.Acknowledged(News, new StreamReplay(new StreamPosition(7, 30), Gap: true, []));
        positions.Acknowledged(Broadcasts, Now(3, 9));

        var welcome = positions.Welcome();

        Assert.Equal(["topic:news"], welcome.Reset);
        Assert.Equal(new StreamPosition(7, 30), welcome.Starts![1]);
    }

    [Fact]
    public void A_last_event_id_for_other_streams_resets_every_stream()
    {
        var positions = new StreamPositions(Streams, resumeRefused: true);
        foreach (var stream in Streams)
        {
            positions.Acknowledged(stream, Now(1, 1));
        }

        Assert.Equal(["user", "topic:news", "broadcast"], positions.Welcome().Reset);
    }

    [Fact]
    public void An_event_at_or_before_the_connections_position_is_not_new_the_next_one_is()
    {
        var positions = Live();

        Assert.False(positions.IsNew(Event(User, 1, 5)));
        Assert.True(positions.IsNew(Event(User, 1, 6)));
        Assert.False(positions.IsNew(Event(User, 1, 6)));
        Assert.True(positions.IsNew(SseEncoder.Encode("heartbeat", "ping")));
    }

    [Fact]
    public void An_event_of_a_new_epoch_is_held_back_until_its_entity_acknowledges_again_with_a_reset()
    {
        var positions = Live();
        positions.Lost(User);

        Assert.False(positions.IsNew(Event(User, 9, 1)));
        var resumption = positions.Resubscribed(User, Replay(9, 1, Event(User, 9, 1)));

        Assert.Equal(["user"], resumption.Reset);
        Assert.Empty(resumption.Missed);
        Assert.True(positions.IsNew(Event(User, 9, 2)));
    }

    [Fact]
    public void A_moved_entity_of_the_same_epoch_replays_only_what_the_connection_has_not_seen()
    {
        var positions = Live();
        positions.Lost(User);
        Assert.True(positions.IsNew(Event(User, 1, 6)));

        var resumption = positions.Resubscribed(User, Replay(1, 7, Event(User, 1, 6), Event(User, 1, 7)));

        Assert.Empty(resumption.Reset);
        Assert.Equal([7L], resumption.Missed.Select(e => e.Position!.Value.Seq));
    }

    /// <summary>A connection that went live with its user stream at epoch 1, event 5.</summary>
    private static StreamPositions Live()
    {
        var positions = new StreamPositions(Streams);
        positions.Acknowledged(User, Now(1, 5));
        positions.Acknowledged(News, Now(2, 0));
        positions.Acknowledged(Broadcasts, Now(3, 0));
        positions.Welcome();
        return positions;
    }

    private static StreamReplay Now(uint epoch, long seq) => new(new StreamPosition(epoch, seq), Gap: false, []);

    private static StreamReplay Replay(uint epoch, long now, params SseEvent[] missed) => new(new StreamPosition(epoch, now), Gap: false, missed);

    private static SseEvent Event(StreamKey stream, uint epoch, long seq) =>
        SseEncoder.EncodeWithoutId("update", $"{seq}") with { Stream = stream.Name, Position = new StreamPosition(epoch, seq) };
}
