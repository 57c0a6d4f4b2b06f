using Sse.Tests.Cluster;
using Sse.Tests.Http;
using Xunit;

namespace Sse.Tests.HistoryStore;

/// <summary>
/// Three nodes sharing one PostgreSQL history store; the node holding a user's entity dies without
/// leaving or handing off. The entity starts again on a survivor from the store, so a browser resumes without a reset.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StoredHistoryClusterTests(PostgresServer postgres)
{
    // The node's actor system stops with no leaving and no hand-off, as if killed; the others must detect and down it.
    private const string CrashOnTerminate = "akka.coordinated-shutdown.run-by-actor-system-terminate = off";

    [Fact]
    public async Task A_client_resumes_without_reset_on_another_node_after_the_node_holding_its_user_entity_dies()
    {
        var settings = new Dictionary<string, string>
        {
            ["Sse:HistorySize"] = "16",
            ["Sse:HistoryStore:Provider"] = "PostgreSql",
            ["Sse:HistoryStore:ConnectionString"] = await postgres.CreateDatabaseAsync(),
            ["Sse:EmptyEntityPassivation"] = "00:05:00",
            ["Sse:Cluster:FailureDetectionPause"] = "00:00:02",
            ["Sse:Cluster:DownUnreachableAfter"] = "00:00:02",
        };
        var nodes = await ClusterNodes.StartThreeAsync(settings, CrashOnTerminate);
        try
        {
            var (userId, victim) = await ClusterNodes.UserLivingOffTheFirstNodeAsync(nodes);
            var stayer = nodes[0];
            string lastId;
            await using (var stream = await stayer.ConnectAsync(userId))
            {
                await stayer.Broker.SendToUserAsync(userId, "update", "seen");
                lastId = (await stream.NextEventAsync()).EventId!;
            }
            // Delivered to a witness means written to the store.
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

            await victim.ActorSystem.Terminate();
            var survivors = nodes.Where(n => n != victim).ToArray();
            await ClusterNodes.AwaitMembersUpAsync(survivors);

            await using var resumed = await SseStream.OpenAsync(stayer.Client, BrokerHost.StreamPath(userId), lastId);
            await resumed.WelcomeAsync();
            Assert.Equal(["missed-1", "missed-2", "missed-3"],
                [(await resumed.NextEventAsync()).Data, (await resumed.NextEventAsync()).Data, (await resumed.NextEventAsync()).Data]);
            await stayer.Broker.SendToUserAsync(userId, "update", "live");
            Assert.Equal("live", (await resumed.NextEventAsync()).Data);
            Assert.NotEqual(victim, await ClusterNodes.NodeHoldingAsync(survivors, "sse-user", userId.ToString("N")));
        }
        finally
        {
            await ClusterNodes.StopAllAsync(nodes);
        }
    }
}
