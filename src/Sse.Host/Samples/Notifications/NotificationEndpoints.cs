using System.Text.Json;
using Sse.Actors.Security;

namespace Sse.Host.Samples.Notifications;

public static class NotificationEndpoints
{
    public const string Path = "/api/v1/notifications";

    /// <summary>Registers <see cref="NotificationService"/> with an in-memory store.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services) => services
        .AddSingleton<INotificationStore, InMemoryNotificationStore>()
        .AddSingleton<NotificationService>();

    /// <summary>
    /// <c>POST /api/v1/notifications</c> → 201 with the notification; 400 for a bad body. Guarded
    /// like <c>/api/v1/sse/send</c>: creating a notification pushes to a user, so it needs the publisher credential.
    /// </summary>
    public static RouteHandlerBuilder MapNotifications(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Path, CreateAsync).AddEndpointFilter<PublisherCredentialFilter>();

    private static async Task<IResult> CreateAsync(HttpRequest request, NotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            var body = await request.ReadFromJsonAsync<NewNotification>(Notification.Json, cancellationToken)
                ?? throw new ArgumentException("The body must be a JSON object.");
            var notification = await notifications.CreateAsync(body.RecipientId, body.Title ?? "", body.Content ?? "", cancellationToken);
            return Results.Json(notification, Notification.Json, statusCode: StatusCodes.Status201Created);
        }
        // InvalidOperationException: the request is not JSON at all (content type).
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return Results.Json(new { success = false, error = e.Message }, statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
