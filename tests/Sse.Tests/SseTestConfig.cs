using Akka.Actor;
using Akka.Configuration;
using Sse.Actors.Broker;
using Sse.Actors.Delivery;
using Sse.Actors.Serialization;
using Sse.Actors.Settings;

namespace Sse.Tests;

/// <summary>Actor system settings shared by the actor tests.</summary>
internal static class SseTestConfig
{
    /// <summary>The mailboxes the broker's actors run on, as every broker node configures them.</summary>
    public static Config Mailboxes { get; } = ConfigurationFactory.ParseString($"{Sse.Actors.Mailboxes.LeanMailbox.Hocon}\n{DeliveryMailbox.Hocon(100_000)}");

    /// <summary>
    /// Every message an actor receives is first written and read back, as it would be between
    /// nodes; wire messages go through <see cref="SseWireSerializer"/>, not the default JSON one.
    /// </summary>
    public static Config SerializeMessages { get; } = ConfigurationFactory.ParseString($$"""
        # An upper bound for ExpectMsg and friends; generous so a loaded CI machine does not fail a passing test.
        akka.test.single-expect-default = 5s
        akka.actor {
          serialize-messages = on
          serializers.sse-wire = "Sse.Actors.Serialization.SseWireSerializer, Sse.Actors"
          serialization-bindings {
            "Sse.Actors.Serialization.ISseWireMessage, Sse.Actors" = sse-wire
            "Sse.Actors.History.HandoverBucketKey, Sse.Actors" = sse-wire
          }
          serialization-identifiers { "Sse.Actors.Serialization.SseWireSerializer, Sse.Actors" = {{SseWireSerializer.SerializerId}} }
        }
        """).WithFallback(Mailboxes);

    /// <summary>
    /// <see cref="SerializeMessages"/> on a cluster-capable node (not joined), for actors that use
    /// cluster extensions such as distributed pub-sub.
    /// </summary>
    public static Config SerializeMessagesOnClusterNode { get; } = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """).WithFallback(SerializeMessages);

    /// <summary>
    /// Gives the node's extensions (publish receipts, deliveries) their settings, as <c>WithSseBroker</c> does from the
    /// options: the default options' unless a test says otherwise. A test's own actor system that runs broker actors calls it first.
    /// </summary>
    public static ActorSystem WithNodeExtensions(this ActorSystem system, PublishReceiptsSettings? receipts = null, int? deliveries = null)
    {
        var defaults = new SseOptions();
        PublishReceipts.Start(system, receipts ?? defaults.PublishReceiptsSettings());
        var clustered = ((ExtendedActorSystem)system).Provider is Akka.Cluster.IClusterActorRefProvider;
        var settings = defaults.DeliverySettings(metrics: null) with { ListensForBroadcasts = clustered };
        NodeDeliveries.Start(system, deliveries is { } partitions ? settings with { Partitions = partitions } : settings);
        return system;
    }
}
