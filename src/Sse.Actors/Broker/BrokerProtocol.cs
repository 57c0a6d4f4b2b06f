using Akka.Actor;
using Sse.Actors.Clients;
using Sse.Actors.Events;
using Sse.Actors.Serialization;

namespace Sse.Actors.Broker;

/// <summary>
/// Commands a service can <c>Tell</c> the <see cref="BrokerActor"/> (reachable as
/// <c>IRequiredActor&lt;BrokerActor&gt;</c>). When the sender is an actor (or an Ask) the broker
/// answers <see cref="PublishAccepted"/> or <see cref="PublishRejected"/>; a plain Tell is fire-and-forget.
/// </summary>
public static class BrokerCommands
{
    /// <summary>An event for every connection of one user.</summary>
    public sealed record SendToUser(Guid UserId, string Event, string Data) : ISseWireMessage;

    /// <summary>An event for every connection subscribed to a topic.</summary>
    public sealed record SendToTopic(string Topic, string Event, string Data) : ISseWireMessage;

    /// <summary>An event for every connection.</summary>
    public sealed record Broadcast(string Event, string Data) : ISseWireMessage;

    /// <summary>An already-encoded broadcast for every connection of the node.</summary>
    public sealed record DeliverBroadcast(SseEvent Event) : ISseWireMessage;

    public sealed record PublishAccepted(string EventId) : ISseWireMessage;

    /// <summary>The command was invalid (empty user id, bad event name or topic, topics disabled); nothing was sent.</summary>
    public sealed record PublishRejected(string Reason) : ISseWireMessage;
}

/// <summary>Questions the <see cref="BrokerActor"/> answers about its node.</summary>
public static class BrokerQueries
{
    public sealed record GetStats : ISseWireMessage
    {
        public static readonly GetStats Instance = new();
    }

    public sealed record GetUserConnectionCount(Guid UserId) : ISseWireMessage;

    public sealed record UserConnectionCount(Guid UserId, int Connections) : ISseWireMessage;

    public sealed record GetOnlineUsers : ISseWireMessage
    {
        public static readonly GetOnlineUsers Instance = new();
    }

    public sealed record OnlineUsers(IReadOnlyList<Guid> UserIds) : ISseWireMessage;
}

/// <summary>A node's figures (the seed's Stats, plus counters).</summary>
public sealed record BrokerStats(
    int TotalClients,
    int TotalUsers,
    int TotalTopics,
    bool IsRunning,
    int BufferSize,
    int MaxConnections,
    int MaxConnectionsPerUser,
    long ConnectionsAccepted,
    long ConnectionsRefused,
    long SlowConsumerDisconnects) : ISseWireMessage;

/// <summary>How the endpoint and the broker agree on a new connection. Local only: it carries the response's buffer.</summary>
public static class BrokerConnections
{
    public sealed record Connect(ClientConnection Connection) : INoSerializationVerificationNeeded;

    public abstract record ConnectResult : INoSerializationVerificationNeeded;

    public sealed record Accepted(IActorRef Client) : ConnectResult;

    public sealed record Refused(RefusalReason Reason, string Message) : ConnectResult;

    public enum RefusalReason
    {
        NodeFull,
        UserLimit,
        ShuttingDown,
    }

    /// <summary>The host is stopping: every stream gets a <c>close</c> event and ends; new connections are refused.</summary>
    public sealed record CloseAll(TimeSpan Grace) : INoSerializationVerificationNeeded;
}
