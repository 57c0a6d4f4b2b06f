using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary>Three nodes on loopback; each test uses its own users and topics.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public BrokerHost[] Nodes { get; private set; } = [];

    public async Task InitializeAsync() => Nodes = await ClusterNodes.StartThreeAsync();

    public Task DisposeAsync() => ClusterNodes.StopAllAsync(Nodes);
}

[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Cluster)]
public sealed class ClusterDeliveryTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private BrokerHost A => cluster.Nodes[0];
    private BrokerHost B => cluster.Nodes[1];
    private BrokerHost C => cluster.Nodes[2];

    [Fact]
    public async Task Event_sent_on_one_node_reaches_the_users_connections_on_the_others()
    {
        var userId = Guid.NewGuid().ToString();
        await using var onB = await B.ConnectAsync(userId);
        await using var onC = await C.ConnectAsync(userId);

        await A.Broker.SendToUserAsync(userId, "notification", "from A");

        Assert.Equal("from A", (await onB.NextEventAsync()).Data);
        Assert.Equal("from A", (await onC.NextEventAsync()).Data);
    }

    [Fact]
    public async Task A_publisher_that_waits_for_each_answer_sees_its_events_in_send_order_whichever_node_it_sends_through()
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"order-{Guid.NewGuid():N}";
        await using var user = await A.ConnectAsync(userId);
        await using var subscriber = await B.ConnectAsync(Guid.NewGuid().ToString(), topic);

        // Each send through the next node: an answer means the stream recorded it, so the next one comes after.
        for (var i = 0; i < 30; i++)
        {
            var through = cluster.Nodes[i % 3];
            await through.Broker.SendToUserAsync(userId, "n", i.ToString());
            await through.Broker.SendToTopicAsync(topic, "n", i.ToString());
        }

        foreach (var stream in new[] { user, subscriber })
        {
            var received = new List<string>();
            while (received.Count < 30)
            {
                received.Add((await stream.NextEventAsync()).Data);
            }
            Assert.Equal(Enumerable.Range(0, 30).Select(i => i.ToString()), received);
        }
    }

    [Fact]
    public async Task Send_endpoint_of_any_node_reaches_a_user_on_another_node()
    {
        var userId = Guid.NewGuid().ToString();
        await using var onA = await A.ConnectAsync(userId);

        using var response = await C.SendAsync(new { target_type = "user", user_id = userId, @event = "n", data = "via C" });

        response.EnsureSuccessStatusCode();
        Assert.Equal("via C", (await onA.NextEventAsync()).Data);
    }

    [Fact]
    public async Task Topic_event_reaches_subscribers_on_every_node_once_each()
    {
        var topic = $"orders-{Guid.NewGuid():N}";
        var streams = new List<SseStream>();
        foreach (var node in cluster.Nodes)
        {
            streams.Add(await node.ConnectAsync(Guid.NewGuid().ToString(), topic));
            streams.Add(await node.ConnectAsync(Guid.NewGuid().ToString(), topic));
        }
        try
        {
            await B.Broker.SendToTopicAsync(topic, "order", "1");
            await B.Broker.SendToTopicAsync(topic, "order", "2");

            foreach (var stream in streams)
            {
                // Same path in order: a doubled "1" would show up before "2".
                Assert.Equal("1", (await stream.NextEventAsync()).Data);
                Assert.Equal("2", (await stream.NextEventAsync()).Data);
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Broadcast_reaches_every_connection_on_every_node_exactly_once()
    {
        var streams = new List<SseStream>();
        foreach (var node in cluster.Nodes)
        {
            streams.Add(await node.ConnectAsync(Guid.NewGuid().ToString()));
        }
        try
        {
            var first = Guid.NewGuid().ToString();
            var second = Guid.NewGuid().ToString();
            await C.Broker.BroadcastAsync("announcement", first);
            await C.Broker.BroadcastAsync("announcement", second);

            foreach (var stream in streams)
            {
                // Other tests broadcast too: skip theirs, ours must come once each and in order.
                var ours = new List<string>();
                while (ours.Count < 2)
                {
                    var data = (await stream.NextEventAsync()).Data;
                    if (data == first || data == second)
                    {
                        ours.Add(data);
                    }
                }
                Assert.Equal([first, second], ours);
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Questions_are_answered_for_the_whole_cluster_from_any_node()
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"t-{Guid.NewGuid():N}";
        await using var onA = await A.ConnectAsync(userId, topic);
        await using var onB = await B.ConnectAsync(userId);

        Assert.Equal(2, await C.Broker.GetUserConnectionCountAsync(userId));
        Assert.True(await C.Broker.IsUserOnlineAsync(userId));
        Assert.Contains(userId, await C.Broker.GetOnlineUsersAsync());

        var stats = await C.Broker.GetStatsAsync();
        Assert.Equal(3, stats.Nodes.Count);
        Assert.Empty(stats.NodesNotAnswering);
        Assert.Equal(stats.Nodes.Sum(n => n.TotalClients), stats.TotalClients);
        Assert.True(stats.TotalClients >= 2);
        var json = await C.StatsAsync();
        Assert.Equal(3, json.GetProperty("nodes").GetArrayLength());
    }
}
