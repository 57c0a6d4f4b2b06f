using System.Text.Json;
using Sse.Actors.Api;

namespace Sse.Host.Samples.Notifications;

/// <summary>
/// The seed's integration example: create the notification, then push it to the recipient's
/// open pages. The store is the record; the push only tells pages that are open right now.
/// </summary>
public sealed class NotificationService(INotificationStore store, ISseBroker sse)
{
    /// <summary>The event name pages listen for: <c>source.addEventListener('notification', …)</c>.</summary>
    public const string EventName = "notification";

    /// <exception cref="ArgumentException">The recipient id is empty or the title is missing.</exception>
    public async Task<Notification> CreateAsync(Guid recipientId, string title, string content, CancellationToken cancellationToken = default)
    {
        // Checked before storing, so a notification that cannot be pushed is not kept either.
        if (recipientId == Guid.Empty)
        {
            throw new ArgumentException("recipient_id must be a non-empty UUID.", nameof(recipientId));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(title);

        var notification = new Notification(Guid.NewGuid(), recipientId, title, content, DateTimeOffset.UtcNow);
        await store.AddAsync(notification, cancellationToken);                                        // 1. store it
        var data = JsonSerializer.Serialize(notification, Notification.Json);
        await sse.SendToUserAsync(recipientId, EventName, data, cancellationToken);                   // 2. push it
        return notification;
    }
}
