using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using Sse.Actors.Settings;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Broker;

/// <summary>What a publish is checked against, and whether events are numbered by their streams.</summary>
/// <param name="History">History is on: each connection's writer writes its own id, and broadcasts go through their entity.</param>
public sealed record PublishSettings(bool EnableTopics, int MaxTopicLength, int MaxEventNameLength, int MaxEventDataBytes, bool History);

/// <summary>
/// Validates a publish and encodes its event once (stamped for the delivery latency); the result
/// is routed as is to every recipient. Shared by the broker service and the <see cref="BrokerActor"/>'s commands.
/// </summary>
internal static class Publication
{
    public static PublishToStream ToUser(Guid userId, string eventName, string data, PublishSettings settings, SseMetrics metrics)
    {
        SseNames.ValidateUserId(userId);
        ValidateEvent(eventName, data, settings);
        metrics.Published(SseMetrics.Targets.User);
        return new PublishToStream(new StreamKey.User(userId), Encode(eventName, data, settings));
    }

    public static PublishToStream ToTopic(Guid? tenantId, string topic, string eventName, string data, PublishSettings settings, SseMetrics metrics)
    {
        if (!settings.EnableTopics)
        {
            throw new TopicsDisabledException();
        }
        SseNames.ValidateTopic(topic, maxLength: settings.MaxTopicLength);
        ValidateEvent(eventName, data, settings);
        metrics.Published(SseMetrics.Targets.Topic);
        return new PublishToStream(StreamKey.Topic.For(tenantId, topic), Encode(eventName, data, settings));
    }

    public static DeliverBroadcast ToEveryone(string eventName, string data, PublishSettings settings, SseMetrics metrics)
    {
        ValidateEvent(eventName, data, settings);
        metrics.Published(SseMetrics.Targets.Broadcast);
        return new DeliverBroadcast(Encode(eventName, data, settings));
    }

    /// <summary>
    /// With history on, hands the broadcast to its entity, which numbers and keeps it before publishing
    /// it to every node's broker; without, publishes it to every node's broker at once.
    /// </summary>
    public static void Send(DeliverBroadcast broadcast, PublishSettings settings, IActorRef broadcastRegion, IActorRef mediator)
    {
        if (settings.History)
        {
            broadcastRegion.Tell(new PublishToStream(StreamKey.Broadcasts.Instance, broadcast.Event));
        }
        else
        {
            mediator.Tell(new Publish(BrokerActor.BroadcastTopic, broadcast));
        }
    }

    // With history on, each connection's writer writes its own id (the position of its streams).
    private static SseEvent Encode(string eventName, string data, PublishSettings settings) =>
        SseEncoder.EncodePublished(eventName, data, writeId: !settings.History);

    private static void ValidateEvent(string eventName, string data, PublishSettings settings)
    {
        SseNames.ValidateEventName(eventName, maxLength: settings.MaxEventNameLength);
        SseNames.ValidateData(data, maxBytes: settings.MaxEventDataBytes);
    }
}

/// <summary>Thrown when sending to a topic while <c>Sse:EnableTopics</c> is false.</summary>
public sealed class TopicsDisabledException() : InvalidOperationException("Topics are disabled (Sse:EnableTopics is false).");
