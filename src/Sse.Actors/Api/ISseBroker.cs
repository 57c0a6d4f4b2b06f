using Sse.Actors.Broker;

namespace Sse.Actors.Api;

/// <summary>
/// The broker as a service: inject it and push events to browsers. A send completes once the stream's
/// entity has recorded the event (numbered and kept with history on, written first with the durable store),
/// never waiting for browsers: a slow browser never slows the caller. Invalid arguments throw
/// <see cref="ArgumentException"/> naming the argument, at once; an event not recorded within
/// <c>Sse:PublishTimeout</c> fails the task with <see cref="PublishOutcomeUnknownException"/> (it may have been recorded just
/// before, never after: retry with the same message id), and one this node never sent, having too many publishes waiting,
/// with <see cref="PublishTimeoutException"/> (not recorded, and never will be).
/// </summary>
public interface ISseBroker
{
    /// <summary>Sends <paramref name="message"/> to its user, topic or everyone, as the matching typed send does.</summary>
    /// <returns>The event's id, once its stream has recorded it.</returns>
    /// <exception cref="ArgumentException">The message is invalid; the exception names the argument.</exception>
    /// <exception cref="TopicsDisabledException">A topic message while topics are disabled.</exception>
    /// <exception cref="PublishOutcomeUnknownException">The stream did not answer within <c>Sse:PublishTimeout</c>.</exception>
    /// <exception cref="PublishTimeoutException">The node had too many publishes waiting and did not send it.</exception>
    Task<string> SendAsync(SseMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends every message, in order, then waits once for all of them to be recorded: a batch costs one wait, not
    /// one per message. Each message is checked on its own; one that is invalid or not recorded in time does not
    /// stop the others. Completes within <c>Sse:PublishTimeout</c>.
    /// </summary>
    /// <returns>One result per message, in order.</returns>
    Task<IReadOnlyList<SseSendResult>> SendBatchAsync(IReadOnlyList<SseMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Sends an event to every open connection of <paramref name="userId"/> (an opaque id, <see cref="Events.SseIds"/>).</summary>
    /// <returns>The event's id, once the user's stream has recorded it.</returns>
    /// <exception cref="ArgumentException">The user id breaks the id rule (empty, over 256 characters, control characters), or the event name is empty or contains CR/LF.</exception>
    /// <exception cref="PublishOutcomeUnknownException">The stream did not answer within <c>Sse:PublishTimeout</c>.</exception>
    /// <exception cref="PublishTimeoutException">The node had too many publishes waiting and did not send it.</exception>
    Task<string> SendToUserAsync(string userId, string eventName, string data, CancellationToken cancellationToken = default);

    /// <summary>Sends an event to every connection without a tenant subscribed to <paramref name="topic"/>.</summary>
    /// <exception cref="ArgumentException">The topic or event name is empty or contains CR/LF.</exception>
    /// <exception cref="TopicsDisabledException">Topics are disabled.</exception>
    Task<string> SendToTopicAsync(string topic, string eventName, string data, CancellationToken cancellationToken = default);

    /// <summary>Sends an event to every connection of tenant <paramref name="tenantId"/> subscribed to <paramref name="topic"/>; no other tenant's.</summary>
    /// <exception cref="ArgumentException">The tenant id breaks the id rule, or the topic or event name is empty or contains CR/LF.</exception>
    /// <exception cref="TopicsDisabledException">Topics are disabled.</exception>
    Task<string> SendToTenantTopicAsync(string tenantId, string topic, string eventName, string data, CancellationToken cancellationToken = default);

    /// <summary>Sends an event to every connection.</summary>
    Task<string> BroadcastAsync(string eventName, string data, CancellationToken cancellationToken = default);

    // Named sends: a publisher that retries after a refusal or a timeout, with the same messageId, gets each event into
    // its stream once. With history on, a stream that recorded that id within its window returns the first one's event
    // id and records nothing; with history off there is no window, and every send is recorded.

    /// <summary>As <see cref="SendToUserAsync(string, string, string, CancellationToken)"/>, named <paramref name="messageId"/>: a retry is recorded once.</summary>
    /// <exception cref="ArgumentException">As the unnamed send, or the message id is empty, over 200 characters or has control characters.</exception>
    Task<string> SendToUserAsync(string userId, string eventName, string data, string messageId, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="SendToTopicAsync(string, string, string, CancellationToken)"/>, named <paramref name="messageId"/>: a retry is recorded once.</summary>
    Task<string> SendToTopicAsync(string topic, string eventName, string data, string messageId, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="SendToTenantTopicAsync(string, string, string, string, CancellationToken)"/>, named <paramref name="messageId"/>: a retry is recorded once.</summary>
    Task<string> SendToTenantTopicAsync(string tenantId, string topic, string eventName, string data, string messageId, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="BroadcastAsync(string, string, CancellationToken)"/>, named <paramref name="messageId"/>: a retry is recorded once.</summary>
    Task<string> BroadcastAsync(string eventName, string data, string messageId, CancellationToken cancellationToken = default);

    /// <summary>The whole cluster's figures, with each node's own and the nodes that did not answer in time.</summary>
    Task<SseStats> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the user has a subscribed connection on any node.</summary>
    /// <exception cref="ArgumentException">The user id breaks the id rule.</exception>
    Task<bool> IsUserOnlineAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every user with a connection on any node that answered in time (a UUID in lowercase, <see cref="Events.SseIds"/>), gathered page by page
    /// (<see cref="GetOnlineUsersAsync(string?, int, CancellationToken)"/> with the largest page): as long as the online users,
    /// and one round trip per <see cref="OnlineUserPages.MaxLimit"/> of them. Prefer the pages for a large cluster.
    /// </summary>
    Task<IReadOnlyList<string>> GetOnlineUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the users with a connection on any node that answered in time, in ascending id order: at most
    /// <paramref name="limit"/> of them, after <paramref name="after"/> (the previous page's <c>Next</c>; null for the first page).
    /// Each node sends only its part of the page, so a page costs the same however many users are online.
    /// </summary>
    /// <returns>The page, and the cursor of the next one (null when this is the last).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not 1 to <see cref="OnlineUserPages.MaxLimit"/>.</exception>
    Task<BrokerQueries.OnlineUsers> GetOnlineUsersAsync(string? after, int limit = OnlineUserPages.DefaultLimit, CancellationToken cancellationToken = default);

    /// <summary>The user's subscribed connections on every node (answered by the user's entity).</summary>
    /// <exception cref="ArgumentException">The user id breaks the id rule.</exception>
    Task<int> GetUserConnectionCountAsync(string userId, CancellationToken cancellationToken = default);
}
