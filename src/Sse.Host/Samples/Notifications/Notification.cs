using System.Text.Json;

namespace Sse.Host.Samples.Notifications;

/// <summary>A stored notification; also the data of the <c>notification</c> event pushed to its recipient.</summary>
public sealed record Notification(Guid Id, string RecipientId, string Title, string Content, DateTimeOffset CreatedAt)
{
    /// <summary>snake_case like the broker's own HTTP API: <c>{"id":…,"recipient_id":…,"title":…,"content":…,"created_at":…}</c>.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}

/// <summary>The body of <c>POST /api/v1/notifications</c>: <c>{"recipient_id":…,"title":…,"content":…}</c>.</summary>
public sealed record NewNotification(string? RecipientId, string? Title, string? Content);
