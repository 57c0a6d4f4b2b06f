using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Sse.Actors.Streams;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary>Hosts that form one Akka.NET cluster on loopback, each a full broker with its own HTTP port.</summary>
public static class ClusterNodes
{
    /// <summary>Starts the first node, which lists itself as the seed; pass its seed to the others.</summary>
    /// <summary>Shards move quickly in tests (a new node gets some within seconds); membership events stay as they are.</summary>
    public const string ClusterHocon = "akka.cluster.sharding.rebalance-interval = 1s\n" + LocalEventSerializer.Hocon;

    /// <param name="hocon">Akka.NET settings over <see cref="ClusterHocon"/>.</param>
    public static async Task<(BrokerHost Host, string Seed)> StartSeedAsync(IDictionary<string, string>? settings = null, string hocon = "")
    {
        var port = FreePort();
        var seed = $"akka.tcp://sse@127.0.0.1:{port}";
        var host = await BrokerHost.StartAsync(
            With(settings, new() { ["Sse:Cluster:Port"] = port.ToString(), ["Sse:Cluster:SeedNodes:0"] = seed }), hocon: $"{ClusterHocon}\n{hocon}");
        return (host, seed);
    }

    public static Task<BrokerHost> StartMemberAsync(string seed, IDictionary<string, string>? settings = null, string hocon = "") =>
        BrokerHost.StartAsync(With(settings, new() { ["Sse:Cluster:SeedNodes:0"] = seed }), hocon: $"{ClusterHocon}\n{hocon}");

    /// <summary>Three nodes with the same settings, returned once they are Up and broadcasts reach all of them.</summary>
    public static async Task<BrokerHost[]> StartThreeAsync(IDictionary<string, string>? settings = null, string hocon = "")
    {
        var (first, seed) = await StartSeedAsync(settings, hocon);
        BrokerHost[] nodes = [first, await StartMemberAsync(seed, settings, hocon), await StartMemberAsync(seed, settings, hocon)];
        await AwaitMembersUpAsync(nodes);
        await AwaitBroadcastsReachEveryNodeAsync(nodes);
        return nodes;
    }

    /// <summary>Stops the nodes, the seed last.</summary>
    public static async Task StopAllAsync(BrokerHost[] nodes)
    {
        foreach (var node in nodes.Reverse())
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits until every given host sees exactly <paramref name="hosts"/> as Up members.</summary>
    public static async Task AwaitMembersUpAsync(params BrokerHost[] hosts)
    {
        await Eventually.HoldsAsync(() => hosts.All(host => UpMembers(host) == hosts.Length), TimeSpan.FromSeconds(30),
            () => $"cluster did not settle: {string.Join(", ", hosts.Select(UpMembers))} Up members seen");
    }

    /// <summary>
    /// Waits until a broadcast from any host reaches a connection on every host: distributed
    /// pub-sub learns the other nodes' brokers by gossip, a moment after they are Up.
    /// </summary>
    public static async Task AwaitBroadcastsReachEveryNodeAsync(params BrokerHost[] hosts)
    {
        var streams = new List<SseStream>();
        try
        {
            foreach (var host in hosts)
            {
                streams.Add(await host.ConnectAsync(Guid.NewGuid().ToString()));
            }
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            for (var round = 0; ; round++)
            {
                var markers = hosts.Select((_, i) => $"gossip-{round}-{i}").ToHashSet();
                for (var i = 0; i < hosts.Length; i++)
                {
                    await hosts[i].Broker.BroadcastAsync("gossip", $"gossip-{round}-{i}");
                }
                var heardAll = true;
                foreach (var stream in streams)
                {
                    heardAll &= await HeardAllAsync(stream, [.. markers]);
                }
                if (heardAll)
                {
                    return;
                }
                Assert.True(DateTime.UtcNow < deadline, "broadcasts never reached every node");
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

    private static async Task<bool> HeardAllAsync(SseStream stream, HashSet<string> markers)
    {
        try
        {
            while (markers.Count > 0)
            {
                markers.Remove((await stream.NextEventAsync(TimeSpan.FromMilliseconds(500))).Data);
            }
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public static int UpMembers(BrokerHost host) =>
        Akka.Cluster.Cluster.Get(host.ActorSystem).State.Members.Count(member => member.Status == MemberStatus.Up);

    private static Dictionary<string, string> With(IDictionary<string, string>? settings, Dictionary<string, string> cluster)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            cluster[key] = value;
        }
        return cluster;
    }

    /// <summary>A user whose entity sharding placed on a node other than the first (the seed, which stays).</summary>
    public static async Task<(string UserId, BrokerHost Holder)> UserLivingOffTheFirstNodeAsync(BrokerHost[] nodes)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var userId = Guid.NewGuid().ToString();
            // The welcome comes once the entity acknowledged: it exists from then on.
            await using (await nodes[0].ConnectAsync(userId))
            {
            }
            var holder = await ClusterNodes.NodeHoldingAsync(nodes, "sse-user", new StreamKey.User(userId).EntityId);
            if (holder != nodes[0])
            {
                return (userId, holder);
            }
        }
        throw new InvalidOperationException("no user found whose entity lives off the first node");
    }

    /// <summary>The node whose shard region holds the entity <paramref name="entityId"/> of <paramref name="typeName"/>.</summary>
    public static async Task<BrokerHost> NodeHoldingAsync(IEnumerable<BrokerHost> nodes, string typeName, string entityId) =>
        await FindNodeHoldingAsync(nodes, typeName, entityId) ?? throw new InvalidOperationException($"no node holds {typeName} entity {entityId}");

    /// <summary>As <see cref="NodeHoldingAsync"/>, or null while none does (its shard is being handed off).</summary>
    public static async Task<BrokerHost?> FindNodeHoldingAsync(IEnumerable<BrokerHost> nodes, string typeName, string entityId)
    {
        foreach (var node in nodes)
        {
            var region = ClusterSharding.Get(node.ActorSystem).ShardRegion(typeName);
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, BrokerHost.FactTimeout);
            if (state.Shards.Any(shard => shard.EntityIds.Contains(entityId)))
            {
                return node;
            }
        }
        return null;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
