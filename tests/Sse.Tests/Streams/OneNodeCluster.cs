using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.TestKit;

namespace Sse.Tests.Streams;

/// <summary>A test's actor system as a cluster of itself, as an embedded broker runs: what a hand-off writes to.</summary>
internal static class OneNodeCluster
{
    /// <summary>Joins the system to itself, waits until it is Up, and returns its Akka.DistributedData replicator.</summary>
    public static IActorRef Replicator(TestKitBase kit)
    {
        var cluster = Akka.Cluster.Cluster.Get(kit.Sys);
        cluster.Join(cluster.SelfAddress);
        kit.AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(10));
        return DistributedData.Get(kit.Sys).Replicator;
    }
}
