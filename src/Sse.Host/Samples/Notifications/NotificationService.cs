using System.Text.Json;
using Sse.Actors.Api;
using Sse.Actors.Events;

namespace Sse.Host.Samples.Notifications;

/// <summary>
/// The seed's integration example: create the notification, then push it to the recipient's
/// open pages. The store is the record; the push only tells pages that are open right now.
/// </summary>
public sealed class NotificationService(INotificationStore store, ISseBroker sse)
{
    /// <summary>The event name pages listen for: <c>source.addEventListener('notification', …)</c>.</summary>
    public const string EventName = "notification";

    /// <exception cref="ArgumentException">The recipient id is not a user id (<see cref="SseIds"/>) or the title is missing.</exception>
    public async Task<Notification> CreateAsync(string? recipientId, string title, string content, CancellationToken cancellationToken = default)
    {
        // Checked before storing, so a notification that cannot be pushed is not kept either.
        if (!SseIds.TryUserId(recipientId, out var recipient, out var problem))
        {
            throw new ArgumentException($"recipient_id {problem}.", nameof(recipientId));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(title);

        var notification = new Notification(Guid.NewGuid(), recipient, title, content, DateTimeOffset.UtcNow);
        await store.AddAsync(notification, cancellationToken);                                        // 1. store it
        var data = JsonSerializer.Serialize(notification, Notification.Json);
        await sse.SendToUserAsync(recipient, EventName, data, cancellationToken);                   // 2. push it
        return notification;
    }
}
