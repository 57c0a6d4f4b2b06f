using Sse.Actors.Broker;
using Sse.Actors.Clients;

namespace Sse.Actors.Settings;

/// <summary>The few settings each actor uses, taken from the broker's options once at start.</summary>
public static class ActorSettings
{
    public static ClientSettings ClientSettings(this SseOptions options) => new(
        BufferSize: options.ClientBufferSize,
        HeartbeatInterval: options.HeartbeatInterval,
        ClientTimeout: options.ClientTimeout,
        SubscribeRetryInterval: options.SubscribeRetryInterval,
        ReconnectDelay: options.ReconnectDelay,
        ShutdownGrace: options.ShutdownGrace,
        History: options.HistorySize > 0);

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
}
