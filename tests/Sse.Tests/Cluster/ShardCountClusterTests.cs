namespace Sse.Tests.Cluster;

/// <summary>
/// Nodes must agree on <c>Sse:ShardCount</c>, or one stream could get an entity in two shards: a real process that
/// joins with another count is refused at join. It says why, leaves and exits; the cluster carries on without it.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Cluster)]
public sealed class ShardCountClusterTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_that_joins_with_another_shard_count_leaves_and_stops_saying_why()
    {
        var settings = new Dictionary<string, string> { ["Sse:Auth:AllowQueryString"] = "true", ["Sse:Publish:AllowAnonymous"] = "true" };
        var seedPort = ClusterNodes.FreePort();
        await using var first = HostProcess.Start($"akka.tcp://sse@127.0.0.1:{seedPort}", seedPort, settings);
        await Eventually.HoldsAsync(first.IsReadyAsync, Limit, "the first node ready");

        await using var odd = HostProcess.Start(first.Address, ClusterNodes.FreePort(), new Dictionary<string, string>(settings) { ["Sse:ShardCount"] = "50" });

        await odd.WaitForExitAsync(Limit);
        Assert.Contains("Sse:ShardCount is 50 on this node and 100 on the cluster's oldest node", odd.Output);
        Assert.Contains("leaves the cluster", first.Output);
        await Eventually.HoldsAsync(async () => (await first.StatsAsync()).GetProperty("nodes").GetArrayLength() == 1, Limit, "the first node alone again");
        Assert.True(await first.IsReadyAsync());
    }
}
