using System.Globalization;
using Sse.Actors.Streams;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary>History on, sharding moves entities (a node leaves gracefully, or joins): they take their history to their next incarnation.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Cluster)]
public sealed class HistoryHandoverClusterTests
{
    [Fact]
    public async Task A_client_resumes_without_reset_after_the_node_holding_its_user_entity_leaves_gracefully()
    {
        var nodes = await ClusterNodes.StartThreeAsync(Settings);
        try
        {
            var (userId, leaving) = await ClusterNodes.UserLivingOffTheFirstNodeAsync(nodes);
            var stayer = nodes[0];
            string lastId;
            await using (var stream = await stayer.ConnectAsync(userId))
            {
                await stayer.Broker.SendToUserAsync(userId, "update", "seen");
                var seen = await stream.NextEventAsync();
                Assert.Equal("seen", seen.Data);
                lastId = seen.EventId!;
            }
            // A send is accepted before the entity records it: a witness connection tells when it has.
            await using (var witness = await stayer.ConnectAsync(userId))
            {
                for (var i = 1; i <= 3; i++)
                {
                    await stayer.Broker.SendToUserAsync(userId, "update", $"missed-{i}");
                }
                while ((await witness.NextEventAsync()).Data != "missed-3")
                {
                }
            }

            await leaving.StopAsync();
            var survivors = nodes.Where(n => n != leaving).ToArray();
            await ClusterNodes.AwaitMembersUpAsync(survivors);

            await using var resumed = await SseStream.OpenAsync(stayer.Client, BrokerHost.StreamPath(userId), lastId);
            await resumed.WelcomeAsync();
            Assert.Equal(["missed-1", "missed-2", "missed-3"],
                [(await resumed.NextEventAsync()).Data, (await resumed.NextEventAsync()).Data, (await resumed.NextEventAsync()).Data]);
            await stayer.Broker.SendToUserAsync(userId, "update", "live");
            Assert.Equal("live", (await resumed.NextEventAsync()).Data);
            Assert.NotEqual(leaving, await ClusterNodes.NodeHoldingAsync(survivors, "sse-user", new StreamKey.User(userId).EntityId));
        }
        finally
        {
            await ClusterNodes.StopAllAsync(nodes);
        }
    }

    [Fact]
    public async Task A_client_resumes_without_reset_after_a_joining_node_took_its_user_entity()
    {
        var (a, seed) = await ClusterNodes.StartSeedAsync(Settings);
        var b = await ClusterNodes.StartMemberAsync(seed, Settings);
        BrokerHost? c = null;
        try
        {
            await ClusterNodes.AwaitMembersUpAsync(a, b);
            var lastIds = new Dictionary<string, string>();
            for (var i = 0; i < 12; i++)
            {
                var userId = Guid.NewGuid().ToString();
                await using var stream = await a.ConnectAsync(userId);
                await a.Broker.SendToUserAsync(userId, "update", "seen");
                lastIds[userId] = (await stream.NextEventAsync()).EventId!;
            }

            c = await ClusterNodes.StartMemberAsync(seed, Settings);
            await ClusterNodes.AwaitMembersUpAsync(a, b, c);
            // Events keep coming while shards move to the new node, until one of the users' entities lives there.
            var sent = new List<string>();
            string? moved = null;
            for (var round = 1; moved is null && round <= 40; round++)
            {
                sent.Add($"r{round}");
                foreach (var userId in lastIds.Keys)
                {
                    await SendUntilRecordedAsync(a, userId, $"r{round}");
                }
                await Task.Delay(250);
                foreach (var userId in lastIds.Keys)
                {
                    if (await ClusterNodes.FindNodeHoldingAsync([a, b, c], "sse-user", new StreamKey.User(userId).EntityId) == c)
                    {
                        moved = userId;
                        break;
                    }
                }
            }
            Assert.NotNull(moved);

            await using var resumed = await SseStream.OpenAsync(a.Client, BrokerHost.StreamPath(moved), lastIds[moved]);
            await resumed.WelcomeAsync();
            var received = new List<string>();
            while (received.Count < sent.Count)
            {
                received.Add((await resumed.NextEventAsync()).Data);
            }
            Assert.Equal(sent, received);
        }
        finally
        {
            if (c is not null)
            {
                await c.DisposeAsync();
            }
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    /// <summary>
    /// As a publisher should: a send refused while its entity moves (not recorded within the publish timeout) is
    /// retried with the same message id, which the stream records once.
    /// </summary>
    private static async Task SendUntilRecordedAsync(BrokerHost sender, string userId, string data)
    {
        var messageId = $"{userId}-{data}";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sender.Broker.SendToUserAsync(userId, "update", data, messageId);
                return;
            }
            catch (Sse.Actors.Broker.PublishOutcomeUnknownException) when (attempt < 5)
            {
            }
        }
    }

    private static Dictionary<string, string> Settings => new()
    {
        ["Sse:HistorySize"] = HistoryCluster.HistorySize.ToString(CultureInfo.InvariantCulture),
        ["Sse:EmptyEntityPassivation"] = "00:05:00",
    };
}
