using Akka.Actor;
using Akka.DistributedData;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Actors.Delivery;
using Sse.Actors.Diagnostics;

namespace Sse.Actors.Settings;

/// <summary>The few settings each actor uses, taken from the broker's options once at start.</summary>
public static class ActorSettings
{
    public static ClientSettings ClientSettings(this SseOptions options) => new(
        BufferSize: options.ClientBufferSize,
        HeartbeatInterval: options.HeartbeatInterval,
        ClientTimeout: options.ClientTimeout,
        SubscribeRetryInterval: options.SubscribeRetryInterval,
        ReconnectDelay: ReconnectDelays(options),
        ShutdownGrace: options.ShutdownGrace,
        History: options.HistorySize > 0);

    // Unset, the longest is twice the shortest (within what retry: can say).
    private static ReconnectDelayRange ReconnectDelays(SseOptions options) => new(options.ReconnectDelay,
        options.ReconnectDelayMax ?? TimeSpan.FromMilliseconds(Math.Min(2 * options.ReconnectDelay.TotalMilliseconds, int.MaxValue)));

    public static PublishSettings PublishSettings(this SseOptions options) => new(
        EnableTopics: options.EnableTopics,
        MaxTopicLength: options.Limits.MaxTopicLength,
        MaxEventNameLength: options.Limits.MaxEventNameLength,
        MaxEventDataBytes: options.Limits.MaxEventDataBytes,
        History: options.HistorySize > 0,
        Timeout: options.PublishTimeout);

    public static BrokerSettings BrokerSettings(this SseOptions options) => new(
        MaxConnections: options.MaxConnections,
        MaxConnectionsPerUser: options.MaxConnectionsPerUser,
        QueryTimeout: options.Cluster.QueryTimeout,
        Clients: options.ClientSettings(),
        Publish: options.PublishSettings());

    internal static PublishReceiptsSettings PublishReceiptsSettings(this SseOptions options) => new(MaxPending: options.Limits.MaxPendingPublishes);

    internal static DeliverySettings DeliverySettings(this SseOptions options, SseMetrics? metrics) =>
        new(Partitions: options.FanOutPartitions > 0 ? options.FanOutPartitions : Environment.ProcessorCount, Metrics: metrics);

    /// <summary>History on, in a durable store (SQLite or PostgreSQL through Akka.Persistence).</summary>
    internal static bool HistoryIsDurable(this SseOptions options) => options.HistorySize > 0 && options.HistoryStore.Provider != SseHistoryStore.Memory;

    // Only with history in memory is there anything to hand over; otherwise no replicator is started.
    internal static IActorRef? HistoryReplicator(this SseOptions options, ActorSystem system) =>
        options.HistorySize > 0 && !options.HistoryIsDurable() ? DistributedData.Get(system).Replicator : null;
}
