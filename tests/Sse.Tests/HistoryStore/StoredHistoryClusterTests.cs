using Sse.Tests.Cluster;
using Sse.Tests.Http;
using Xunit;
using Sse.Actors.Streams;

namespace Sse.Tests.HistoryStore;

/// <summary>
/// Three nodes sharing one PostgreSQL history store; the node holding a user's entity, or the broadcasts',
/// dies without leaving or handing off. The entity starts again on a survivor from the store, so a browser resumes without a reset.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Database)]
public sealed class StoredHistoryClusterTests(PostgresServer postgres)
{
    // The node's actor system stops with no leaving and no hand-off, as if killed; the others must detect and down it.
    private const string CrashOnTerminate = "akka.coordinated-shutdown.run-by-actor-system-terminate = off";

    [Fact]
    public async Task A_client_resumes_without_reset_on_another_node_after_the_node_holding_its_user_entity_dies()
    {
        var nodes = await ClusterNodes.StartThreeAsync(await SettingsAsync(), CrashOnTerminate);
        try
        {
            var (userId, victim) = await ClusterNodes.UserLivingOffTheFirstNodeAsync(nodes);
            await ResumesAfterTheDeathOfAsync(nodes, victim, nodes[0], userId,
                (node, data) => node.Broker.SendToUserAsync(userId, "update", data));
            Assert.NotEqual(victim, await ClusterNodes.NodeHoldingAsync(Survivors(nodes, victim), "sse-user", new StreamKey.User(userId).EntityId));
        }
        finally
        {
            await ClusterNodes.StopAllAsync(nodes);
        }
    }

    [Fact]
    public async Task Broadcasts_resume_without_reset_after_the_node_holding_the_broadcasts_entity_dies()
    {
        var nodes = await ClusterNodes.StartThreeAsync(await SettingsAsync(), CrashOnTerminate);
        try
        {
            // A connection subscribes to the broadcasts' entity: it exists once the welcome came.
            var userId = Guid.NewGuid().ToString();
            await using (await nodes[0].ConnectAsync(userId))
            {
            }
            var victim = await ClusterNodes.NodeHoldingAsync(nodes, "sse-broadcast", StreamKey.Broadcasts.Instance.EntityId);
            await ResumesAfterTheDeathOfAsync(nodes, victim, nodes.First(n => n != victim), userId,
                (node, data) => node.Broker.BroadcastAsync("notice", data));
            Assert.NotEqual(victim, await ClusterNodes.NodeHoldingAsync(Survivors(nodes, victim), "sse-broadcast", StreamKey.Broadcasts.Instance.EntityId));
        }
        finally
        {
            await ClusterNodes.StopAllAsync(nodes);
        }
    }

    /// <summary>
    /// The user sees one event on <paramref name="stayer"/>, misses three, and <paramref name="victim"/> dies;
    /// reconnecting to <paramref name="stayer"/> with the last id replays the three, then live events come.
    /// </summary>
    private static async Task ResumesAfterTheDeathOfAsync(BrokerHost[] nodes, BrokerHost victim, BrokerHost stayer, string userId,
        Func<BrokerHost, string, Task> send)
    {
        string lastId;
        await using (var stream = await stayer.ConnectAsync(userId))
        {
            await send(stayer, "seen");
            lastId = (await stream.NextEventAsync()).EventId!;
        }
        // Delivered to a witness means written to the store.
        await using (var witness = await stayer.ConnectAsync(userId))
        {
            for (var i = 1; i <= 3; i++)
            {
                await send(stayer, $"missed-{i}");
            }
            while ((await witness.NextEventAsync()).Data != "missed-3")
            {
            }
        }

        await victim.ActorSystem.Terminate();
        await ClusterNodes.AwaitMembersUpAsync(Survivors(nodes, victim));

        await using var resumed = await SseStream.OpenAsync(stayer.Client, BrokerHost.StreamPath(userId), lastId);
        await resumed.WelcomeAsync();
        Assert.Equal(["missed-1", "missed-2", "missed-3"],
            [(await resumed.NextEventAsync()).Data, (await resumed.NextEventAsync()).Data, (await resumed.NextEventAsync()).Data]);
        await send(stayer, "live");
        Assert.Equal("live", (await resumed.NextEventAsync()).Data);
    }

    private static BrokerHost[] Survivors(BrokerHost[] nodes, BrokerHost victim) => nodes.Where(n => n != victim).ToArray();

    private async Task<Dictionary<string, string>> SettingsAsync() => new()
    {
        ["Sse:HistorySize"] = "16",
        ["Sse:HistoryStore:Provider"] = "PostgreSql",
        ["Sse:HistoryStore:ConnectionString"] = await postgres.CreateDatabaseAsync(),
        ["Sse:EmptyEntityPassivation"] = "00:05:00",
        ["Sse:Cluster:FailureDetectionPause"] = "00:00:02",
        ["Sse:Cluster:DownUnreachableAfter"] = "00:00:02",
    };
}
