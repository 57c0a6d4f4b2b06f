using Akka.Actor;
using Sse.Actors.Clients;
using Sse.Actors.Events;
using Sse.Actors.Serialization;
using Sse.Actors.Streams;

namespace Sse.Actors.Broker;

/// <summary>
/// Commands a service can <c>Tell</c> the <see cref="BrokerActor"/> (reachable as
/// <c>IRequiredActor&lt;BrokerActor&gt;</c>). When the sender is an actor (or an Ask) the broker
/// answers <see cref="PublishAccepted"/> once the event's stream has recorded it, <see cref="PublishRejected"/> when it
/// is not recorded and never will be (invalid, or this node had too many publishes waiting), or
/// <see cref="PublishOutcomeUnknown"/> when the stream's answer did not come within <c>Sse:PublishTimeout</c>; a plain Tell is fire-and-forget.
/// </summary>
public static class BrokerCommands
{
    /// <summary>An event for every connection of one user.</summary>
    /// <remarks><paramref name="MessageId"/> names the event: with history on, a retry with the same id is recorded once.</remarks>
    public sealed record SendToUser(string UserId, string Event, string Data, string? MessageId = null) : ISseWireMessage;

    /// <summary>An event for every connection subscribed to a topic: of that tenant, or tenant-less ones when <paramref name="TenantId"/> is null.</summary>
    public sealed record SendToTopic(string Topic, string Event, string Data, string? TenantId = null, string? MessageId = null) : ISseWireMessage;

    /// <summary>An event for every connection.</summary>
    public sealed record Broadcast(string Event, string Data, string? MessageId = null) : ISseWireMessage;

    /// <summary>The event is recorded as <paramref name="EventId"/> (for a retry of a recorded message, the first one's id).</summary>
    public sealed record PublishAccepted(string EventId) : ISseWireMessage;

    /// <summary>
    /// Not recorded, and never will be: the command was invalid (a user or tenant id that breaks the id rule, bad event name or
    /// topic, topics disabled), or this node had <c>Sse:Limits:MaxPendingPublishes</c> publishes waiting and never sent it.
    /// </summary>
    public sealed record PublishRejected(string Reason) : ISseWireMessage;

    /// <summary>
    /// The stream's answer did not come within <c>Sse:PublishTimeout</c>: the event may have been recorded just before its
    /// deadline (the answer lost with a node), or not at all; it will not be recorded after. A retry with the same message id is safe.
    /// </summary>
    public sealed record PublishOutcomeUnknown(string Reason) : ISseWireMessage;
}

/// <summary>
/// Questions the <see cref="BrokerActor"/> answers for the whole cluster: stats and online users
/// are collected from every member's broker, a user's connection count from the user's entity.
/// </summary>
public static class BrokerQueries
{
    /// <summary>Answered with <see cref="SseStats"/>.</summary>
    public sealed record GetStats : ISseWireMessage
    {
        public static readonly GetStats Instance = new();
    }

    /// <summary>Routed to the user's entity, which counts the user's subscribed connections on every node.</summary>
    /// <exception cref="ArgumentException">The user id breaks the id rule (<see cref="SseIds"/>).</exception>
    public sealed record GetUserConnectionCount : IStreamMessage
    {
        private readonly StreamKey.User _stream;

        public GetUserConnectionCount(string userId) => _stream = new StreamKey.User(userId);

        /// <summary>The user id as the broker keeps it.</summary>
        public string UserId => _stream.UserId;

        public StreamKey Stream => _stream;
    }

    public sealed record UserConnectionCount(string UserId, int Connections) : ISseWireMessage;

    /// <summary>
    /// One page of the users with a stream on any node that answers in time, in ascending id order: at most
    /// <paramref name="Limit"/> of them (clamped to 1..<see cref="OnlineUserPages.MaxLimit"/>), those after
    /// <paramref name="After"/> (null: from the first). Answered with <see cref="OnlineUsers"/>.
    /// </summary>
    public sealed record GetOnlineUsers(string? After = null, int Limit = OnlineUserPages.DefaultLimit) : ISseWireMessage;

    /// <summary>A page of online users; <paramref name="Next"/> asks for the next page, null when this is the last.</summary>
    public sealed record OnlineUsers(IReadOnlyList<string> UserIds, string? Next) : ISseWireMessage;

    /// <summary>One node's part of the stats.</summary>
    internal sealed record GetNodeReport : ISseWireMessage
    {
        public static readonly GetNodeReport Instance = new();
    }

    /// <summary>
    /// The node's figures, and how many user and topic streams whose entity it hosts have a subscriber (on any node):
    /// the cluster's totals are their sums. Numbers only, however many users the node holds.
    /// </summary>
    internal sealed record NodeReport(BrokerStats Stats, int ActiveUsers, int ActiveTopics) : INodeAnswer
    {
        public string Node => Stats.Node;
    }

    /// <summary>One node's part of a page of online users: its first <paramref name="Limit"/> users after <paramref name="After"/>.</summary>
    internal sealed record GetNodeOnlineUsers(string? After, int Limit) : ISseWireMessage;

    /// <summary>The users with a stream on <paramref name="Node"/>, ascending.</summary>
    internal sealed record NodeOnlineUsers(string Node, IReadOnlyList<string> UserIds) : INodeAnswer;

    /// <summary>What a node answers a <see cref="ClusterQueryActor"/>, named for the node.</summary>
    internal interface INodeAnswer : ISseWireMessage
    {
        string Node { get; }
    }
}

/// <summary>One node's figures (the seed's Stats, plus counters): its clients, and the users and topics of its clients.</summary>
public sealed record BrokerStats(
    string Node,
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

/// <summary>
/// The cluster's figures: users and topics counted once however many nodes they are on (each by the node that
/// hosts its entity), the counters summed, each node's own figures, and the members that did not answer in time.
/// </summary>
public sealed record SseStats(
    int TotalClients,
    int TotalUsers,
    int TotalTopics,
    bool IsRunning,
    int BufferSize,
    int MaxConnections,
    int MaxConnectionsPerUser,
    long ConnectionsAccepted,
    long ConnectionsRefused,
    long SlowConsumerDisconnects,
    IReadOnlyList<BrokerStats> Nodes,
    IReadOnlyList<string> NodesNotAnswering) : INoSerializationVerificationNeeded;

/// <summary>How the endpoint and the broker agree on a new connection. Local only: it carries the response's buffer.</summary>
internal static class BrokerConnections
{
    public sealed record Connect(ClientConnection Connection) : INoSerializationVerificationNeeded;

    public abstract record ConnectResult : INoSerializationVerificationNeeded;

    public sealed record Accepted(IActorRef Client) : ConnectResult;

    public sealed record Refused(RefusalReason Reason, string Message) : ConnectResult;

    public enum RefusalReason
    {
        NodeFull,
        ShuttingDown,
    }

    /// <summary>The host is stopping: every stream gets a <c>close</c> event and ends; new connections are refused.</summary>
    internal sealed record CloseAll(TimeSpan Grace) : INoSerializationVerificationNeeded;
}
