using Sse.Actors.Broker;

namespace Sse.Actors.Api;

/// <summary>
/// One event to send, for <see cref="ISseBroker.SendAsync"/> and <see cref="ISseBroker.SendBatchAsync"/>: to a user
/// (<see cref="User"/>), a topic (<see cref="Topic"/>) or everyone (<see cref="Broadcast"/>).
/// <see cref="MessageId"/> names it: with history on, a retry with the same id is recorded once.
/// </summary>
public abstract record SseMessage(string Event, string Data, string? MessageId)
{
    /// <summary>To every open connection of <paramref name="UserId"/> (an opaque id, <see cref="Events.SseIds"/>).</summary>
    public sealed record User(string UserId, string Event, string Data, string? MessageId = null) : SseMessage(Event, Data, MessageId);

    /// <summary>To the connections subscribed to <paramref name="Name"/>: of tenant <paramref name="TenantId"/> only, or without a tenant when null.</summary>
    public sealed record Topic(string Name, string Event, string Data, string? TenantId = null, string? MessageId = null) : SseMessage(Event, Data, MessageId);

    /// <summary>To every connection.</summary>
    public sealed record Broadcast(string Event, string Data, string? MessageId = null) : SseMessage(Event, Data, MessageId);
}

/// <summary>
/// What one message of <see cref="ISseBroker.SendBatchAsync"/> came to: its event id once its stream recorded it, or
/// the exception its single send would have thrown (<see cref="ArgumentException"/>, <see cref="TopicsDisabledException"/>,
/// <see cref="PublishTimeoutException"/>, <see cref="PublishOutcomeUnknownException"/>).
/// </summary>
public sealed record SseSendResult(string? EventId, Exception? Error)
{
    /// <summary>The stream recorded the event as <see cref="EventId"/>.</summary>
    public bool Success => Error is null;
}
