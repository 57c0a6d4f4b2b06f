using Akka.Actor;
using Akka.Hosting;
using Sse.Actors.Diagnostics;
using Sse.Actors.Mailboxes;
using Sse.Actors.Settings;

namespace Sse.Actors.Delivery;

/// <param name="Partitions">Delivery actors of the node (<c>Sse:FanOutPartitions</c>, one per core when that is 0).</param>
/// <param name="Metrics">Where a shed is counted; null in tests that do not look.</param>
/// <param name="ListensForBroadcasts">The deliveries subscribe to <see cref="NodeDeliveries.BroadcastTopic"/>: false only on a test's node without a cluster.</param>
internal sealed record DeliverySettings(int Partitions, SseMetrics? Metrics, bool ListensForBroadcasts = true);

/// <summary>
/// The node's <see cref="DeliveryActor"/>s, one per partition (by default one per core). Each owns a share of the node's
/// connections, all of a connection's streams: a connection's events pass through one actor, so two events it gets keep
/// the order their publishes were recorded in, and the node's connections are delivered by every core. A connection
/// subscribes naming its delivery (<see cref="For"/>); the stream's entity, wherever it runs, then sends that delivery the
/// acknowledgement and each event, once per delivery holding subscribers (a hot topic: once per partition of each node).
/// </summary>
internal sealed class NodeDeliveries : INodeExtension<DeliverySettings>
{
    /// <summary>The distributed pub-sub topic of the broadcasts: every delivery of every node listens to it.</summary>
    public const string BroadcastTopic = "sse-broadcast";

    private readonly IActorRef[] _deliveries;

    private NodeDeliveries(ExtendedActorSystem system, DeliverySettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Partitions, 1);
        Settings = settings;
        _deliveries = new IActorRef[settings.Partitions];
        for (var i = 0; i < _deliveries.Length; i++)
        {
            var props = DeliveryActor.Props(settings.Metrics, settings.ListensForBroadcasts).WithMailbox(DeliveryMailbox.ConfigPath);
            _deliveries[i] = system.SystemActorOf(props, $"sse-delivery-{i}");
        }
    }

    /// <summary>Starts the node's deliveries; <c>WithSseBroker</c> does, before any connection subscribes.</summary>
    public static NodeDeliveries Start(ActorSystem system, DeliverySettings settings) =>
        NodeExtension.Start(system, settings, (extended, given) => new NodeDeliveries(extended, given));

    /// <inheritdoc cref="NodeExtension.Of"/>
    public static NodeDeliveries Of(ActorSystem system) => NodeExtension.Of<NodeDeliveries>(system);

    public DeliverySettings Settings { get; }

    /// <summary>Every delivery of the node.</summary>
    public IReadOnlyList<IActorRef> All => _deliveries;

    /// <summary>The delivery that owns <paramref name="client"/>: the same for the actor's whole life.</summary>
    public IActorRef For(IActorRef client) => _deliveries[(int)((uint)client.Path.Uid % (uint)_deliveries.Length)];

    /// <summary>Live events waiting in the deliveries' mailboxes (the <c>sse_broker_backlog</c> gauge).</summary>
    public long Backlog() => _deliveries.Sum(delivery => (long)AkkaInternals.MailboxSize(delivery));
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
