using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Settings;
using Sse.Actors.Topics;
using Sse.Actors.Users;
using static Sse.Actors.Broker.BrokerCommands;

namespace Sse.Actors.Broker;

/// <summary>
/// Validates a publish and encodes its event once (stamped for the delivery latency); the result
/// is routed as is to every recipient. Shared by the broker service and the <see cref="BrokerActor"/>'s commands.
/// </summary>
internal static class Publication
{
    public static UserProtocol.DeliverToUser ToUser(Guid userId, string eventName, string data, SseOptions options, SseMetrics metrics)
    {
        SseNames.ValidateUserId(userId);
        ValidateEvent(eventName, data, options.Limits);
        metrics.Published(SseMetrics.Targets.User);
        return new UserProtocol.DeliverToUser(userId, SseEncoder.EncodePublished(eventName, data, WriteId(options)));
    }

    public static TopicProtocol.PublishToTopic ToTopic(Guid? tenantId, string topic, string eventName, string data, SseOptions options, SseMetrics metrics)
    {
        if (!options.EnableTopics)
        {
            throw new TopicsDisabledException();
        }
        SseNames.ValidateTopic(topic, maxLength: options.Limits.MaxTopicLength);
        ValidateEvent(eventName, data, options.Limits);
        metrics.Published(SseMetrics.Targets.Topic);
        return new TopicProtocol.PublishToTopic(TopicKeys.For(tenantId, topic), SseEncoder.EncodePublished(eventName, data, WriteId(options)));
    }

    public static DeliverBroadcast ToEveryone(string eventName, string data, SseOptions options, SseMetrics metrics)
    {
        ValidateEvent(eventName, data, options.Limits);
        metrics.Published(SseMetrics.Targets.Broadcast);
        return new DeliverBroadcast(SseEncoder.EncodePublished(eventName, data, WriteId(options)));
    }

    /// <summary>
    /// With history on, hands the broadcast to its entity, which numbers and keeps it before publishing
    /// it to every node's broker; without, publishes it to every node's broker at once.
    /// </summary>
    public static void Send(DeliverBroadcast broadcast, SseOptions options, IActorRef topicRegion, IActorRef mediator)
    {
        if (options.HistorySize > 0)
        {
            topicRegion.Tell(new TopicProtocol.PublishToTopic(TopicKeys.Broadcast, broadcast.Event));
        }
        else
        {
            mediator.Tell(new Publish(BrokerActor.BroadcastTopic, broadcast));
        }
    }

    // With history on, each connection's writer writes its own id (the position of its streams).
    private static bool WriteId(SseOptions options) => options.HistorySize == 0;

    private static void ValidateEvent(string eventName, string data, SseLimitsOptions limits)
    {
        SseNames.ValidateEventName(eventName, maxLength: limits.MaxEventNameLength);
        SseNames.ValidateData(data, maxBytes: limits.MaxEventDataBytes);
    }
}

/// <summary>Thrown when sending to a topic while <c>Sse:EnableTopics</c> is false.</summary>
public sealed class TopicsDisabledException() : InvalidOperationException("Topics are disabled (Sse:EnableTopics is false).");
