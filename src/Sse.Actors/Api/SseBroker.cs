using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Diagnostics;
using Sse.Actors.Streams;
using Sse.Actors.Settings;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerQueries;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Api;

/// <summary>
/// <see cref="ISseBroker"/> over the actors: validates and encodes on the caller's thread, then asks the
/// stream's shard region directly and completes once the stream's entity has recorded the event. A broadcast
/// is published once to every node (with history on, through the broadcasts' entity, which numbers
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
    // The broker answers a cluster-wide question by Sse:Cluster:QueryTimeout with the nodes that answered, naming the others;
    // the ask gives the node's own broker this much longer to get to it, so that answer wins over a timeout.
    private static readonly TimeSpan BrokerAnswerMargin = TimeSpan.FromSeconds(7);

    private readonly PublishSettings _settings = options.Value.PublishSettings();
    private readonly TimeSpan _clusterQueryWait = options.Value.Cluster.QueryTimeout + BrokerAnswerMargin;
    private readonly TimeSpan _userQueryTimeout = options.Value.Cluster.UserQueryTimeout;
    private readonly PublishReceipts _receipts = PublishReceipts.For(system);
    private readonly StreamRegions _regions = new(users.ActorRef, topics.ActorRef, broadcasts.ActorRef);
    private readonly BroadcastPublisher _broadcasts = BroadcastPublisher.For(options.Value.PublishSettings(), PublishReceipts.For(system), broadcasts.ActorRef, system);

    // Validation throws at once, on the caller's thread; the task completes once the stream has recorded the event.
    public Task<string> SendToUserAsync(string userId, string eventName, string data, CancellationToken cancellationToken = default) =>
        SendAsync(new SseMessage.User(userId, eventName, data), cancellationToken);

    public Task<string> SendToUserAsync(string userId, string eventName, string data, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(new SseMessage.User(userId, eventName, data, messageId ?? throw new ArgumentNullException(nameof(messageId))), cancellationToken);

    public Task<string> SendToTopicAsync(string topic, string eventName, string data, CancellationToken cancellationToken = default) =>
        SendAsync(new SseMessage.Topic(topic, eventName, data), cancellationToken);

    public Task<string> SendToTopicAsync(string topic, string eventName, string data, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(new SseMessage.Topic(topic, eventName, data, null, messageId ?? throw new ArgumentNullException(nameof(messageId))), cancellationToken);

    public Task<string> SendToTenantTopicAsync(string tenantId, string topic, string eventName, string data, CancellationToken cancellationToken = default) =>
        SendAsync(new SseMessage.Topic(topic, eventName, data, tenantId), cancellationToken);

    public Task<string> SendToTenantTopicAsync(string tenantId, string topic, string eventName, string data, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(new SseMessage.Topic(topic, eventName, data, tenantId, messageId ?? throw new ArgumentNullException(nameof(messageId))), cancellationToken);

    public Task<string> BroadcastAsync(string eventName, string data, CancellationToken cancellationToken = default) =>
        SendAsync(new SseMessage.Broadcast(eventName, data), cancellationToken);

    public Task<string> BroadcastAsync(string eventName, string data, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(new SseMessage.Broadcast(eventName, data, messageId ?? throw new ArgumentNullException(nameof(messageId))), cancellationToken);

    public Task<string> SendAsync(SseMessage message, CancellationToken cancellationToken = default)
    {
        var publish = Publication.ToStream(message, _settings, metrics);
        return publish.Stream is StreamKey.Broadcasts
            ? _broadcasts.PublishAsync(publish, cancellationToken)
            : Publication.RecordAsync(_receipts, _regions.For(publish.Stream), publish, _settings, cancellationToken);
    }

    public async Task<IReadOnlyList<SseSendResult>> SendBatchAsync(IReadOnlyList<SseMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var results = new SseSendResult?[messages.Count];
        var publishes = new PublishToStream?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                var publish = Publication.ToStream(messages[i], _settings, metrics);
                if (publish.Stream is StreamKey.Broadcasts && !_broadcasts.Records)
                {
                    // Nothing to record: published to every node at once, as a single broadcast is.
                    results[i] = new SseSendResult(await _broadcasts.PublishAsync(publish, cancellationToken), null);
                    continue;
                }
                publishes[i] = publish;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                results[i] = new SseSendResult(null, e);
            }
        }
        var recordedAs = new string?[messages.Count];
        var sent = await _receipts.RecordAllAsync(publishes, _regions.For, recordedAs, _settings.Timeout, cancellationToken);
        for (var i = 0; i < results.Length; i++)
        {
            results[i] ??= recordedAs[i] is { } eventId
                ? new SseSendResult(eventId, null)
                : new SseSendResult(null, PublishReceipts.NotRecorded(publishes[i]!, _settings.Timeout, sent));
        }
        return results!;
    }

    public Task<SseStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        broker.ActorRef.Ask<SseStats>(GetStats.Instance, _clusterQueryWait, cancellationToken);

    public async Task<bool> IsUserOnlineAsync(string userId, CancellationToken cancellationToken = default) =>
        await GetUserConnectionCountAsync(userId, cancellationToken) > 0;

    public async Task<IReadOnlyList<string>> GetOnlineUsersAsync(CancellationToken cancellationToken = default)
    {
        var users = new List<string>();
        string? after = null;
        do
        {
            var page = await GetOnlineUsersAsync(after, OnlineUserPages.MaxLimit, cancellationToken);
            users.AddRange(page.UserIds);
            after = page.Next;
        }
        while (after is not null);
        return users;
    }

    public Task<OnlineUsers> GetOnlineUsersAsync(string? after, int limit = OnlineUserPages.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, OnlineUserPages.MaxLimit);
        return broker.ActorRef.Ask<OnlineUsers>(new GetOnlineUsers(after, limit), _clusterQueryWait, cancellationToken);
    }

    public async Task<int> GetUserConnectionCountAsync(string userId, CancellationToken cancellationToken = default)
    {
        var query = new GetUserConnectionCount(userId);
        return (await users.ActorRef.Ask<UserConnectionCount>(query, _userQueryTimeout, cancellationToken)).Connections;
    }
}
