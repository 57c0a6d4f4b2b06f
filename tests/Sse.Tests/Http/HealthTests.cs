using System.Net;
using Sse.Tests.Cluster;

namespace Sse.Tests.Http;

public sealed class HealthTests
{
    [Fact]
    public async Task A_started_node_is_alive_and_becomes_ready()
    {
        await using var host = await BrokerHost.StartAsync();

        using var alive = await host.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        await AwaitStatusAsync(host, "/readyz", HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_node_that_cannot_join_its_cluster_is_alive_but_not_ready()
    {
        // The seed is a port nobody listens on: the node never becomes an Up member.
        await using var host = await ClusterNodes.StartMemberAsync($"akka.tcp://sse@127.0.0.1:{ClusterNodes.FreePort()}");

        using var alive = await host.Client.GetAsync("/healthz");
        using var ready = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    private static async Task AwaitStatusAsync(BrokerHost host, string path, HttpStatusCode expected)
    {
        var last = "";
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await host.Client.GetAsync(path);
            last = $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            return response.StatusCode == expected;
        }, BrokerHost.FactTimeout, () => Task.FromResult($"{path} stayed {last}"));
    }
}
