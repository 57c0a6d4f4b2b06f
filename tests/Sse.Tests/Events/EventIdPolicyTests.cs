using System.Text;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Settings;
using Sse.Actors.Streams;
using Sse.Tests.Diagnostics;

namespace Sse.Tests.Events;

[Trait("Category", TestCategories.Unit)]
public sealed class EventIdPolicyTests
{
    private static readonly string UserStream = new StreamKey.User("alice").Name;
    private static readonly string TopicStream = new StreamKey.Topic("news").Name;

    [Fact]
    public void A_published_event_is_encoded_to_the_same_bytes_without_an_id_whatever_the_history_setting()
    {
        var metrics = TestMetrics.Create();
        var off = Publication.ToUser("alice", "update", "line one\nline two", new SseOptions { HistorySize = 0 }.PublishSettings(), metrics).Event;
        var on = Publication.ToUser("alice", "update", "line one\nline two", new SseOptions { HistorySize = 10 }.PublishSettings(), metrics).Event;

        Assert.Equal(off.Utf8, on.Utf8);
        Assert.Equal("event: update\ndata: line one\ndata: line two\n\n", off.Text());
    }

    [Fact]
    public void The_policy_follows_the_history_setting()
    {
        Assert.Same(EventIdPolicy.OwnIds, EventIdPolicy.For(history: false));
        Assert.Same(EventIdPolicy.StreamPositions, EventIdPolicy.For(history: true));
    }

    [Fact]
    public void With_history_off_every_event_is_written_after_its_own_id()
    {
        var ids = EventIdPolicy.OwnIds.ForConnection([UserStream]);
        var published = SseEncoder.Encode("42", "update", "hello");

        Assert.Equal("id: 42\nevent: update\ndata: hello\n\n", Written(ids, published));
        Assert.All([ConnectionEvents.Welcome(Guid.NewGuid(), TimeSpan.FromSeconds(3)), ConnectionEvents.Heartbeat(), ConnectionEvents.Close("bye")],
            own => Assert.StartsWith($"id: {own.Id}\n", Written(ids, own)));
    }

    [Fact]
    public void With_history_off_an_id_in_any_script_is_written_as_utf8()
    {
        Assert.StartsWith("id: évènement-✓\n", Written(EventIdPolicy.OwnIds.ForConnection([]), SseEncoder.Encode("évènement-✓", "update", "x")));
    }

    [Fact]
    public void Heartbeats_have_ids_of_their_own_and_share_their_bytes()
    {
        var (first, second) = (ConnectionEvents.Heartbeat(), ConnectionEvents.Heartbeat());

        Assert.NotEqual(first.Id, second.Id);
        Assert.Same(first.Utf8, second.Utf8);
    }

    [Fact]
    public void A_reset_is_written_without_an_id_in_either_mode()
    {
        var reset = ConnectionEvents.Reset(["user"]);

        Assert.All([EventIdPolicy.OwnIds, EventIdPolicy.StreamPositions],
            policy => Assert.Equal(reset.Text(), Written(policy.ForConnection([UserStream]), reset)));
    }

    [Fact]
    public void With_history_on_a_streams_event_is_written_after_the_connections_positions()
    {
        var ids = EventIdPolicy.StreamPositions.ForConnection([UserStream, TopicStream]);
        var welcome = ConnectionEvents.Welcome(Guid.NewGuid(), TimeSpan.FromSeconds(3)) with { StartPositions = [new(7, 1), new(9, 4)] };

        Assert.StartsWith("id: v1.7-1.9-4\n", Written(ids, welcome));
        Assert.Equal("id: v1.7-1.9-5\nevent: update\ndata: x\n\n", Written(ids, Numbered(TopicStream, 9, 5)));
        Assert.StartsWith("id: v1.7-2.9-5\n", Written(ids, Numbered(UserStream, 7, 2)));
    }

    [Fact]
    public void With_history_on_the_connections_own_events_and_other_streams_events_leave_the_id_alone()
    {
        var ids = EventIdPolicy.StreamPositions.ForConnection([UserStream]);
        SseEvent[] withoutId =
        [
            ConnectionEvents.Welcome(Guid.NewGuid(), TimeSpan.FromSeconds(3)), ConnectionEvents.Heartbeat(), ConnectionEvents.Close("bye"),
            Numbered(TopicStream, 9, 5), SseEncoder.Encode("update", "of no stream"),
        ];

        Assert.All(withoutId, sseEvent => Assert.Equal(sseEvent.Text(), Written(ids, sseEvent)));
    }

    private static SseEvent Numbered(string stream, uint epoch, long seq) =>
        SseEncoder.Encode($"{seq}", "update", "x") with { Stream = stream, Position = new StreamPosition(epoch, seq) };

    private static string Written(IEventIdWriter ids, SseEvent sseEvent) => Encoding.UTF8.GetString(sseEvent.AsWritten(ids));
}
