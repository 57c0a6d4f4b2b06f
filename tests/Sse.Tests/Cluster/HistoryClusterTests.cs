using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Sse.Actors.Events;
using Sse.Tests.Http;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Tests.Cluster;

/// <summary>Three nodes with history on, empty entities kept 5 minutes so a reconnect finds its history.</summary>
public sealed class HistoryCluster : IAsyncLifetime
{
    // Holds a reconnect test's seen, missed and racing events (1 + 3 + at most 40 per stream), and a large replay's 60 events.
    public const int HistorySize = 64;

    public BrokerHost[] Nodes { get; private set; } = [];

    public async Task InitializeAsync() => Nodes = await ClusterNodes.StartThreeAsync(new Dictionary<string, string>
    {
        ["Sse:HistorySize"] = HistorySize.ToString(CultureInfo.InvariantCulture),
        ["Sse:EmptyEntityPassivation"] = "00:05:00",
    });

    public Task DisposeAsync() => ClusterNodes.StopAllAsync(Nodes);
}

[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Cluster)]
public sealed class HistoryClusterTests(HistoryCluster cluster) : IClassFixture<HistoryCluster>
{
    private const int Missed = 3;

    // Racing events stop at the welcome or here, so missed and racing events stay within the history.
    private const int MaxRacing = 40;

    [Fact]
    public async Task Reconnecting_to_another_node_replays_what_each_stream_missed_in_order_then_live_events_once()
    {
        var (userId, topic, first, second, sender) = await StreamsLivingOffTheReconnectNodeAsync();
        // Another tab of the user on the reconnect node: that node's broker then also hands the
        // reconnecting connection the live events of both streams, before its acknowledgements arrive.
        await using var otherTab = await second.ConnectAsync(userId, topic);
        var lastId = await LastIdAfterOneEventPerStreamAsync(first, userId, topic);
        List<string> user = [], topicEvents = [];
        for (var i = 1; i <= Missed; i++)
        {
            await SendAsync(sender, userId, topic, $"missed-{i}", user, topicEvents);
        }

        // Live events race the reconnect until its welcome, then a few more: each must arrive once, after its stream's replay.
        var reconnecting = ReconnectAsync(second, userId, topic, lastId);
        for (var i = 1; !reconnecting.IsCompleted && i <= MaxRacing; i++)
        {
            await SendAsync(sender, userId, topic, $"racing-{i}", user, topicEvents);
        }
        await using var stream = await reconnecting;
        for (var i = 1; i <= 2; i++)
        {
            await SendAsync(sender, userId, topic, $"live-{i}", user, topicEvents);
        }

        var marker = $"marker-{Guid.NewGuid():N}";
        await SendAsync(sender, userId, topic, marker, user, topicEvents);
        var received = new List<(string Data, string? Id)>();
        while (received.Count(r => r.Data.EndsWith(marker, StringComparison.Ordinal)) < 2)
        {
            var item = await stream.NextEventAsync();
            received.Add((item.Data, item.EventId));
        }
        Assert.Equal(user, received.Select(r => r.Data).Where(d => d.StartsWith("user-", StringComparison.Ordinal)));
        Assert.Equal(topicEvents, received.Select(r => r.Data).Where(d => d.StartsWith("topic-", StringComparison.Ordinal)));
        // The same streams, resumed: the epochs of the first connection's id, each stream at its last event.
        // (user, topic, broadcasts): this test sends no broadcast, so only the first two move.
        Assert.True(PositionVector.TryParse(lastId, 3, out var before));
        Assert.True(PositionVector.TryParse(received[^1].Id, 3, out var after));
        Assert.Equal([before[0] with { Seq = 1 + user.Count }, before[1] with { Seq = 1 + topicEvents.Count }, before[2]], after);
    }

    [Fact]
    public async Task Reconnecting_to_another_node_after_more_than_the_history_gets_a_reset_then_live_events()
    {
        var (userId, topic, first, second, sender) = await StreamsLivingOffTheReconnectNodeAsync();
        var lastId = await LastIdAfterOneEventPerStreamAsync(first, userId, topic);
        // A send is accepted before its entity records it: another connection tells when both entities have.
        await using var witness = await first.ConnectAsync(userId, topic);
        for (var i = 1; i <= HistoryCluster.HistorySize + 1; i++)
        {
            await sender.Broker.SendToUserAsync(userId, "update", $"user-missed-{i}");
            await sender.Broker.SendToTopicAsync(topic, "update", $"topic-missed-{i}");
        }
        HashSet<string> lastOfEach = [$"user-missed-{HistoryCluster.HistorySize + 1}", $"topic-missed-{HistoryCluster.HistorySize + 1}"];
        while (lastOfEach.Count > 0)
        {
            lastOfEach.Remove((await witness.NextEventAsync()).Data);
        }

        await using var stream = await SseStream.OpenAsync(second.Client, BrokerHost.StreamPath(userId, topic), lastId);
        await stream.WelcomeAsync();

        var reset = await stream.NextEventAsync();
        Assert.Equal("reset", reset.EventType);
        using var data = JsonDocument.Parse(reset.Data);
        Assert.Equal(["user", $"topic:{topic}"], data.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetString()));
        await AssertNextAreOnlyMarkersAsync(stream, sender, userId, topic);
    }

    [Fact]
    public async Task Reconnecting_to_another_node_replays_the_missed_broadcasts_from_the_broadcast_entity_once()
    {
        var userId = Guid.NewGuid().ToString();
        // The broadcast entity exists once any connection subscribed; reconnect on a node that does not hold it.
        await using (await cluster.Nodes[0].ConnectAsync(userId))
        {
        }
        var holder = await ClusterNodes.NodeHoldingAsync(cluster.Nodes, "sse-broadcast", StreamKey.Broadcasts.Instance.EntityId);
        var others = cluster.Nodes.Where(n => n != holder).ToArray();
        var (first, second) = (others[0], others[1]);

        string lastId;
        await using (var stream = await first.ConnectAsync(userId))
        {
            await holder.Broker.BroadcastAsync("notice", "seen");
            var seen = await stream.NextEventAsync();
            Assert.Equal("seen", seen.Data);
            lastId = seen.EventId!;
        }
        for (var i = 1; i <= Missed; i++)
        {
            await holder.Broker.BroadcastAsync("notice", $"missed-{i}");
        }

        await using var resumed = await SseStream.OpenAsync(second.Client, BrokerHost.StreamPath(userId), lastId);
        await resumed.WelcomeAsync();
        await first.Broker.BroadcastAsync("notice", "live");

        List<string> received = [];
        for (var i = 0; i < Missed + 1; i++)
        {
            received.Add((await resumed.NextEventAsync()).Data);
        }
        Assert.Equal(["missed-1", "missed-2", "missed-3", "live"], received);
        // Nothing doubled is queued behind them.
        await second.Broker.SendToUserAsync(userId, "marker", "after");
        Assert.Equal("after", (await resumed.NextEventAsync()).Data);
    }

    /// <summary>
    /// A user and a topic whose entities both live off <c>Second</c>, a node other than <c>First</c>: a replay
    /// to a connection on <c>Second</c> then travels in an acknowledgement from another node. Sharding places
    /// entities by hash, so new ids are drawn until such a node exists; <c>Sender</c> is the third node.
    /// </summary>
    private async Task<(string UserId, string Topic, BrokerHost First, BrokerHost Second, BrokerHost Sender)> StreamsLivingOffTheReconnectNodeAsync()
    {
        var nodes = cluster.Nodes;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var userId = Guid.NewGuid().ToString();
            var topic = $"news-{Guid.NewGuid():N}";
            // The welcome comes once both entities acknowledged: they exist from then on.
            await using (await nodes[0].ConnectAsync(userId, topic))
            {
            }
            var userNode = await ClusterNodes.NodeHoldingAsync(nodes, "sse-user", new StreamKey.User(userId).EntityId);
            var topicNode = await ClusterNodes.NodeHoldingAsync(nodes, "sse-topic", topic);
            var second = Array.FindIndex(nodes, n => n != nodes[0] && n != userNode && n != topicNode);
            if (second >= 0)
            {
                var sender = nodes.First(n => n != nodes[0] && n != nodes[second]);
                return (userId, topic, nodes[0], nodes[second], sender);
            }
        }
        throw new InvalidOperationException("no user and topic found whose entities live off a node other than the first");
    }

    [Fact]
    public async Task A_replay_to_another_node_larger_than_akka_remotes_default_frame_arrives_whole()
    {
        var (userId, topic, first, second, sender) = await StreamsLivingOffTheReconnectNodeAsync();
        var lastId = await LastIdAfterOneEventPerStreamAsync(first, userId, topic);
        // 60 events of 4 KB: about 250 KB in one replay, over the 128,000-byte default frame; akka.hocon allows 4 MiB.
        var padding = new string('x', 4096);
        var sent = Enumerable.Range(1, 60).Select(i => $"big-{i}-{padding}").ToList();
        foreach (var data in sent)
        {
            await sender.Broker.SendToUserAsync(userId, "update", data);
        }

        await using var stream = await ReconnectAsync(second, userId, topic, lastId);
        var received = new List<string>();
        while (received.Count < sent.Count)
        {
            var item = await stream.NextEventAsync();
            Assert.NotEqual("reset", item.EventType);
            received.Add(item.Data);
        }
        Assert.Equal(sent, received);
    }

    /// <summary>Connects to <paramref name="node"/>, receives one event of each stream, disconnects: the id a browser would send back.</summary>
    private static async Task<string> LastIdAfterOneEventPerStreamAsync(BrokerHost node, string userId, string topic)
    {
        await using var stream = await node.ConnectAsync(userId, topic);
        await node.Broker.SendToUserAsync(userId, "update", "user-seen");
        Assert.Equal("user-seen", (await stream.NextEventAsync()).Data);
        await node.Broker.SendToTopicAsync(topic, "update", "topic-seen");
        var last = await stream.NextEventAsync();
        Assert.Equal("topic-seen", last.Data);
        return last.EventId!;
    }

    /// <summary>Sends <paramref name="data"/> to the user and to the topic, each prefixed with its stream, and notes what each stream should carry.</summary>
    private static async Task SendAsync(BrokerHost sender, string userId, string topic, string data, List<string> user, List<string> topicEvents)
    {
        user.Add($"user-{data}");
        await sender.Broker.SendToUserAsync(userId, "update", $"user-{data}");
        topicEvents.Add($"topic-{data}");
        await sender.Broker.SendToTopicAsync(topic, "update", $"topic-{data}");
    }

    private static async Task<SseStream> ReconnectAsync(BrokerHost node, string userId, string topic, string lastId)
    {
        var stream = await SseStream.OpenAsync(node.Client, BrokerHost.StreamPath(userId, topic), lastId);
        await stream.WelcomeAsync();
        return stream;
    }

    /// <summary>A marker sent now on each stream is all that comes next: nothing (a duplicate) is queued before it on either stream.</summary>
    private static async Task AssertNextAreOnlyMarkersAsync(SseStream stream, BrokerHost sender, string userId, string topic)
    {
        var marker = $"marker-{Guid.NewGuid():N}";
        await sender.Broker.SendToUserAsync(userId, "marker", $"user-{marker}");
        await sender.Broker.SendToTopicAsync(topic, "marker", $"topic-{marker}");
        var next = new[] { (await stream.NextEventAsync()).Data, (await stream.NextEventAsync()).Data };
        Assert.Equal([$"topic-{marker}", $"user-{marker}"], next.Order(StringComparer.Ordinal));
    }
}
