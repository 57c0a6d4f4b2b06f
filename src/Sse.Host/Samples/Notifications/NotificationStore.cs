using System.Collections.Concurrent;

namespace Sse.Host.Samples.Notifications;

/// <summary>Where notifications are kept; replace it with your database.</summary>
public interface INotificationStore
{
    Task AddAsync(Notification notification, CancellationToken cancellationToken);

    /// <summary>A recipient's notifications, oldest first: what a page fetches when it (re)connects.</summary>
    Task<IReadOnlyList<Notification>> ForRecipientAsync(string recipientId, CancellationToken cancellationToken);
}

/// <summary>Keeps notifications in memory, for the sample and tests.</summary>
public sealed class InMemoryNotificationStore : INotificationStore
{
    private readonly ConcurrentQueue<Notification> _notifications = new();

    public Task AddAsync(Notification notification, CancellationToken cancellationToken)
    {
        _notifications.Enqueue(notification);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Notification>> ForRecipientAsync(string recipientId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Notification>>([.. _notifications.Where(n => string.Equals(n.RecipientId, recipientId, StringComparison.Ordinal))]);
}
