using Akka.Actor;
using Akka.Hosting;
using Sse.Actors.Diagnostics;
using Sse.Actors.Mailboxes;
using Sse.Actors.Settings;
using Sse.Actors.Streams;

namespace Sse.Actors.Delivery;

/// <param name="Partitions">Delivery actors of the node, one per fan-out partition (by default one per core).</param>
/// <param name="Metrics">Where a shed is counted; null in tests that do not look.</param>
/// <param name="ListensForBroadcasts">The broadcasts' delivery subscribes to <see cref="NodeDeliveries.BroadcastTopic"/>: false only on a test's node without a cluster.</param>
internal sealed record DeliverySettings(int Partitions, SseMetrics? Metrics, bool ListensForBroadcasts = true);

/// <summary>
/// The node's <see cref="DeliveryActor"/>s: each owns this node's connections of the streams that hash to it, so one
/// stream's events keep their order and the node's streams are delivered by every core. A connection subscribes naming the
/// delivery of each of its streams (<see cref="For"/>); the stream's entity, wherever it runs, then sends that delivery
/// the acknowledgement and every event, once for the node. The broadcasts' delivery also holds every connection of the node.
/// </summary>
internal sealed class NodeDeliveries : INodeExtension<DeliverySettings>
{
    /// <summary>The distributed pub-sub topic of the broadcasts: every node's broadcasts delivery listens to it.</summary>
    public const string BroadcastTopic = "sse-broadcast";

    private readonly IActorRef[] _deliveries;

    private NodeDeliveries(ExtendedActorSystem system, DeliverySettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Partitions, 1);
        Settings = settings;
        _deliveries = new IActorRef[settings.Partitions];
        var broadcasts = PartitionOf(StreamKey.Broadcasts.Instance);
        for (var i = 0; i < _deliveries.Length; i++)
        {
            var props = DeliveryActor.Props(settings.Metrics, holdsEveryone: i == broadcasts, settings.ListensForBroadcasts).WithMailbox(DeliveryMailbox.ConfigPath);
            _deliveries[i] = system.SystemActorOf(props, $"sse-delivery-{i}");
        }
        Broadcasts = _deliveries[broadcasts];
    }

    /// <summary>Starts the node's deliveries; the broker does as it starts, before any connection subscribes.</summary>
    public static NodeDeliveries Start(ActorSystem system, DeliverySettings settings) =>
        NodeExtension.Start(system, settings, (extended, given) => new NodeDeliveries(extended, given));

    /// <inheritdoc cref="NodeExtension.Of"/>
    public static NodeDeliveries Of(ActorSystem system) => NodeExtension.Of<NodeDeliveries>(system);

    public DeliverySettings Settings { get; }

    /// <summary>The delivery of the broadcasts, which also holds every connection of the node.</summary>
    public IActorRef Broadcasts { get; }

    /// <summary>The delivery that owns this node's connections of <paramref name="stream"/>.</summary>
    public IActorRef For(StreamKey stream) => _deliveries[PartitionOf(stream)];

    /// <summary>Live events waiting in the deliveries' mailboxes (the <c>sse_broker_backlog</c> gauge).</summary>
    public long Backlog() => _deliveries.Sum(delivery => (long)AkkaInternals.MailboxSize(delivery));

    // A stream key's hash is stable for the process's life, which is all a node's partitioning needs.
    private int PartitionOf(StreamKey stream) => (int)((uint)stream.GetHashCode() % (uint)_deliveries.Length);
}

/// <summary>Registers the node's deliveries with the broker: their mailbox, with its capacity, and their start.</summary>
internal static class NodeDeliveriesConfiguration
{
    /// <summary>Before the regions: a connection names its stream's delivery as it subscribes.</summary>
    public static AkkaConfigurationBuilder WithNodeDeliveries(this AkkaConfigurationBuilder builder, SseOptions options, SseMetrics metrics) =>
        builder
            .AddHocon(DeliveryMailbox.Hocon(options.Limits.MaxBrokerBacklog), HoconAddMode.Prepend)
            .WithActors((system, _) => NodeDeliveries.Start(system, options.DeliverySettings(metrics)));
}
