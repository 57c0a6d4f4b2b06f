using Sse.Actors.Events;
using Sse.Actors.History;

namespace Sse.Tests.Streams;

/// <summary>A stream's history as an entity hands it over: at most one remote message of its newest events, resumed as it was.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class StreamHistorySnapshotTests
{
    private static readonly SseEvent Event = SseEncoder.Encode("update", "x");

    [Fact]
    public void A_snapshot_keeps_only_the_newest_events_that_fit_and_the_restored_stream_is_a_gap_before_them()
    {
        var history = new HistoryRing(10);
        for (var i = 0; i < 5; i++)
        {
            history.Append("u:1", Event);
        }
        var one = HistoryRing.WireCost(Event with { Stream = "u:1", Position = new StreamPosition(1, 1) });

        var snapshot = history.Snapshot(maxBytes: 2 * one);
        var restored = new HistoryRing(10);
        restored.Restore(snapshot);

        Assert.Equal([4L, 5], snapshot.Events.Select(e => e.Position!.Value.Seq));
        Assert.Equal([5L], restored.ReplayAfter(new StreamPosition(history.Epoch, 4)).Missed.Select(e => e.Position!.Value.Seq));
        Assert.Equal(2, restored.ReplayAfter(new StreamPosition(history.Epoch, 3)).Missed.Count);
        Assert.True(restored.ReplayAfter(new StreamPosition(history.Epoch, 2)).Gap);
        Assert.Equal(new StreamPosition(history.Epoch, 6), restored.Append("u:1", Event).Position);
    }

    [Fact]
    public void A_restored_stream_keeps_at_most_its_own_size()
    {
        var history = new HistoryRing(5);
        for (var i = 0; i < 5; i++)
        {
            history.Append("u:1", Event);
        }

        var smaller = new HistoryRing(2);
        smaller.Restore(history.Snapshot(long.MaxValue));

        Assert.Equal([4L, 5], smaller.ReplayAfter(new StreamPosition(history.Epoch, 3)).Missed.Select(e => e.Position!.Value.Seq));
        Assert.True(smaller.ReplayAfter(new StreamPosition(history.Epoch, 2)).Gap);
    }
}
