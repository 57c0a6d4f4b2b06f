using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Serialization;

namespace Sse.Tests.Cluster;

/// <summary>
/// For tests with <c>serialize-messages = on</c> and several nodes: passes Akka.NET's own cluster
/// membership events (published to subscribers on the same node, never sent between nodes)
/// through the verification as they are. Round-tripped through the fallback serializer they lose
/// each member's age, and sharding then looks for its coordinator on the wrong node. Likewise the
/// replicator's read repair, which a majority read sends to its own node's replicator: the fallback
/// serializer cannot write it, and the read would never be answered.
/// </summary>
public sealed class LocalEventSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const string Hocon = $$"""
        akka.actor {
          serializers.local-cluster-events = "Sse.Tests.Cluster.LocalEventSerializer, Sse.Tests"
          serialization-bindings {
            "Akka.Cluster.ClusterEvent+IClusterDomainEvent, Akka.Cluster" = local-cluster-events
            "Akka.Cluster.ClusterEvent+CurrentClusterState, Akka.Cluster" = local-cluster-events
            "Akka.DistributedData.Internal.ReadRepair, Akka.DistributedData" = local-cluster-events
            "Akka.DistributedData.Internal.ReadRepairAck, Akka.DistributedData" = local-cluster-events
          }
          serialization-identifiers { "Sse.Tests.Cluster.LocalEventSerializer, Sse.Tests" = 7499 }
        }
        """;

    private static readonly ConcurrentDictionary<long, object> InFlight = new();
    private static long _next;

    public override int Identifier => 7499;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        var key = Interlocked.Increment(ref _next);
        InFlight[key] = obj;
        return BitConverter.GetBytes(key);
    }

    public override object FromBinary(byte[] bytes, Type type) =>
        InFlight.TryRemove(BitConverter.ToInt64(bytes), out var obj) ? obj : throw new InvalidOperationException("unknown local event");
}
