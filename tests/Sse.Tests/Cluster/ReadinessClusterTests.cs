using System.Net;

namespace Sse.Tests.Cluster;

/// <summary>
/// Readiness from each node's own facts, with real processes: when the node holding the shard coordinators
/// stops answering (SIGSTOP, as behind a broken network), the other node's <c>/readyz</c> says Degraded with a
/// 200, so a load balancer keeps it in rotation instead of taking every node out at once.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Chaos)]
public sealed class ReadinessClusterTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_whose_coordinators_node_stops_answering_stays_ready_as_Degraded()
    {
        var settings = new Dictionary<string, string>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Sse:Auth:AllowQueryString"] = "true",
            ["Sse:Publish:AllowAnonymous"] = "true",
            // Long enough to look while the frozen node is unreachable and not yet downed.
            ["Sse:Cluster:DownUnreachableAfter"] = "00:01:00",
        };
        var seedPort = ClusterNodes.FreePort();
        await using var oldest = HostProcess.Start($"akka.tcp://sse@127.0.0.1:{seedPort}", seedPort, settings);
        await Eventually.HoldsAsync(oldest.IsReadyAsync, Limit, "the oldest node ready");
        await using var other = HostProcess.Start(oldest.Address, ClusterNodes.FreePort(), settings);
        await Eventually.HoldsAsync(async () => await other.IsReadyAsync() && (await other.StatsAsync()).GetProperty("nodes").GetArrayLength() == 2,
            Limit, "the second node ready in a cluster of two");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await other.ReadinessAsync());

        await oldest.PauseAsync();
        try
        {
            await Eventually.HoldsAsync(async () => await other.ReadinessAsync() == (HttpStatusCode.OK, "Degraded"), Limit,
                async () => $"/readyz answered {await other.ReadinessAsync()}");
        }
        finally
        {
            await oldest.ResumeAsync();
        }

        // Answering again, the coordinators make it Healthy again.
        await Eventually.HoldsAsync(async () => await other.ReadinessAsync() == (HttpStatusCode.OK, "Healthy"), Limit, "Healthy again");
    }
}
