using System.Net;
using Sse.Tests.Cluster;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
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

    [Fact]
    public async Task A_node_whose_history_store_does_not_answer_is_ready_but_degraded()
    {
        // Nobody listens on the port: the journal cannot write, but the streams go on.
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:HistorySize"] = "10",
            ["Sse:HistoryStore:Provider"] = "PostgreSql",
            ["Sse:HistoryStore:ConnectionString"] = $"Host=127.0.0.1;Port={ClusterNodes.FreePort()};Username=sse;Password=not-logged;Timeout=1",
        });

        await AwaitStatusAsync(host, "/readyz", HttpStatusCode.OK);
        using var ready = await host.Client.GetAsync("/readyz");

        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_node_whose_history_store_answers_is_healthy()
    {
        var folder = Directory.CreateTempSubdirectory("sse-sqlite-").FullName;
        try
        {
            await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
            {
                ["Sse:HistorySize"] = "10",
                ["Sse:HistoryStore:Provider"] = "Sqlite",
                ["Sse:HistoryStore:ConnectionString"] = $"Data Source={Path.Combine(folder, "history.db")}",
            });

            await AwaitStatusAsync(host, "/readyz", HttpStatusCode.OK);
            using var ready = await host.Client.GetAsync("/readyz");

            Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
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
