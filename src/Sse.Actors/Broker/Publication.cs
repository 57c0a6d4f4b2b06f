using Sse.Actors.Events;
using Sse.Actors.Topics;
using Sse.Actors.Users;
using static Sse.Actors.Broker.BrokerCommands;

namespace Sse.Actors.Broker;

/// <summary>
/// Validates a publish and encodes its event once; the result is routed as is to every
/// recipient. Shared by the broker service and the <see cref="BrokerActor"/>'s commands.
/// </summary>
internal static class Publication
{
    public static UserProtocol.DeliverToUser ToUser(Guid userId, string eventName, string data)
    {
        SseNames.ValidateUserId(userId);
        SseNames.ValidateEventName(eventName);
        ArgumentNullException.ThrowIfNull(data);
        return new UserProtocol.DeliverToUser(userId, SseEncoder.Encode(eventName, data));
    }

    public static TopicProtocol.PublishToTopic ToTopic(string topic, string eventName, string data, bool topicsEnabled)
    {
        if (!topicsEnabled)
        {
            throw new TopicsDisabledException();
        }
        SseNames.ValidateTopic(topic);
        SseNames.ValidateEventName(eventName);
        ArgumentNullException.ThrowIfNull(data);
        return new TopicProtocol.PublishToTopic(topic, SseEncoder.Encode(eventName, data));
    }

    public static DeliverBroadcast ToEveryone(string eventName, string data)
    {
        SseNames.ValidateEventName(eventName);
        ArgumentNullException.ThrowIfNull(data);
        return new DeliverBroadcast(SseEncoder.Encode(eventName, data));
    }
}

/// <summary>Thrown when sending to a topic while <c>Sse:EnableTopics</c> is false.</summary>
public sealed class TopicsDisabledException() : InvalidOperationException("Topics are disabled (Sse:EnableTopics is false).");
