using Akka.Actor;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using Sse.Actors.Settings;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Broker;

/// <summary>What a publish is checked against, whether events are numbered by their streams, and how long recording may take.</summary>
/// <param name="History">History is on: broadcasts are recorded by their entity (<see cref="BroadcastPublisher"/>).</param>
/// <param name="Timeout">How long a publish waits for its stream to record the event before it is refused.</param>
public sealed record PublishSettings(bool EnableTopics, int MaxTopicLength, int MaxEventNameLength, int MaxEventDataBytes, bool History, TimeSpan Timeout);

/// <summary>
/// Validates a publish and encodes its event once (stamped for the delivery latency); the result
/// is routed as is to every recipient. Shared by the broker service and the <see cref="BrokerActor"/>'s commands.
/// </summary>
internal static class Publication
{
    public static PublishToStream ToUser(string userId, string eventName, string data, PublishSettings settings, SseMetrics metrics, string? messageId = null)
    {
        var stream = new StreamKey.User(userId);
        ValidateEvent(eventName, data, settings, messageId);
        metrics.Published(SseMetrics.Targets.User);
        return new PublishToStream(stream, Encode(eventName, data, settings, messageId));
    }

    public static PublishToStream ToTopic(string? tenantId, string topic, string eventName, string data, PublishSettings settings, SseMetrics metrics,
        string? messageId = null)
    {
        if (!settings.EnableTopics)
        {
            throw new TopicsDisabledException();
        }
        SseNames.ValidateTopic(topic, maxLength: settings.MaxTopicLength);
        var stream = StreamKey.Topic.For(tenantId, topic);
        ValidateEvent(eventName, data, settings, messageId);
        metrics.Published(SseMetrics.Targets.Topic);
        return new PublishToStream(stream, Encode(eventName, data, settings, messageId));
    }

    /// <summary>Validates and encodes a broadcast, for the node's <see cref="BroadcastPublisher"/>.</summary>
    public static PublishToStream ToEveryone(string eventName, string data, PublishSettings settings, SseMetrics metrics, string? messageId = null)
    {
        ValidateEvent(eventName, data, settings, messageId);
        metrics.Published(SseMetrics.Targets.Broadcast);
        return new PublishToStream(StreamKey.Broadcasts.Instance, Encode(eventName, data, settings, messageId));
    }

    /// <summary>Validates and encodes <paramref name="message"/> for its stream's entity (a broadcast's is the broadcasts' entity).</summary>
    public static PublishToStream ToStream(Api.SseMessage message, PublishSettings settings, SseMetrics metrics) => message switch
    {
        Api.SseMessage.User m => ToUser(m.UserId, m.Event, m.Data, settings, metrics, m.MessageId),
        Api.SseMessage.Topic m => ToTopic(m.TenantId, m.Name, m.Event, m.Data, settings, metrics, m.MessageId),
        Api.SseMessage.Broadcast m => ToEveryone(m.Event, m.Data, settings, metrics, m.MessageId),
        null => throw new ArgumentNullException(nameof(message)),
        _ => throw new ArgumentException($"Unknown kind of message: {message.GetType().Name}.", nameof(message)),
    };

    /// <summary>
    /// Hands the event to its stream's entity and completes once the entity has recorded it (numbered and kept,
    /// written first with the durable store); throws <see cref="PublishOutcomeUnknownException"/> when no answer comes within
    /// the publish timeout (the entity drops it after), <see cref="PublishTimeoutException"/> when it was never sent.
    /// </summary>
    public static Task<string> RecordAsync(PublishReceipts receipts, IActorRef region, PublishToStream publish, PublishSettings settings, CancellationToken cancellationToken) =>
        receipts.RecordAsync(region, publish, settings.Timeout, cancellationToken);

    // The same bytes in either mode: each connection's response writer writes the id by the node's EventIdPolicy.
    private static SseEvent Encode(string eventName, string data, PublishSettings settings, string? messageId)
    {
        var sseEvent = SseEncoder.EncodePublished(eventName, data);
        return messageId is null ? sseEvent : sseEvent with { MessageId = messageId };
    }

    private static void ValidateEvent(string eventName, string data, PublishSettings settings, string? messageId)
    {
        SseNames.ValidateEventName(eventName, maxLength: settings.MaxEventNameLength);
        SseNames.ValidateData(data, maxBytes: settings.MaxEventDataBytes);
        SseNames.ValidateMessageId(messageId);
    }
}

/// <summary>
/// Thrown when a published event was not recorded and never will be: this node had <c>Sse:Limits:MaxPendingPublishes</c>
/// publishes waiting for their streams for all of <c>Sse:PublishTimeout</c>, and never sent it. Retry later.
/// </summary>
public sealed class PublishTimeoutException(string stream, TimeSpan timeout)
    : TimeoutException($"The {stream} stream's event was not sent: this node had Sse:Limits:MaxPendingPublishes publishes waiting for their streams for all of Sse:PublishTimeout ({timeout}); retry the publish.")
{
    /// <summary>How the stream is named: <c>user</c>, <c>topic:&lt;name&gt;</c> or <c>broadcast</c>.</summary>
    public string Stream { get; } = stream;
}

/// <summary>
/// Thrown when the stream's entity did not answer within <c>Sse:PublishTimeout</c> (its node is down or frozen, the shard is
/// moving, the history store does not answer, or the entity is overloaded). Whether the event was recorded is unknown: it
/// may have been just before the deadline, with its answer lost; it is never recorded after the deadline, since the entity
/// drops a publish whose deadline has passed. Retry with the same message id: a recorded event is not recorded twice.
/// </summary>
public sealed class PublishOutcomeUnknownException(string stream, TimeSpan timeout)
    : TimeoutException($"The {stream} stream did not answer within Sse:PublishTimeout ({timeout}): the event may or may not have been recorded, and will not be after; retry with the same message id.")
{
    /// <summary>How the stream is named: <c>user</c>, <c>topic:&lt;name&gt;</c> or <c>broadcast</c>.</summary>
    public string Stream { get; } = stream;
}

/// <summary>Thrown when sending to a topic while <c>Sse:EnableTopics</c> is false.</summary>
public sealed class TopicsDisabledException() : InvalidOperationException("Topics are disabled (Sse:EnableTopics is false).");
