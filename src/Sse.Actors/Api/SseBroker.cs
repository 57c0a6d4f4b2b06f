using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Diagnostics;
using Sse.Actors.Streams;
using Sse.Actors.Settings;
using static Sse.Actors.Broker.BrokerQueries;

namespace Sse.Actors.Api;

/// <summary>
/// <see cref="ISseBroker"/> over the actors: validates and encodes on the caller's thread, then asks the
/// stream's shard region directly and completes once the stream's entity has recorded the event. A broadcast
/// is published once to every node's broker (with history on, through the broadcasts' entity, which numbers
/// and keeps it first, and whose recording is awaited the same way).
/// </summary>
public sealed class SseBroker(
    ActorSystem system,
    IRequiredActor<BrokerActor> broker,
    IRequiredActor<UserStreams> users,
    IRequiredActor<TopicStreams> topics,
    IRequiredActor<BroadcastStream> broadcasts,
    IOptions<SseOptions> options,
    SseMetrics metrics) : ISseBroker
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    private readonly PublishSettings _settings = options.Value.PublishSettings();
    private readonly PublishReceipts _receipts = PublishReceipts.For(system);

    // Validation throws at once, on the caller's thread; the task completes once the stream has recorded the event.
    public Task<string> SendToUserAsync(Guid userId, string eventName, string data, CancellationToken cancellationToken = default) =>
        SendToUser(userId, eventName, data, null, cancellationToken);

    public Task<string> SendToUserAsync(Guid userId, string eventName, string data, string messageId, CancellationToken cancellationToken = default) =>
        SendToUser(userId, eventName, data, messageId ?? throw new ArgumentNullException(nameof(messageId)), cancellationToken);

    public Task<string> SendToTopicAsync(string topic, string eventName, string data, CancellationToken cancellationToken = default) =>
        SendToTopic(null, topic, eventName, data, null, cancellationToken);

    public Task<string> SendToTopicAsync(string topic, string eventName, string data, string messageId, CancellationToken cancellationToken = default) =>
        SendToTopic(null, topic, eventName, data, messageId ?? throw new ArgumentNullException(nameof(messageId)), cancellationToken);

    public Task<string> SendToTopicAsync(Guid tenantId, string topic, string eventName, string data, CancellationToken cancellationToken = default) =>
        SendToTopic(tenantId, topic, eventName, data, null, cancellationToken);

    public Task<string> SendToTopicAsync(Guid tenantId, string topic, string eventName, string data, string messageId, CancellationToken cancellationToken = default) =>
        SendToTopic(tenantId, topic, eventName, data, messageId ?? throw new ArgumentNullException(nameof(messageId)), cancellationToken);

    public Task<string> BroadcastAsync(string eventName, string data, CancellationToken cancellationToken = default) =>
        Broadcast(eventName, data, null, cancellationToken);

    public Task<string> BroadcastAsync(string eventName, string data, string messageId, CancellationToken cancellationToken = default) =>
        Broadcast(eventName, data, messageId ?? throw new ArgumentNullException(nameof(messageId)), cancellationToken);

    private Task<string> SendToUser(Guid userId, string eventName, string data, string? messageId, CancellationToken cancellationToken) =>
        Publication.RecordAsync(_receipts, users.ActorRef, Publication.ToUser(userId, eventName, data, _settings, metrics, messageId), _settings, cancellationToken);

    private Task<string> SendToTopic(Guid? tenantId, string topic, string eventName, string data, string? messageId, CancellationToken cancellationToken) =>
        Publication.RecordAsync(_receipts, topics.ActorRef, Publication.ToTopic(tenantId, topic, eventName, data, _settings, metrics, messageId), _settings,
            cancellationToken);

    private Task<string> Broadcast(string eventName, string data, string? messageId, CancellationToken cancellationToken) =>
        Publication.SendAsync(Publication.ToEveryone(eventName, data, _settings, metrics, messageId), _settings, _receipts, broadcasts.ActorRef,
            DistributedPubSub.Get(system).Mediator, cancellationToken);

    public Task<SseStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        broker.ActorRef.Ask<SseStats>(GetStats.Instance, QueryTimeout, cancellationToken);

    public async Task<bool> IsUserOnlineAsync(Guid userId, CancellationToken cancellationToken = default) =>
        await GetUserConnectionCountAsync(userId, cancellationToken) > 0;

    public async Task<IReadOnlyList<Guid>> GetOnlineUsersAsync(CancellationToken cancellationToken = default) =>
        (await broker.ActorRef.Ask<OnlineUsers>(GetOnlineUsers.Instance, QueryTimeout, cancellationToken)).UserIds;

    public async Task<int> GetUserConnectionCountAsync(Guid userId, CancellationToken cancellationToken = default) =>
        (await users.ActorRef.Ask<UserConnectionCount>(new GetUserConnectionCount(userId), QueryTimeout, cancellationToken)).Connections;
}
