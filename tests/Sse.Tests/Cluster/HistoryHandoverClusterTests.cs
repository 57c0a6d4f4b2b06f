using System.Globalization;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary>History on, a node leaves gracefully: its entities leave their history to their next incarnation elsewhere.</summary>
public sealed class HistoryHandoverClusterTests
{
    [Fact]
    public async Task A_client_resumes_without_reset_after_the_node_holding_its_user_entity_leaves_gracefully()
    {
        var nodes = await ClusterNodes.StartThreeAsync(new Dictionary<string, string>
        {
            ["Sse:HistorySize"] = HistoryCluster.HistorySize.ToString(CultureInfo.InvariantCulture),
            ["Sse:EmptyEntityPassivation"] = "00:05:00",
        });
        try
        {
            var (userId, leaving) = await UserLivingOffTheFirstNodeAsync(nodes);
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
            Assert.NotEqual(leaving, await ClusterNodes.NodeHoldingAsync(survivors, "sse-user", userId.ToString("N")));
        }
        finally
        {
            await ClusterNodes.StopAllAsync(nodes);
        }
    }

    /// <summary>A user whose entity sharding placed on a node other than the first (the seed, which stays).</summary>
    private static async Task<(Guid UserId, BrokerHost Holder)> UserLivingOffTheFirstNodeAsync(BrokerHost[] nodes)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var userId = Guid.NewGuid();
            // The welcome comes once the entity acknowledged: it exists from then on.
            await using (await nodes[0].ConnectAsync(userId))
            {
            }
            var holder = await ClusterNodes.NodeHoldingAsync(nodes, "sse-user", userId.ToString("N"));
            if (holder != nodes[0])
            {
                return (userId, holder);
            }
        }
        throw new InvalidOperationException("no user found whose entity lives off the first node");
    }
}
