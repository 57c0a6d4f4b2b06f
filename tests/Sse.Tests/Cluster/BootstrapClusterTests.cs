using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sse.Actors.Hosting;
using Sse.Tests.Hosting;

namespace Sse.Tests.Cluster;

/// <summary>
/// Cluster bootstrap (<c>Sse:Cluster:Bootstrap</c>) with real <c>Sse.Host</c> processes: three nodes that know only each
/// other's management endpoints (Config discovery), no seed-node address anywhere, form one cluster and deliver across it.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Cluster)]
public sealed class BootstrapClusterTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Three_processes_form_one_cluster_through_config_discovery_without_seed_nodes()
    {
        var managementPorts = new[] { ClusterNodes.FreePort(), ClusterNodes.FreePort(), ClusterNodes.FreePort() };
        var nodes = new List<HostProcess>();
        try
        {
            foreach (var managementPort in managementPorts)
            {
                nodes.Add(HostProcess.Start(seed: null, ClusterNodes.FreePort(), Settings(managementPort, managementPorts)));
            }

            foreach (var node in nodes)
            {
                await Eventually.HoldsAsync(async () => await node.IsReadyAsync() && await MembersAsync(node) == 3, Limit,
                    () => Task.FromResult($"node {node.AkkaPort} not ready in a cluster of three:\n{node.Output}"));
            }
            using var seedNodes = JsonDocument.Parse(await nodes[2].Client.GetStringAsync($"http://127.0.0.1:{managementPorts[2]}/bootstrap/seed-nodes"));
            Assert.Equal(3, seedNodes.RootElement.GetProperty("Nodes").GetArrayLength());

            var user = Guid.NewGuid().ToString();
            await using var stream = await nodes[1].ConnectAsync(user);
            await nodes[0].SendAsync(new { target_type = "user", user_id = user, @event = "bootstrapped", data = "across the cluster" });

            var received = await stream.NextEventAsync();
            Assert.Equal(("bootstrapped", "across the cluster"), (received.EventType, received.Data));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Bootstrap_and_seed_nodes_at_once_stop_start_up_naming_both_settings()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => EmbeddedApp.StartAsync(
            builder => builder.Services.AddSseBroker(builder.Configuration),
            settings: new Dictionary<string, string?>
            {
                ["Sse:Cluster:SeedNodes:0"] = "akka.tcp://sse@127.0.0.1:4053",
                ["Sse:Cluster:Bootstrap:Discovery"] = "Config",
                ["Sse:Cluster:Bootstrap:Endpoints:0"] = "127.0.0.1:8558",
                ["Sse:Cluster:Bootstrap:RequiredContactPoints"] = "1",
            }));

        Assert.Contains("Sse:Cluster:SeedNodes and Sse:Cluster:Bootstrap:Discovery (Config) both say how this node joins a cluster", failure.Message,
            StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Settings(int managementPort, int[] everyManagementPort)
    {
        var settings = new Dictionary<string, string>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Sse:Auth:AllowQueryString"] = "true",
            ["Sse:Publish:AllowAnonymous"] = "true",
            ["Sse:Cluster:Bootstrap:Discovery"] = "Config",
            ["Sse:Cluster:Bootstrap:RequiredContactPoints"] = "3",
            ["Sse:Cluster:Bootstrap:ManagementPort"] = managementPort.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < everyManagementPort.Length; i++)
        {
            settings[$"Sse:Cluster:Bootstrap:Endpoints:{i}"] = $"127.0.0.1:{everyManagementPort[i]}";
        }
        return settings;
    }

    private static async Task<int> MembersAsync(HostProcess node) => (await node.StatsAsync()).GetProperty("nodes").GetArrayLength();
}
